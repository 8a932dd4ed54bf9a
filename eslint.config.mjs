// ESLint 9 flat config (STYLE.md §5 and §7): type-checked typescript-eslint rules, Nx module
// boundaries, no deep `@careloop/*/*` imports, `@careloop/testing` only in tests and scripts.
import js from '@eslint/js';
import { createProjectGraphAsync } from '@nx/devkit';
import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

// `@nx/enforce-module-boundaries` reads Nx's cached project graph and silently skips itself when
// there is none (a fresh clone, CI): build or refresh it before linting, as `nx lint` would.
await createProjectGraphAsync({ exitOnError: true });

/** Unit, integration, e2e and system specs, plus the fixtures and helpers beside them. */
const testFiles = [
  '**/*.spec.ts',
  '**/*.integration-spec.ts',
  '**/*.e2e-spec.ts',
  '**/*.system-spec.ts',
  '{apps,libs}/*/test/**/*.ts',
  'test/**/*.ts',
];
const scriptFiles = ['scripts/**/*.ts'];

const deepImports = {
  group: ['@careloop/*/*'],
  message: 'Import a library through its public entry point `@careloop/<lib>` only.',
};
const testingImport = {
  name: '@careloop/testing',
  message: '`@careloop/testing` is for spec files, test fixtures and scripts only.',
};

const scopes = ['analytics', 'auth', 'feedback', 'gateway', 'notification', 'survey', 'user-org'];

/** STYLE.md §5; `inTests` also lets any project's specs and fixtures use the testing library. */
const depConstraints = ({ inTests }) => {
  const testing = inTests ? ['type:testing'] : [];
  return [
    {
      sourceTag: 'type:app',
      onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', 'type:testing'],
    },
    {
      sourceTag: 'type:platform',
      onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', ...testing],
    },
    {
      sourceTag: 'type:testing',
      onlyDependOnLibsWithTags: ['type:contracts', 'type:platform', ...testing],
    },
    {
      sourceTag: 'type:contracts',
      onlyDependOnLibsWithTags: ['type:contracts', ...testing],
      bannedExternalImports: ['typeorm', 'kafkajs', '@nestjs/*', 'ioredis', 'pg'],
    },
    { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
    ...scopes.map((scope) => ({
      sourceTag: `scope:${scope}`,
      onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:shared'],
    })),
  ];
};

const moduleBoundaries = (options) => [
  'error',
  {
    allow: [],
    enforceBuildableLibDependency: false,
    checkNestedExternalImports: true,
    depConstraints: depConstraints(options),
  },
];

export default defineConfig(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.cache/**',
      '.nx/**',
      '**/coverage/**',
      'helm/**',
      'docs/**',
      'tmp/**',
    ],
  },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },

  // The two CommonJS files (jest config, kafka admin helper): plain recommended rules.
  {
    files: ['**/*.js', '**/*.cjs'],
    ...js.configs.recommended,
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        exports: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
  },

  // TypeScript: type-checked rules against the root tsconfig.json (one program for the repo).
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      'require-await': 'off',
      '@typescript-eslint/require-await': 'error',
      // Files with decorators are left alone by the rule under emitDecoratorMetadata, so Nest
      // constructor injection and DTO classes keep their value imports.
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'separate-type-imports' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@nx/enforce-module-boundaries': moduleBoundaries({ inTests: false }),
      'no-restricted-imports': ['error', { paths: [testingImport], patterns: [deepImports] }],
    },
  },

  // Specs, fixtures, system tests and local scripts may use the testing library.
  {
    files: [...testFiles, ...scriptFiles],
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries({ inTests: true }),
      'no-restricted-imports': ['error', { patterns: [deepImports] }],
    },
  },
  // `any` stays an error in src; a spec may need it to reach into a mock.
  {
    files: testFiles,
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },

  prettier,
);
