import { randomUUID } from 'node:crypto';
import type { TestDatabase } from '@careloop/testing';
import type { DataSource, EntityManager } from 'typeorm';
import { InboxRunner } from '../src/inbox/inbox.runner';
import { createMessagingDatabase } from './fixtures/messaging-test-bed';

/** Effects that add to one counter row through `transactionState`, as the analytics rollup does. */
describe('InboxRunner.transactionState', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let inbox: InboxRunner;
  const flushes: number[] = [];

  beforeAll(async () => {
    ({ database, dataSource } = await createMessagingDatabase('inbox-deferred'));
    await dataSource.query(`CREATE TABLE tally (name text PRIMARY KEY, total int NOT NULL)`);
    inbox = new InboxRunner(dataSource);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  beforeEach(() => {
    flushes.length = 0;
  });

  const event = () => ({ id: randomUUID(), type: 'appointment.completed' });

  const countOnce = (manager: EntityManager, name: string) => {
    const pending = inbox.transactionState(
      manager,
      'tally',
      () => ({ added: 0 }),
      async (state) => {
        flushes.push(state.added);
        await manager.query(
          `INSERT INTO tally (name, total) VALUES ($1, $2)
           ON CONFLICT (name) DO UPDATE SET total = tally.total + EXCLUDED.total`,
          [name, state.added],
        );
      },
    );
    pending.added += 1;
    return Promise.resolve('processed');
  };

  const totalOf = async (name: string) => {
    const rows: { total: number }[] = await dataSource.query(
      'SELECT total FROM tally WHERE name = $1',
      [name],
    );
    return rows[0]?.total ?? 0;
  };

  it('writes what a chunk of events deferred once, before the commit, counting each event once', async () => {
    const events = [event(), event(), event(), event()];
    await inbox.once(events[0]!, 'tally', (manager) => countOnce(manager, 'chunk'));
    expect(flushes).toEqual([1]);

    const outcomes = await inbox.inSharedTransaction(events, () =>
      Promise.all(
        events.map((each) => inbox.once(each, 'tally', (manager) => countOnce(manager, 'chunk'))),
      ),
    );
    expect(outcomes).toEqual(['duplicate', 'processed', 'processed', 'processed']);
    expect(flushes).toEqual([1, 3]);
    expect(await totalOf('chunk')).toBe(4);
  });

  it('writes nothing deferred by a chunk that rolls back', async () => {
    const events = [event(), event()];
    await expect(
      inbox.inSharedTransaction(events, async () => {
        await inbox.once(events[0]!, 'tally', (manager) => countOnce(manager, 'rolled-back'));
        await inbox.once(events[1]!, 'tally', () => Promise.reject(new Error('effect failed')));
      }),
    ).rejects.toThrow('effect failed');
    expect(flushes).toEqual([]);
    expect(await totalOf('rolled-back')).toBe(0);

    // Replayed, the first event still counts once.
    await inbox.once(events[0]!, 'tally', (manager) => countOnce(manager, 'rolled-back'));
    expect(await totalOf('rolled-back')).toBe(1);
  });
});
