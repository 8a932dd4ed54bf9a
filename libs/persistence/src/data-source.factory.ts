import type { MixedList, EntitySchema } from 'typeorm';
import { DataSource } from 'typeorm';

export interface ServiceDataSourceOptions {
  /** postgres://role:password@host:port/database */
  url: string;
  /** Shown in pg_stat_activity, so an operator can tell which service holds a connection. */
  applicationName: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM types entity and migration classes as Function
  entities?: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM types entity and migration classes as Function
  migrations?: MixedList<Function | string>;
  /** Connections in the pool; the hot path is round-trip bound, so a small pool sized to the cores wins. */
  poolSize?: number;
}

/**
 * The one way a service opens its database: migrations only (never synchronize), a bounded pool,
 * statement timeouts so a stuck query cannot hold a request forever.
 */
export function createServiceDataSource(options: ServiceDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    applicationName: options.applicationName,
    entities: options.entities ?? [],
    migrations: options.migrations ?? [],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // Failed queries surface as exceptions to their callers, who log them through the service's
    // JSON logger; TypeORM's own console logging would duplicate them as plain text.
    logging: false,
    poolSize: options.poolSize ?? 10,
    extra: {
      statement_timeout: 15_000,
      idle_in_transaction_session_timeout: 30_000,
      connectionTimeoutMillis: 5_000,
    },
  });
}

/** One advisory-lock key for "migrating this database"; each service has its own database. */
const MIGRATION_LOCK_KEY = 7_320_419_001;

/**
 * Applies pending migrations; returns the names applied (empty when the schema is current).
 * Replicas starting together serialise on a session advisory lock: TypeORM itself takes none, and two
 * pods running the same DDL at once would make one of them crash.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await lockHolder
      .query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY])
      .catch(() => undefined);
    await lockHolder.release();
  }
}
