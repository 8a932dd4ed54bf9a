import type { DataSource } from 'typeorm';
import type { HealthProbe } from './readiness-check';

/** Only what the probe uses, so tests and other pools can stand in for a DataSource. */
export type QueryableDataSource = Pick<DataSource, 'isInitialized' | 'query'>;

export class PostgresHealthProbe implements HealthProbe {
  constructor(private readonly dataSource: QueryableDataSource) {}

  async probe(): Promise<void> {
    // Before initialisation `query` would throw a less telling error.
    if (!this.dataSource.isInitialized) throw new Error('data source is not initialized');
    await this.dataSource.query('SELECT 1');
  }
}
