import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { uniqueSuffix } from '@careloop/testing';
import type { Environment } from '../../scripts/local-stack';
import { localStack, serviceEnvironment, startApp, stopApp } from '../../scripts/local-stack';
import { freePort, systemLogDirectory } from './support/system-stack';

jest.setTimeout(120_000);

/** Starts an app with the given environment and returns how it ended and what it printed. */
async function runWith(name: string, environment: Environment) {
  const app = startApp(name, environment, join(systemLogDirectory, `config-${uniqueSuffix()}`));
  const timer = setTimeout(() => void stopApp(app), 60_000);
  const { code } = await app.exited;
  clearTimeout(timer);
  return { code, output: readFileSync(app.logPath, 'utf8') };
}

describe('a service started with a bad environment', () => {
  const cases = localStack.services.flatMap((service) => [
    {
      service: service.name,
      variable: 'DATABASE_URL',
      change: (environment: Environment) => delete environment['DATABASE_URL'],
    },
    {
      service: service.name,
      variable: 'KAFKA_BROKERS',
      change: (environment: Environment) => (environment['KAFKA_BROKERS'] = 'not a broker list'),
    },
  ]);

  it.each(cases)(
    '$service should exit non-zero naming $variable',
    async ({ service, variable, change }) => {
      const definition = localStack.services.find((candidate) => candidate.name === service)!;
      const environment = serviceEnvironment(definition, { PORT: String(await freePort()) });
      change(environment);

      const { code, output } = await runWith(service, environment);

      expect(code).toBe(1);
      expect(output).toContain(`invalid environment variable ${variable}`);
    },
  );

  it('gateway should exit non-zero naming an invalid PORT', async () => {
    const { code, output } = await runWith('gateway', {
      PORT: 'eighty',
      REDIS_URL: localStack.redis,
    });

    expect(code).toBe(1);
    expect(output).toContain('PORT');
  });
});
