import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createTestDatabase } from '@careloop/testing';
import type { TestDatabase } from '@careloop/testing';
import { bindTenant, createServiceDataSource, TENANT_SETTING } from '../src';

/**
 * bindTenant skips the `set_config` round trip when the transaction is already bound to the same
 * org; these prove the skip never lets one org's rows be read under another's binding.
 */
describe('bindTenant', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const clinicA = randomUUID();
  const clinicB = randomUUID();

  beforeAll(async () => {
    database = await createTestDatabase('tenant-scope');
    const owner = createServiceDataSource({ url: database.url, applicationName: 'owner' });
    await owner.initialize();
    await owner.query(`CREATE TABLE note (org_id uuid NOT NULL, body text NOT NULL)`);
    await owner.query(`INSERT INTO note VALUES ($1, 'a'), ($2, 'b')`, [clinicA, clinicB]);
    await owner.query(`ALTER TABLE note ENABLE ROW LEVEL SECURITY`);
    await owner.query(`ALTER TABLE note FORCE ROW LEVEL SECURITY`);
    await owner.query(
      `CREATE POLICY note_tenant ON note USING (org_id = NULLIF(current_setting('${TENANT_SETTING}', true), '')::uuid)`,
    );
    await owner.destroy();
    dataSource = createServiceDataSource({ url: database.url, applicationName: 'tenant-scope' });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const visibleBodies = async (orgIds: string[]) =>
    dataSource.transaction(async (manager) => {
      const seen: string[][] = [];
      for (const orgId of orgIds) {
        await bindTenant(manager, orgId);
        const rows: { body: string }[] = await manager.query('SELECT body FROM note');
        seen.push(rows.map((row) => row.body));
      }
      return seen;
    });

  it('rebinds when the org changes within one transaction, and binds again in the next one', async () => {
    expect(await visibleBodies([clinicA, clinicA, clinicB, clinicA])).toEqual([
      ['a'],
      ['a'],
      ['b'],
      ['a'],
    ]);
    // A new transaction starts unbound, whatever the previous one on the pool's connection was.
    expect(await visibleBodies([clinicB])).toEqual([['b']]);
    expect(
      await dataSource.transaction((manager) => manager.query<unknown[]>('SELECT body FROM note')),
    ).toEqual([]);
  });

  it('refuses to bind outside a transaction or to something that is not an org id', async () => {
    await expect(bindTenant(dataSource.manager, clinicA)).rejects.toThrow(/inside a transaction/);
    await expect(
      dataSource.transaction((manager) => bindTenant(manager, "x' OR true")),
    ).rejects.toThrow(/must be a UUID/);
  });
});
