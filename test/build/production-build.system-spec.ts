import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, testInfrastructure, waitFor } from '@careloop/testing';
import { authEnvironment, repositoryRoot } from '../../scripts/local-stack';
import { freePort } from '../system/support/system-stack';

jest.setTimeout(120_000);

const readJson = <T>(path: string): T =>
  JSON.parse(readFileSync(join(repositoryRoot, path), 'utf8')) as T;

describe('the production build (what the Docker image and the Helm chart run)', () => {
  const outDirectory = mkdtempSync(join(tmpdir(), 'careloop-dist-'));
  afterAll(() => rmSync(outDirectory, { recursive: true, force: true }));

  it('should resolve the same @careloop/* aliases as TypeScript', () => {
    const swcPaths = readJson<{ jsc: { paths: unknown } }>('swc.build.json').jsc.paths;
    const tsPaths = readJson<{ compilerOptions: { paths: unknown } }>('tsconfig.base.json')
      .compilerOptions.paths;
    expect(swcPaths).toEqual(tsPaths);
  });

  it('should compile every app and run a service from the compiled output', async () => {
    execFileSync(
      'npx',
      ['swc', 'apps', 'libs', '-d', outDirectory, '--config-file', 'swc.build.json', '--no-swcrc'],
      { cwd: repositoryRoot, stdio: 'pipe' },
    );
    const database = await createTestDatabase('build');
    const port = await freePort();
    const service = spawn(
      process.execPath,
      [join(outDirectory, 'apps/analytics-service/src/main.js')],
      {
        // The compiled code resolves packages from the repository's node_modules, as in the image.
        cwd: repositoryRoot,
        env: {
          PATH: process.env['PATH'] ?? '',
          NODE_PATH: join(repositoryRoot, 'node_modules'),
          PORT: String(port),
          DATABASE_URL: database.url,
          REDIS_URL: testInfrastructure.redisUrl,
          KAFKA_BROKERS: testInfrastructure.kafkaBrokers,
          ...authEnvironment,
        },
        stdio: 'ignore',
      },
    );
    try {
      const status = await waitFor(
        () => fetch(`http://127.0.0.1:${port}/health/ready`).then((response) => response.status),
        (code) => code === 200,
        { timeoutMs: 60_000, description: 'the compiled service to be ready' },
      );
      expect(status).toBe(200);
    } finally {
      service.kill('SIGTERM');
      await new Promise((resolve) => service.on('exit', resolve));
      await database.drop();
    }
  });
});
