import { Inject, Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import type { OnModuleDestroy } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { HealthCheckResult, HealthIndicatorResult } from '@nestjs/terminus';
import type { HealthProbe } from './readiness-check';

export interface NamedProbe {
  name: string;
  timeoutMs: number;
  probe: HealthProbe;
}

export const READINESS_PROBES = Symbol('READINESS_PROBES');

export interface HealthReport {
  httpStatus: 200 | 503;
  body: HealthCheckResult;
}

class ProbeTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

async function withTimeout(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProbeTimeoutError(timeoutMs)), timeoutMs);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

/**
 * Runs the probes through Terminus (parallel, standard `{status, info, error, details}` body) and
 * turns its exception for "not ready" into a plain report, so the controller can answer 503 with
 * that body regardless of the application's exception filters.
 */
@Injectable()
export class HealthService implements OnModuleDestroy {
  private readonly logger = new Logger('Health');
  private shuttingDown = false;
  private lastFailures = '';

  constructor(
    private readonly terminus: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_PROBES) private readonly probes: readonly NamedProbe[],
  ) {}

  /** The process runs and is not stopping. */
  liveness(): Promise<HealthReport> {
    return this.run([]);
  }

  /** Every dependency answers; a failing one is named under `error`. */
  readiness(): Promise<HealthReport> {
    return this.run(this.probes);
  }

  async onModuleDestroy(): Promise<void> {
    // Nest runs destroy hooks (consumers disconnecting, relays draining) before it closes the HTTP
    // server; answering 503 from the first of them takes the pod out of rotation meanwhile.
    this.shuttingDown = true;
    await Promise.allSettled(
      this.probes.map(async ({ probe }) => {
        await probe.close?.();
      }),
    );
  }

  private async run(probes: readonly NamedProbe[]): Promise<HealthReport> {
    if (this.shuttingDown) {
      return { httpStatus: 503, body: { status: 'shutting_down', details: {} } };
    }
    try {
      const body = await this.terminus.check(probes.map((p) => () => this.indicate(p)));
      if (probes.length > 0) this.noteFailures([]);
      return { httpStatus: 200, body };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const body = error.getResponse() as HealthCheckResult;
      this.noteFailures(Object.keys(body.error ?? {}));
      return { httpStatus: 503, body };
    }
  }

  private async indicate(named: NamedProbe): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(named.name);
    try {
      await withTimeout(named.probe.probe(), named.timeoutMs);
      return session.up();
    } catch (error) {
      return session.down({ message: messageOf(error) });
    }
  }

  /** Logs changes only: probes run every few seconds and a line per probe would drown the logs. */
  private noteFailures(failing: string[]): void {
    const current = failing.sort().join(',');
    if (current === this.lastFailures) return;
    if (current) this.logger.warn(`Not ready: ${current} failing`);
    else this.logger.log('Ready: all checks pass');
    this.lastFailures = current;
  }
}
