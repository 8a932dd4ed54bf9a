import { Inject, Module } from '@nestjs/common';
import type { DynamicModule, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, register } from 'prom-client';
import { httpServerMetrics, installHttpMetricsHooks } from './http.metrics';
import { MetricsController } from './metrics.controller';

export interface MetricsModuleOptions {
  serviceName: string;
  /** Route templates left out of the HTTP metrics; default `['/metrics']`. */
  ignoredRoutes?: readonly string[];
}

const METRICS_MODULE_OPTIONS = Symbol('METRICS_MODULE_OPTIONS');

/** Process metrics are registered once per process; a second registration would throw. */
function ensureDefaultMetrics(): void {
  if (register.getSingleMetric('process_cpu_user_seconds_total') === undefined) {
    collectDefaultMetrics({ register });
  }
}

/**
 * `GET /metrics` in Prometheus text format with Node process metrics and the HTTP golden signals,
 * every series labelled `service`. Services keep `/metrics` outside any global prefix:
 * `app.setGlobalPrefix('api/surveys', { exclude: ['metrics', 'health/(.*)'] })`.
 */
@Module({ controllers: [MetricsController] })
export class MetricsModule implements OnModuleInit {
  constructor(
    @Inject(METRICS_MODULE_OPTIONS) private readonly options: MetricsModuleOptions,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  static forRoot(options: MetricsModuleOptions): DynamicModule {
    return {
      module: MetricsModule,
      providers: [{ provide: METRICS_MODULE_OPTIONS, useValue: options }],
    };
  }

  onModuleInit(): void {
    // Default labels apply to every series in the registry, including the messaging metrics.
    register.setDefaultLabels({ service: this.options.serviceName });
    ensureDefaultMetrics();
    const adapter = this.adapterHost.httpAdapter;
    // A standalone context (a worker without HTTP) has no adapter; a non-Fastify one gets no hooks.
    if (adapter?.getType() !== 'fastify') return;
    installHttpMetricsHooks(adapter.getInstance<FastifyInstance>(), httpServerMetrics(), {
      ...(this.options.ignoredRoutes ? { ignoredRoutes: this.options.ignoredRoutes } : {}),
    });
  }
}
