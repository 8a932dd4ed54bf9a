// `npm start`: infrastructure up, every service (each applies its migrations at start) and the
// gateway; one line per app with its URL once ready; Ctrl-C stops every process it started.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { RunningApp } from './local-stack';
import {
  gatewayEnvironment,
  localStack,
  repositoryRoot,
  serviceEnvironment,
  startApp,
  stopApp,
  waitUntilReady,
} from './local-stack';

async function main(): Promise<void> {
  const logDirectory = join(repositoryRoot, '.cache/logs');
  execFileSync('bash', [join(repositoryRoot, 'scripts/infra/infra.sh'), 'up'], {
    stdio: 'inherit',
  });

  const apps: (RunningApp & { port: number })[] = localStack.services.map((service) => ({
    ...startApp(service.name, serviceEnvironment(service), logDirectory),
    port: service.port,
  }));
  apps.push({
    ...startApp('gateway', gatewayEnvironment(), logDirectory),
    port: localStack.gateway.port,
  });

  let stopping = false;
  const stopAll = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping CareLoop...\n');
    await Promise.all(apps.map((app) => stopApp(app)));
    process.stdout.write(
      'all CareLoop processes stopped (infrastructure keeps running: npm run infra:down)\n',
    );
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  for (const app of apps) {
    void app.exited.then(({ code, signal }) => {
      if (!stopping)
        process.stdout.write(
          `${app.name} exited (code ${code}, signal ${signal}); see ${app.logPath}\n`,
        );
    });
  }

  const started = Date.now();
  const ready = await Promise.all(
    apps.map(async (app) => {
      const isReady = await waitUntilReady(
        `http://127.0.0.1:${app.port}/health/ready`,
        90_000,
        app.exited,
      );
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      process.stdout.write(
        isReady
          ? `${app.name.padEnd(21)} http://127.0.0.1:${app.port}  ready in ${seconds}s  (log ${app.logPath})\n`
          : `${app.name.padEnd(21)} NOT READY after ${seconds}s: see ${app.logPath}\n`,
      );
      return isReady;
    }),
  );
  if (ready.every(Boolean)) {
    process.stdout.write(
      `\nCareLoop is running at http://127.0.0.1:${localStack.gateway.port} (each service's OpenAPI at /docs). Ctrl-C stops it.\n`,
    );
  } else {
    process.stdout.write('\nsome apps did not become ready; stopping.\n');
    await stopAll(1);
  }
}

void main();
