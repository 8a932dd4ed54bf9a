import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

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
  const logDirectory = join(repositoryRoot, '.cache/test-logs', logFolder);
  mkdirSync(logDirectory, { recursive: true });
  const logPath = join(logDirectory, `${name}.log`);
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(repositoryRoot, 'apps', name, 'src/main.ts')],
    {
      cwd: repositoryRoot,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        TZ: 'UTC',
        SWC_NODE_PROJECT: join(repositoryRoot, 'tsconfig.json'),
        ...environment,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => (gone = true));

  const stop = async () => {
    if (!gone) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(force);
    }
    log.end();
  };

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !gone) {
    try {
      const response = await fetch(`${url}/health/live`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return { logPath, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await stop();
  throw new Error(`${name} did not start; see ${logPath}`);
}
