import { Logger } from '@nestjs/common';

/**
 * Background work a service repeats on an interval (draft sync, expiry sweep): never two runs at
 * once, a failure logged and retried on the next tick, and `stop` waits for the run in flight so a
 * shutdown does not cut a transaction in half. The timer does not keep the process alive.
 */
export class PeriodicTask {
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<void>,
  ) {
    this.logger = new Logger(name);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runNow(), this.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a run in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Runs once now unless a run is in flight (then that run is awaited instead). */
  async runNow(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.work().catch((error: unknown) => {
      this.logger.warn({
        msg: `${this.name} failed; retried on the next interval`,
        error: error instanceof Error ? error.message : String(error),
      });
    });
    try {
      await this.running;
    } finally {
      this.running = undefined;
    }
  }
}
