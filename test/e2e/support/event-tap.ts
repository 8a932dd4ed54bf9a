import type { Consumer } from 'kafkajs';
import { testKafka, uniqueSuffix, waitFor } from '@careloop/testing';

export interface TappedEvent {
  type: string;
  subject?: string;
  orgid?: string;
  data: Record<string, unknown>;
}

/**
 * Reads what the mesh publishes on some topics of a stack (from the beginning, in its own consumer
 * group), so a test can wait for an event the way a downstream service would see it.
 */
export class EventTap {
  private readonly events: TappedEvent[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async open(topicPrefix: string, types: string[]): Promise<EventTap> {
    const consumer = testKafka('e2e-event-tap').consumer({ groupId: `e2e-tap-${uniqueSuffix()}` });
    await consumer.connect();
    await consumer.subscribe({
      topics: types.map((type) => `${topicPrefix}${type}`),
      fromBeginning: true,
    });
    const tap = new EventTap(consumer);
    await consumer.run({
      eachMessage: ({ message }) => {
        if (message.value)
          tap.events.push(JSON.parse(message.value.toString('utf8')) as TappedEvent);
        return Promise.resolve();
      },
    });
    return tap;
  }

  async waitFor(
    type: string,
    matches: (event: TappedEvent) => boolean,
    timeoutMs = 10_000,
  ): Promise<TappedEvent> {
    const found = await waitFor(
      () => this.events.find((event) => event.type === type && matches(event)),
      (event) => event !== undefined,
      { timeoutMs, intervalMs: 20, description: `a ${type} event` },
    );
    return found!;
  }

  /** Every event of a type seen so far. */
  all(type: string): TappedEvent[] {
    return this.events.filter((event) => event.type === type);
  }

  close(): Promise<void> {
    return this.consumer.disconnect();
  }
}
