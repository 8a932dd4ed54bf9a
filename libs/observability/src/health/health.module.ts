import { Module } from '@nestjs/common';
import type { DynamicModule, InjectionToken, ModuleMetadata } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HealthService, READINESS_PROBES } from './health.service';
import type { NamedProbe } from './health.service';
import type { HealthProbe, ReadinessCheck } from './readiness-check';

export interface HealthModuleOptions {
  /** What `/health/ready` requires, e.g. `[postgresCheck(DataSource), redisCheck(REDIS), kafkaCheck(KAFKA)]`. */
  checks: readonly ReadinessCheck[];
  /** Modules exporting the providers the checks inject, unless those are global. */
  imports?: ModuleMetadata['imports'];
  /**
   * Per-check limit. Below Kubernetes' default probe timeout (1 s), so the body names the slow
   * dependency instead of the kubelet reporting a bare timeout.
   */
  timeoutMs?: number;
  /**
   * How long shutdown waits after readiness turns 503, so the load balancer stops routing first;
   * pass through to Terminus. Defaults to 0 (tests, local runs).
   */
  gracefulShutdownTimeoutMs?: number;
}

const defaultTimeoutMs = 800;

/**
 * `GET /health/live` and `GET /health/ready`. Both are `@Public()` and outside OpenAPI.
 * Keep them out of a global prefix: `app.setGlobalPrefix(prefix, { exclude: ['health/(.*)', 'metrics'] })`.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    const checks = options.checks;
    const names = checks.map((check) => check.name);
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate !== undefined)
      throw new Error(`HealthModule: two checks are named '${duplicate}'`);

    // One provider builds every probe; its `inject` is all checks' tokens in a row, split back per check.
    const inject: InjectionToken[] = checks.flatMap((check) => [...check.inject]);
    const probesProvider = {
      provide: READINESS_PROBES,
      inject,
      useFactory: (...dependencies: unknown[]): NamedProbe[] => {
        let offset = 0;
        return checks.map((check) => {
          const own = dependencies.slice(offset, offset + check.inject.length);
          offset += check.inject.length;
          const probe: HealthProbe = check.useFactory(...(own as never[]));
          return { name: check.name, timeoutMs: check.timeoutMs ?? timeoutMs, probe };
        });
      },
    };

    return {
      module: HealthModule,
      imports: [
        ...(options.imports ?? []),
        TerminusModule.forRoot({
          // HealthService logs readiness changes itself; Terminus would log every failed probe.
          logger: false,
          gracefulShutdownTimeoutMs: options.gracefulShutdownTimeoutMs ?? 0,
        }),
      ],
      controllers: [HealthController],
      providers: [probesProvider, HealthService],
      exports: [HealthService],
    };
  }
}
