import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createTestDatabase } from '@careloop/testing';
import type { TestDatabase } from '@careloop/testing';
import { createServiceDataSource, runMigrations } from '../src';

class CreatePatientNotes1700000000001 implements MigrationInterface {
  name = 'CreatePatientNotes1700000000001';
  async up(queryRunner: QueryRunner): Promise<void> {
    // pg_sleep widens the window in which a second replica would otherwise run the same DDL.
    await queryRunner.query('SELECT pg_sleep(0.3)');
    await queryRunner.query('CREATE TABLE patient_notes (id serial PRIMARY KEY, body text)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE patient_notes');
  }
}

describe('runMigrations', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('migrations');
  });

  afterAll(async () => {
    await database.drop();
  });

  it('lets replicas that start together migrate one after the other, each succeeding once', async () => {
    const replicas = [1, 2, 3].map((replica) =>
      createServiceDataSource({
        url: database.url,
        applicationName: `replica-${replica}`,
        migrations: [CreatePatientNotes1700000000001],
      }),
    );
    await Promise.all(replicas.map((replica) => replica.initialize()));
    try {
      const applied = await Promise.all(replicas.map((replica) => runMigrations(replica)));

      expect(applied.flat()).toEqual(['CreatePatientNotes1700000000001']);
      const rows = await replicas[0]!.query<{ count: number }[]>(
        'SELECT count(*)::int AS count FROM schema_migrations',
      );
      expect(rows).toEqual([{ count: 1 }]);
    } finally {
      await Promise.all(replicas.map((replica) => replica.destroy()));
    }
  });
});
