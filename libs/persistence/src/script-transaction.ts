import type { PoolClient, QueryResult, QueryResultRow } from 'pg';
import type { QueryRunner } from 'typeorm';

/** The rows of the last statement of a simple-protocol query (pg answers an array for several). */
export function lastRows<T extends QueryResultRow>(result: QueryResult | QueryResult[]): T[] {
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  return (last?.rows ?? []) as T[];
}

/** What TypeORM's own startTransaction/commitTransaction set on a query runner. */
interface TransactionFlags {
  isTransactionActive: boolean;
  transactionDepth: number;
}

function flagsOf(runner: QueryRunner): TransactionFlags {
  return runner as unknown as TransactionFlags;
}

async function clientOf(runner: QueryRunner): Promise<PoolClient> {
  return (await runner.connect()) as PoolClient;
}

/**
 * Starts a transaction on `runner` with `script` (literal SQL, see sql-literals.ts) in the same
 * round trip, and returns the rows of its last statement. TypeORM's `startTransaction` costs a round
 * trip of its own; the runner is then marked as TypeORM marks it, so `runner.manager` works as in
 * `DataSource.transaction`: nested transactions become savepoints, `rollbackTransaction` works.
 */
export async function beginWith<T extends QueryResultRow>(
  runner: QueryRunner,
  script: string,
): Promise<T[]> {
  const flags = flagsOf(runner);
  if (flags.isTransactionActive) throw new Error('beginWith: a transaction is already active');
  const result = (await (await clientOf(runner)).query(`BEGIN; ${script}`)) as unknown as
    QueryResult | QueryResult[];
  flags.isTransactionActive = true;
  flags.transactionDepth = 1;
  return lastRows<T>(result);
}

/**
 * Runs `script` (literal SQL, may be empty) and commits in one round trip. Should the script fail,
 * Postgres skips the COMMIT and the transaction is left for `rollbackTransaction`.
 */
export async function commitWith(runner: QueryRunner, script = ''): Promise<void> {
  const flags = flagsOf(runner);
  if (!flags.isTransactionActive || flags.transactionDepth !== 1) {
    throw new Error('commitWith: no outermost transaction is active');
  }
  await (await clientOf(runner)).query(script ? `${script}; COMMIT` : 'COMMIT');
  flags.isTransactionActive = false;
  flags.transactionDepth = 0;
}
