import { join } from 'node:path';
import { startApp, stopApp, waitUntilReady } from '@careloop/testing';

const repositoryRoot = join(__dirname, '../../../..');

export interface ServiceProcess {
  logPath: string;
  stop(): Promise<void>;
}

/**
 * Runs a service as its own process, the way `npm start` does (SWC on the fly). Not in the test
 * process: Swagger's static assets pull ESM-only packages that Jest's CommonJS runtime cannot load.
 */
export async function startServiceProcess(
  name: string,
  url: string,
  environment: Record<string, string>,
  logFolder: string,
): Promise<ServiceProcess> {
  const app = startApp(name, environment, join(repositoryRoot, '.cache/test-logs', logFolder));
  const stop = () => stopApp(app);
  if (await waitUntilReady(`${url}/health/live`, 60_000, app.exited)) {
    return { logPath: app.logPath, stop };
  }
  await stop();
  throw new Error(`${name} did not start; see ${app.logPath}`);
}
