import { ALL_EVENT_TYPES } from '@careloop/contracts';
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { parse } from 'yaml';

/**
 * System tests of the local infrastructure script (scripts/infra/infra.sh) against the real
 * PostgreSQL, Redis and Kafka it runs on this machine.
 */
const root = join(__dirname, '..', '..');
const infraScript = join(root, 'scripts', 'infra', 'infra.sh');
const kafkaPidFile = join(root, '.cache', 'kafka', 'kafka.pid');
const kafkaConfig = join(root, '.cache', 'kafka', 'config', 'server.properties');
const services = ['auth', 'user_org', 'survey', 'feedback', 'notification', 'analytics'] as const;

jest.setTimeout(240_000);

function run(command: string, args: string[]): SpawnSyncReturns<string> {
  return spawnSync(command, args, {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
    timeout: 300_000,
  });
}

function infra(command: string): SpawnSyncReturns<string> {
  return run('bash', [infraScript, command]);
}

function describeFailure(result: SpawnSyncReturns<string>): string {
  return `exit ${String(result.status)}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}

function topicsFromFile(): string[] {
  const base = readFileSync(join(root, 'scripts', 'infra', 'topics.txt'), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line.length > 0);
  return base.flatMap((topic) => [topic, `${topic}.dlq`]);
}

function databaseUrl(service: string, database: string): string {
  return `postgres://careloop_${service}:careloop_${service}@127.0.0.1:5432/${database}`;
}

async function queryAs(service: string, database: string, sql: string): Promise<unknown[]> {
  const client = new Client({
    connectionString: databaseUrl(service, database),
    connectionTimeoutMillis: 5_000,
  });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('local infrastructure script (scripts/infra/infra.sh)', () => {
  beforeAll(() => {
    // Whatever ran before (fault tests stop Kafka), bring everything up once so the checks below
    // observe a second, warm `up`.
    const first = infra('up');
    if (first.status !== 0) throw new Error(`infra.sh up failed\n${describeFailure(first)}`);
  });

  it('reuses every running component on a second `up` and changes nothing', () => {
    const pidBefore = readFileSync(kafkaPidFile, 'utf8').trim();
    const configMtimeBefore = statSync(kafkaConfig).mtimeMs;

    const second = infra('up');

    expect(second.status).toBe(0);
    const out = second.stdout;
    expect(out).toMatch(/^postgres: running on 127\.0\.0\.1:5432 \(reused[;)]/m);
    expect(out).toMatch(/^postgres: .*careloop_admin already present \(reused\)$/m);
    expect(out).toMatch(/^redis: running on 127\.0\.0\.1:6379 \(reused\)$/m);
    expect(out).toMatch(/^kafka: jars cached in /m);
    expect(out).toMatch(/^kafka: running on 127\.0\.0\.1:9092 \(reused; pid \d+/m);
    expect(out).toMatch(/^kafka: topics from .*all existed \(reused\)$/m);
    expect(out).not.toMatch(/\b(started|created|restarted|installed|fetching|formatted)\b/);
    expect(readFileSync(kafkaPidFile, 'utf8').trim()).toBe(pidBefore);
    expect(out).toContain(`pid ${pidBefore};`);
    expect(statSync(kafkaConfig).mtimeMs).toBe(configMtimeBefore);
  });

  it('reports postgres, redis and kafka as running in `status`', () => {
    const status = infra('status');

    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/^postgres: running on 127\.0\.0\.1:5432/m);
    expect(status.stdout).toMatch(/^redis: running on 127\.0\.0\.1:6379/m);
    expect(status.stdout).toMatch(/^kafka: running on 127\.0\.0\.1:9092/m);
    expect(status.stdout).not.toMatch(/stopped/);
  });

  it.each(services)(
    'lets careloop_%s use its own database and refuses it every other service database',
    async (service) => {
      const own = `careloop_${service}`;
      await expect(
        queryAs(service, own, 'SELECT current_user AS who, current_database() AS db'),
      ).resolves.toEqual([{ who: own, db: own }]);
      // The role owns its database and may create objects in its public schema.
      await expect(
        queryAs(
          service,
          own,
          `SELECT pg_get_userbyid(datdba) AS owner, has_schema_privilege('public', 'CREATE') AS can_create
           FROM pg_database WHERE datname = current_database()`,
        ),
      ).resolves.toEqual([{ owner: own, can_create: true }]);

      for (const other of services.filter((s) => s !== service)) {
        await expect(queryAs(service, `careloop_${other}`, 'SELECT 1')).rejects.toThrow(
          /permission denied for database/,
        );
      }
    },
  );

  it('lets careloop_admin (superuser) connect to any service database', async () => {
    const admin = new Client({
      connectionString: 'postgres://careloop_admin:careloop_admin@127.0.0.1:5432/careloop_feedback',
    });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ rolsuper: boolean }>(
        'SELECT rolsuper FROM pg_roles WHERE rolname = current_user',
      );
      expect(rows).toEqual([{ rolsuper: true }]);
    } finally {
      await admin.end();
    }
  });

  it('rejects a service role that presents a wrong password', async () => {
    const client = new Client({
      connectionString: 'postgres://careloop_auth:wrong-password@127.0.0.1:5432/careloop_auth',
    });
    await expect(client.connect()).rejects.toThrow(/password authentication failed/);
    await client.end().catch(() => undefined);
  });

  it('has every topic of topics.txt and its .dlq with 6 partitions', async () => {
    const expected = topicsFromFile();
    // topics.txt is the shell's copy of the contracts' list of event types.
    expect([...expected].sort()).toEqual(
      ALL_EVENT_TYPES.flatMap((type) => [type, `${type}.dlq`]).sort(),
    );
    const admin = new Kafka({
      clientId: 'infra-system-spec',
      brokers: ['127.0.0.1:9092'],
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      expect(expected.filter((t) => !existing.has(t))).toEqual([]);
      const metadata = await admin.fetchTopicMetadata({ topics: expected });
      const counts = Object.fromEntries(metadata.topics.map((t) => [t.name, t.partitions.length]));
      expect(counts).toEqual(Object.fromEntries(expected.map((t) => [t, 6])));
    } finally {
      await admin.disconnect();
    }
  });

  it('keeps docker-compose.yml valid: `docker compose config -q` passes where Docker Compose exists', () => {
    // The compose file must at least be YAML whose anchors resolve and whose services are the stack.
    const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), {
      merge: true,
    }) as {
      services: Record<string, { ports?: string[] }>;
    };
    expect(Object.keys(compose.services)).toEqual(
      expect.arrayContaining([
        'postgres',
        'redis',
        'kafka',
        'kafka-init',
        'kong',
        'auth-service',
        'user-org-service',
        'survey-service',
        'feedback-service',
        'notification-service',
        'analytics-service',
        'otel-collector',
        'prometheus',
        'grafana',
      ]),
    );

    const docker = run('docker', ['compose', 'version']);
    const dockerMissing =
      docker.error !== undefined && (docker.error as NodeJS.ErrnoException).code === 'ENOENT';
    if (docker.status === 0) {
      const config = run('docker', [
        'compose',
        '-f',
        join(root, 'docker-compose.yml'),
        'config',
        '-q',
      ]);
      if (config.status !== 0)
        throw new Error(`docker compose config -q failed\n${describeFailure(config)}`);
      expect(config.status).toBe(0);
    } else {
      // No Docker Compose here: say so explicitly (no docker binary, or a docker client without the compose plugin).
      const noCompose =
        dockerMissing ||
        /unknown (shorthand flag|command)|is not a docker command/.test(`${docker.stderr}`);
      expect({ dockerMissing, composePluginMissing: noCompose }).toEqual({
        dockerMissing,
        composePluginMissing: true,
      });
    }
  });
});
