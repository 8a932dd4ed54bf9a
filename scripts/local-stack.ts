// The local CareLoop stack as processes: which apps exist, their environment, how to start and
// stop them. Used by `npm start` and by the system tests, so both run the same thing.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const repositoryRoot = join(__dirname, '..');

export interface LocalService {
  name: string;
  port: number;
  database: string;
}

export interface LocalStack {
  services: LocalService[];
  gateway: { name: string; port: number };
  postgres: string;
  redis: string;
  kafka: string;
}

export const localStack = JSON.parse(
  readFileSync(join(repositoryRoot, 'deploy/local/services.json'), 'utf8'),
) as LocalStack;

export type Environment = Record<string, string>;

export function serviceEnvironment(
  service: LocalService,
  overrides: Environment = {},
): Environment {
  return {
    PORT: String(service.port),
    DATABASE_URL: `postgres://${service.database}:${service.database}@${localStack.postgres}/${service.database}`,
    REDIS_URL: localStack.redis,
    KAFKA_BROKERS: localStack.kafka,
    ...authEnvironment,
    ...(service.name === 'auth-service' ? authServiceSecrets : {}),
    ...(service.name === 'feedback-service' ? feedbackServiceSecrets : {}),
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

/**
 * auth-service's key-encryption key for its signing keys at rest. A fixed value for the local
 * stack only (its database is local too); real deployments take it from a secret store.
 */
export const authServiceSecrets: Environment = {
  AUTH_KEY_ENCRYPTION_KEYS: 'local1:bG9jYWwtb25seS1rZXktZW5jcnlwdGlvbi1rZXkhISE=',
  AUTH_KEY_ENCRYPTION_ACTIVE_KEY_ID: 'local1',
};

/**
 * feedback-service's keys for patient contact data at rest, its blind indexes and respondent
 * tokens. Fixed values for the local stack only (readable text, not secrets); real deployments
 * take them from a secret store (kid:base64 of 32 bytes, as libs/security pii-keys.ts parses).
 */
export const feedbackServiceSecrets: Environment = {
  PII_ENCRYPTION_KEYS: 'local1:bG9jYWwtb25seS1waWktZW5jcnlwdGlvbi1rZXkhISE=',
  PII_ACTIVE_KEY_ID: 'local1',
  PII_BLIND_INDEX_KEY: 'bG9jYWwtb25seS1waWktYmxpbmQtaW5kZXgta2V5ISE=',
  RESPONDENT_TOKEN_KEYS: 'local1:bG9jYWwtb25seS1yZXNwb25kZW50LXRva2VuLWtleSE=',
  RESPONDENT_TOKEN_ACTIVE_KEY_ID: 'local1',
};

/** Where services find auth-service's signing keys, and the issuer and audience it stamps. */
export const authEnvironment: Environment = {
  AUTH_JWKS_URL: 'http://127.0.0.1:3001/api/auth/.well-known/jwks.json',
  AUTH_ISSUER: 'http://127.0.0.1:8080/api/auth',
  AUTH_AUDIENCE: 'careloop-api',
};

/** The gateway verifies tokens at the edge, as Kong does, against the same keys as the services. */
export function gatewayEnvironment(overrides: Environment = {}): Environment {
  return {
    PORT: String(localStack.gateway.port),
    REDIS_URL: localStack.redis,
    GATEWAY_UPSTREAM_HOST_OVERRIDE: '*=127.0.0.1',
    GATEWAY_JWKS_URL: authEnvironment['AUTH_JWKS_URL']!,
    DECK_CARELOOP_JWT_ISSUER: authEnvironment['AUTH_ISSUER']!,
    LOG_LEVEL: 'info',
    ...overrides,
  };
}

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
  environment: Environment,
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
