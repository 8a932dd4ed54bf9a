import type { GroupCommitOutcome } from './group-commit';
import { GroupCommit } from './group-commit';

/** A write whose batches are recorded and finish only when the test releases them. */
function recordingWrite(decide: (item: number) => GroupCommitOutcome<string> = doubled) {
  const batches: { key: string; items: number[]; release: () => void; fail: (e: Error) => void }[] =
    [];
  const write = (key: string, items: readonly number[]) =>
    new Promise<GroupCommitOutcome<string>[]>((resolve, reject) => {
      batches.push({
        key,
        items: [...items],
        release: () => resolve(items.map(decide)),
        fail: reject,
      });
    });
  return { batches, write };
}

function doubled(item: number): GroupCommitOutcome<string> {
  return { status: 'done', value: String(item * 2) };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes a lone item on the next turn of the loop, in a batch of its own', async () => {
    const { batches, write } = recordingWrite();
    const commit = new GroupCommit(write, { maxBatchSize: 10, maxConcurrentBatches: 2 });
    const answer = commit.submit('org-1', 4);
    await nextTurn();
    expect(batches.map((batch) => batch.items)).toEqual([[4]]);
    batches[0]!.release();
    await expect(answer).resolves.toBe('8');
  });

  it('writes the items submitted in the same turn together, never more than the batch size', async () => {
    const { batches, write } = recordingWrite();
    const commit = new GroupCommit(write, { maxBatchSize: 3, maxConcurrentBatches: 4 });
    const answers = [1, 2, 3, 4, 5].map((item) => commit.submit('org-1', item));
    await nextTurn();
    expect(batches.map((batch) => batch.items)).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    batches.forEach((batch) => batch.release());
    await expect(Promise.all(answers)).resolves.toEqual(['2', '4', '6', '8', '10']);
  });

  it('queues items while the most batches of a key are in flight, and sends them together after', async () => {
    const { batches, write } = recordingWrite();
    const commit = new GroupCommit(write, { maxBatchSize: 10, maxConcurrentBatches: 1 });
    const first = commit.submit('org-1', 1);
    await nextTurn();
    const later = [2, 3, 4].map(async (item) => {
      await nextTurn();
      return commit.submit('org-1', item);
    });
    await nextTurn();
    await nextTurn();
    expect(batches).toHaveLength(1);
    batches[0]!.release();
    await first;
    await nextTurn();
    expect(batches.map((batch) => batch.items)).toEqual([[1], [2, 3, 4]]);
    batches[1]!.release();
    await expect(Promise.all(later)).resolves.toEqual(['4', '6', '8']);
  });

  it('keeps keys apart: each organization gets its own batches', async () => {
    const { batches, write } = recordingWrite();
    const commit = new GroupCommit(write, { maxBatchSize: 10, maxConcurrentBatches: 1 });
    const answers = [
      commit.submit('org-1', 1),
      commit.submit('org-2', 2),
      commit.submit('org-1', 3),
    ];
    await nextTurn();
    expect(batches.map((batch) => [batch.key, batch.items])).toEqual([
      ['org-1', [1, 3]],
      ['org-2', [2]],
    ]);
    batches.forEach((batch) => batch.release());
    await expect(Promise.all(answers)).resolves.toEqual(['2', '4', '6']);
  });

  it('fails only the item whose outcome failed', async () => {
    const { batches, write } = recordingWrite((item) =>
      item === 2 ? { status: 'failed', error: new Error('no such session') } : doubled(item),
    );
    const commit = new GroupCommit(write, { maxBatchSize: 10, maxConcurrentBatches: 1 });
    const answers = [1, 2, 3].map((item) => commit.submit('org-1', item));
    await nextTurn();
    batches[0]!.release();
    const settled = await Promise.allSettled(answers);
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('replays a batch that threw one item at a time, so only the item that breaks it fails', async () => {
    const written: number[][] = [];
    const commit = new GroupCommit<number, string>(
      (_key, items) => {
        written.push([...items]);
        if (items.includes(2)) return Promise.reject(new Error('invalid byte sequence'));
        return Promise.resolve(items.map(doubled));
      },
      { maxBatchSize: 10, maxConcurrentBatches: 1 },
    );
    const settled = await Promise.allSettled([1, 2, 3].map((item) => commit.submit('org-1', item)));
    expect(settled).toEqual([
      { status: 'fulfilled', value: '2' },
      { status: 'rejected', reason: new Error('invalid byte sequence') },
      { status: 'fulfilled', value: '6' },
    ]);
    expect(written).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('sends an item answered "again" in a later batch', async () => {
    let firstBatch = true;
    const written: number[][] = [];
    const commit = new GroupCommit<number, string>(
      (_key, items) => {
        written.push([...items]);
        const outcomes = items.map((item, index): GroupCommitOutcome<string> =>
          firstBatch && index === 1 ? { status: 'again' } : doubled(item),
        );
        firstBatch = false;
        return Promise.resolve(outcomes);
      },
      { maxBatchSize: 10, maxConcurrentBatches: 1 },
    );
    await expect(Promise.all([7, 7].map((item) => commit.submit('org-1', item)))).resolves.toEqual([
      '14',
      '14',
    ]);
    expect(written).toEqual([[7, 7], [7]]);
  });
});
