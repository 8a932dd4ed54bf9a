import { lastRows, preparedStatement, tenantBindingStatement } from '@careloop/persistence';
import type { SqlExecutor } from '@careloop/messaging';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';

/** A connection in a tenant-bound transaction, for `OutboxWriter.appendWith` and literal statements. */
export interface TenantConnection extends SqlExecutor {
  /** Statements whose values are literals built by `uuidLiteral`/`byteaLiteral` (one round trip). */
  script<T extends QueryResultRow>(text: string): Promise<T[]>;
}

/**
 * The respondent hot path in as few Postgres round trips as the protocol allows. TypeORM's
 * `transaction` + `bindTenant` costs BEGIN, set_config, the work and COMMIT as separate round trips
 * (each also a span and a TypeORM query runner); here the tenant binding travels in the same query
 * text as the statement after it, as a simple-protocol script. Such a script cannot carry
 * parameters, so only values rendered by `uuidLiteral`/`byteaLiteral` go into it; anything else
 * (answers, events) goes through parameterized statements on the same connection.
 */
export class TenantRoundTrips {
  constructor(private readonly dataSource: DataSource) {}

  private get pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  /**
   * One read in one round trip: a multi-statement query runs as a single implicit transaction, so
   * the transaction-local tenant setting applies to `select` and is gone afterwards.
   */
  async read<T extends QueryResultRow>(orgId: string, select: string): Promise<T[]> {
    const result = (await this.pool.query(
      `${tenantBindingStatement(orgId)}; ${select}`,
    )) as unknown as QueryResult | QueryResult[];
    return lastRows<T>(result);
  }

  /**
   * `work` in a transaction bound to `orgId`; `first` (literal SQL, usually the read the work
   * depends on) travels with BEGIN and the binding, and its rows are handed to `work`.
   */
  async transaction<R extends QueryResultRow, T>(
    orgId: string,
    first: string,
    work: (rows: R[], connection: TenantConnection) => Promise<T>,
  ): Promise<T> {
    const client: PoolClient = await this.pool.connect();
    let broken: Error | undefined;
    try {
      const rows = lastRows<R>(
        await client.query(`BEGIN; ${tenantBindingStatement(orgId)}; ${first}`),
      );
      const connection: TenantConnection = {
        // Parameterized statements here have fixed texts (the response and outbox CTE): prepared.
        query: async (sql: string, parameters?: unknown[]): Promise<unknown[]> =>
          (await client.query(preparedStatement(sql, parameters))).rows as unknown[],
        script: async <T2 extends QueryResultRow>(text: string) =>
          lastRows<T2>(await client.query(text)),
      };
      const result = await work(rows, connection);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackError) {
        // The connection is unusable: drop it from the pool instead of reusing it.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }
}
