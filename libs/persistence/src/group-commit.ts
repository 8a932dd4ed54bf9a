/** What a batch write decided for one item. */
export type GroupCommitOutcome<R> =
  | { status: 'done'; value: R }
  | { status: 'failed'; error: unknown }
  /** Not decided in this batch (e.g. a second item for the same row): it goes into a later one. */
  | { status: 'again' };

/**
 * Writes one batch of items that share a key (an organization, so one tenant-bound transaction),
 * answering one outcome per item in the order given. Throwing fails the batch as a whole.
 */
export type GroupCommitWrite<I, R> = (
  key: string,
  items: readonly I[],
) => Promise<readonly GroupCommitOutcome<R>[]>;

export interface GroupCommitOptions {
  /** Most items in one batch (one transaction). */
  maxBatchSize: number;
  /** Batches of one key in flight at once; items arriving meanwhile wait and travel together. */
  maxConcurrentBatches: number;
}

interface Waiting<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

interface KeyQueue<I, R> {
  waiting: Waiting<I, R>[];
  inFlight: number;
  scheduled: boolean;
}

/**
 * Group commit: concurrent writes of one key share a transaction instead of paying a transaction
 * (its round trips, its commit and WAL flush) each. Nothing waits on a timer: a lone item is written
 * on the next turn of the event loop; only while `maxConcurrentBatches` of its key are in flight do
 * new items queue, and then they leave together as soon as one finishes. So batches grow with the
 * load and latency does not.
 *
 * A batch that throws is replayed one item per batch, so one item that breaks a statement (or a
 * transaction that failed for any reason) costs the others nothing but a retry.
 */
export class GroupCommit<I, R> {
  private readonly queues = new Map<string, KeyQueue<I, R>>();

  constructor(
    private readonly write: GroupCommitWrite<I, R>,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(key: string, item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this.queueOf(key);
      queue.waiting.push({ item, resolve, reject });
      if (!queue.scheduled) {
        queue.scheduled = true;
        // Items of requests handled in the same turn of the loop join this batch.
        setImmediate(() => {
          queue.scheduled = false;
          this.drain(key, queue);
        });
      }
    });
  }

  private queueOf(key: string): KeyQueue<I, R> {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { waiting: [], inFlight: 0, scheduled: false };
      this.queues.set(key, queue);
    }
    return queue;
  }

  private drain(key: string, queue: KeyQueue<I, R>): void {
    while (queue.waiting.length > 0 && queue.inFlight < this.options.maxConcurrentBatches) {
      const batch = queue.waiting.splice(0, this.options.maxBatchSize);
      queue.inFlight += 1;
      void this.run(key, batch).finally(() => {
        queue.inFlight -= 1;
        if (queue.waiting.length > 0) this.drain(key, queue);
        else if (queue.inFlight === 0 && !queue.scheduled) this.queues.delete(key);
      });
    }
  }

  private async run(key: string, batch: Waiting<I, R>[]): Promise<void> {
    let outcomes: readonly GroupCommitOutcome<R>[];
    try {
      outcomes = await this.write(
        key,
        batch.map((waiting) => waiting.item),
      );
      if (outcomes.length !== batch.length) {
        throw new Error(`a batch of ${batch.length} items answered ${outcomes.length} outcomes`);
      }
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      await Promise.all(batch.map((waiting) => this.run(key, [waiting])));
      return;
    }
    const again: Waiting<I, R>[] = [];
    outcomes.forEach((outcome, index) => {
      const waiting = batch[index]!;
      if (outcome.status === 'done') waiting.resolve(outcome.value);
      else if (outcome.status === 'failed') waiting.reject(outcome.error);
      else again.push(waiting);
    });
    if (again.length > 0) {
      const queue = this.queueOf(key);
      queue.waiting.unshift(...again);
    }
  }
}
