import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

/** The repository (this file is `libs/testing/src/service-process.ts`). */
const repositoryRoot = join(__dirname, '../../..');

/**
 * How every CareLoop service runs (the Dockerfile sets the same in NODE_OPTIONS). A 32 MB young
 * generation (V8's default is 16): a request allocates a lot that dies young, and with the default
 * the garbage collector took ~13% of feedback-service's CPU under load. Its effect on the respondent
 * benchmark is within that benchmark's run-to-run noise on a 2-core box (see the closing notes).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];

export interface RunningApp {
  name: string;
  child: ChildProcess;
  logPath: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `apps/<name>/src/main.ts`, compiled on the fly by SWC, with its JSON log appended to
 * `<logDirectory>/<name>.log`. It leads its own process group, so a stop reaches all it started.
 * Only the given environment plus PATH/HOME reach it, so a test controls every variable.
 */
export function startApp(
  name: string,
  environment: Record<string, string>,
  logDirectory: string,
  /** Extra flags for node itself, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). */
  nodeArguments: readonly string[] = [],
): RunningApp {
  mkdirSync(logDirectory, { recursive: true });
  const logPath = join(logDirectory, `${name}.log`);
  // The child writes its log straight to the file: piped through this process, every line of every
  // service cost this process a read and a write (a benchmark's load generator paid for the logs of
  // the system it measured).
  const log = openSync(logPath, 'a');
  const child = spawn(
    process.execPath,
    [
      ...SERVICE_NODE_FLAGS,
      ...nodeArguments,
      '-r',
      '@swc-node/register',
      join(repositoryRoot, 'apps', name, 'src/main.ts'),
    ],
    {
      cwd: repositoryRoot,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        TZ: 'UTC',
        SWC_NODE_PROJECT: join(repositoryRoot, 'tsconfig.json'),
        ...environment,
      },
      stdio: ['ignore', log, log],
      detached: true,
    },
  );
  closeSync(log);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { name, child, logPath, exited };
}

function signalGroup(app: RunningApp, signal: NodeJS.Signals): void {
  try {
    if (app.child.pid !== undefined) process.kill(-app.child.pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM (drain the relay, leave the consumer group), then SIGKILL after the grace period. */
export async function stopApp(app: RunningApp, graceMs = 15_000): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  signalGroup(app, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(app, 'SIGKILL'), graceMs);
  await app.exited;
  clearTimeout(timer);
}

/** The crash a power cut or the OOM killer causes: no shutdown hook runs. */
export async function killApp(app: RunningApp): Promise<void> {
  signalGroup(app, 'SIGKILL');
  await app.exited;
}

/** Resolves true once `url` answers 2xx, false on timeout or when the process exits first. */
export async function waitUntilReady(
  url: string,
  timeoutMs: number,
  exited?: Promise<unknown>,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let finished = false;
  void exited?.then(() => (finished = true));
  while (Date.now() < deadline && !finished) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}
