// One jest run for the whole monorepo: unit specs beside the code, integration specs under test/.
// SWC compiles TypeScript (with decorator metadata) so the suite stays fast.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];
const { compilerOptions } = require('./tsconfig.base.json');
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias}$`,
    `<rootDir>/${target}`,
  ]),
);
// ESM-only packages that CommonJS code under jest requires (e.g. @fastify/static -> content-disposition 3, loaded
// when a service serves its /docs page); SWC turns them into CommonJS like our own code.
const esmOnlyPackages = ['content-disposition'];
const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': swc, '^.+\\.js$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  moduleNameMapper,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['reflect-metadata'],
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/src/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/test/**/*.integration-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
    },
    {
      ...common,
      displayName: 'system',
      // End-to-end specs (`*.e2e-spec.ts`) run the whole mesh behind the gateway, as system specs do.
      testMatch: ['<rootDir>/test/**/*.{system,e2e}-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
    },
  ],
};
