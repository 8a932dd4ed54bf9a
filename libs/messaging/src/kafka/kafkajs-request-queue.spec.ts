/**
 * kafkajs 2.2.4 re-armed a timer every millisecond on every idle broker connection (its
 * tulios/kafkajs#1556): about 4% of a core per service doing nothing. `patches/kafkajs+2.2.4.patch`
 * (applied by `npm ci` through patch-package) fixes it; these fail if the install is unpatched.
 */
interface RequestQueue {
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  maybeThrottle(milliseconds: number): void;
  push(request: {
    entry: { correlationId: number; resolve: () => void; reject: () => void };
    expectResponse: boolean;
    sendRequest: () => void;
  }): void;
  destroy(): void;
}

// kafkajs does not export its request queue; the patch is to this very module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueueClass = require('kafkajs/src/network/requestQueue') as new (options: {
  maxInFlightRequests: number | null;
  requestTimeout: number;
  enforceRequestTimeout: boolean;
  clientId: string;
  broker: string;
  logger: { debug: () => void; warn: () => void; error: () => void };
}) => RequestQueue;

const silent = { debug: () => undefined, warn: () => undefined, error: () => undefined };

function requestQueue(): RequestQueue {
  return new RequestQueueClass({
    maxInFlightRequests: null,
    requestTimeout: 30_000,
    enforceRequestTimeout: false,
    clientId: 'careloop-test',
    broker: '127.0.0.1:9092',
    logger: silent,
  });
}

describe('kafkajs request queue (patched)', () => {
  it('arms no timer while nothing is pending', () => {
    const queue = requestQueue();
    queue.checkPendingRequests();
    const armed = queue.throttleCheckTimeoutId;
    queue.destroy();
    expect(armed).toBeNull();
  });

  it('still sends a request queued during broker throttling once the throttle ends', async () => {
    const queue = requestQueue();
    queue.maybeThrottle(30);
    const sent = new Promise<number>((resolve) => {
      const queuedAt = Date.now();
      queue.push({
        entry: { correlationId: 1, resolve: () => undefined, reject: () => undefined },
        expectResponse: false,
        sendRequest: () => resolve(Date.now() - queuedAt),
      });
    });
    await expect(sent).resolves.toBeGreaterThanOrEqual(25);
    queue.destroy();
  });
});
