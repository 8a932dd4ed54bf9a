import { randomUUID } from 'node:crypto';
import { TENANT_SETTING } from '@careloop/persistence';
import type { TestDatabase } from '@careloop/testing';
import type { DataSource, EntityManager } from 'typeorm';
import { InboxRunner } from '../src/inbox/inbox.runner';
import { createMessagingDatabase } from './fixtures/messaging-test-bed';

/** The inbox's transactions: opened lazily, bound to the events' tenant, claims with the commit. */
describe('InboxRunner', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let inbox: InboxRunner;

  beforeAll(async () => {
    ({ database, dataSource } = await createMessagingDatabase('inbox-runner'));
    await dataSource.query(`CREATE TABLE effect_log (event_id uuid NOT NULL, note text)`);
    inbox = new InboxRunner(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const event = (orgid?: string) => ({
    id: randomUUID(),
    type: 'appointment.completed',
    ...(orgid ? { orgid } : {}),
  });

  const claimsOf = (eventId: string) =>
    dataSource.query<{ consumer: string; outcome: string }[]>(
      'SELECT consumer, outcome FROM inbox_message WHERE event_id = $1 ORDER BY consumer',
      [eventId],
    );

  const logged = async (eventId: string) =>
    (
      await dataSource.query<{ count: number }[]>(
        'SELECT count(*)::int AS count FROM effect_log WHERE event_id = $1',
        [eventId],
      )
    )[0]!.count;

  const tenantSeenBy = async (manager: EntityManager) => {
    const [row] = await manager.query<{ org: string | null }[]>(
      `SELECT NULLIF(current_setting('${TENANT_SETTING}', true), '') AS org`,
    );
    return row!.org;
  };

  it('records the outcome of each applied event, a skip included, and applies nothing twice', async () => {
    const applied = event();
    const skipped = event();
    const write = (id: string) => async (manager: EntityManager) => {
      await manager.query('INSERT INTO effect_log (event_id) VALUES ($1)', [id]);
      return 'processed';
    };
    expect(await inbox.once(applied, 'ledger', write(applied.id))).toBe('processed');
    expect(await inbox.once(skipped, 'ledger', () => Promise.resolve('skipped'))).toBe('skipped');
    expect(await inbox.once(applied, 'ledger', write(applied.id))).toBe('duplicate');
    // Another consumer of the same event keeps its own claim.
    expect(await inbox.once(applied, 'audit', () => Promise.resolve('processed'))).toBe(
      'processed',
    );

    expect(await logged(applied.id)).toBe(1);
    expect(await claimsOf(applied.id)).toEqual([
      { consumer: 'audit', outcome: 'processed' },
      { consumer: 'ledger', outcome: 'processed' },
    ]);
    expect(await claimsOf(skipped.id)).toEqual([{ consumer: 'ledger', outcome: 'skipped' }]);
  });

  it('opens no transaction for a chunk whose handlers all decide from memory', async () => {
    const opened = jest.spyOn(dataSource, 'createQueryRunner');
    try {
      const result = await inbox.inSharedTransaction([event(), event()], () =>
        Promise.resolve('screened out'),
      );
      expect(result).toBe('screened out');
      expect(opened).not.toHaveBeenCalled();
    } finally {
      opened.mockRestore();
    }
  });

  it("binds the transaction to the events' tenant when they share one, and to none otherwise", async () => {
    const clinic = randomUUID();
    const shared = [event(clinic), event(clinic)];
    const seen = await inbox.inSharedTransaction(shared, async () => {
      const tenants: (string | null)[] = [];
      for (const each of shared) {
        await inbox.once(each, 'tenant-probe', async (manager) => {
          tenants.push(await tenantSeenBy(manager));
        });
      }
      return tenants;
    });
    expect(seen).toEqual([clinic, clinic]);

    const mixed = [event(clinic), event(randomUUID())];
    let unbound: string | null = 'not read';
    await inbox.inSharedTransaction(mixed, () =>
      inbox.once(mixed[0]!, 'tenant-probe', async (manager) => {
        unbound = await tenantSeenBy(manager);
      }),
    );
    expect(unbound).toBeNull();
    const alone = event(clinic);
    let single: string | null = null;
    await inbox.once(alone, 'tenant-probe', async (manager) => {
      single = await tenantSeenBy(manager);
    });
    expect(single).toBe(clinic);
  });

  it('rolls back the effect of an instance that lost the race to claim an event', async () => {
    const contested = event();
    let releaseSlow: () => void = () => undefined;
    const slowMayFinish = new Promise<void>((resolve) => (releaseSlow = resolve));
    let slowApplied: () => void = () => undefined;
    const slowHasApplied = new Promise<void>((resolve) => (slowApplied = resolve));
    const otherInstance = new InboxRunner(dataSource);

    const slow = otherInstance.once(contested, 'ledger', async (manager) => {
      await manager.query(`INSERT INTO effect_log (event_id, note) VALUES ($1, 'slow')`, [
        contested.id,
      ]);
      slowApplied();
      await slowMayFinish;
    });
    await slowHasApplied;
    // The fast instance saw no claim yet, applies and commits first.
    await inbox.once(contested, 'ledger', async (manager) => {
      await manager.query(`INSERT INTO effect_log (event_id, note) VALUES ($1, 'fast')`, [
        contested.id,
      ]);
    });
    releaseSlow();
    await expect(slow).rejects.toThrow(/duplicate key/);

    const notes = await dataSource.query<{ note: string }[]>(
      'SELECT note FROM effect_log WHERE event_id = $1',
      [contested.id],
    );
    expect(notes).toEqual([{ note: 'fast' }]);
    // Retried, as the event server retries a failed delivery, it finds the event applied.
    expect(await otherInstance.once(contested, 'ledger', () => Promise.resolve())).toBe(
      'duplicate',
    );
  });

  it('refuses an event id that is not a UUID before touching the database', async () => {
    await expect(
      inbox.once(
        { id: "x'); DROP TABLE inbox_message; --", type: 'appointment.completed' },
        'ledger',
        () => Promise.resolve(),
      ),
    ).rejects.toThrow(TypeError);
    expect(await dataSource.query('SELECT 1 FROM inbox_message LIMIT 1')).toBeDefined();
  });
});
