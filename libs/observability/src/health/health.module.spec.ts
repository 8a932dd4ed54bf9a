import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { HealthModule } from './health.module';
import { HealthService } from './health.service';
import { readinessCheck } from './readiness-check';

const DEPENDENCY = Symbol('DEPENDENCY');

interface FakeDependency {
  answer: 'ok' | 'fail' | 'hang';
}

const dependency: FakeDependency = { answer: 'ok' };

function probeOf(state: () => FakeDependency['answer']): { probe(): Promise<void> } {
  return {
    probe: () => {
      const answer = state();
      if (answer === 'fail') return Promise.reject(new Error('connection refused'));
      if (answer === 'hang') return new Promise<void>(() => undefined);
      return Promise.resolve();
    },
  };
}

@Module({ providers: [{ provide: DEPENDENCY, useValue: dependency }], exports: [DEPENDENCY] })
class DependencyModule {}

@Module({
  imports: [
    HealthModule.forRoot({
      imports: [DependencyModule],
      timeoutMs: 50,
      checks: [
        readinessCheck('steady', { useFactory: () => probeOf(() => 'ok') }),
        readinessCheck('flaky', {
          inject: [DEPENDENCY],
          useFactory: (fake: FakeDependency) => probeOf(() => fake.answer),
        }),
      ],
    }),
  ],
})
class SpecModule {}

describe(HealthModule.name, () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(SpecModule, new FastifyAdapter(), {
      logger: false,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());

  async function get(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await app.inject({ method: 'GET', url: path });
    return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
  }

  it('should answer ready with every check up', async () => {
    dependency.answer = 'ok';
    const sut = await get('/health/ready');
    expect(sut.status).toBe(200);
    expect(sut.body).toMatchObject({
      status: 'ok',
      details: { steady: { status: 'up' }, flaky: { status: 'up' } },
    });
  });

  it('should answer 503 naming the failing check and its reason', async () => {
    dependency.answer = 'fail';
    const sut = await get('/health/ready');
    expect(sut.status).toBe(503);
    expect(sut.body).toMatchObject({
      status: 'error',
      info: { steady: { status: 'up' } },
      error: { flaky: { status: 'down', message: 'connection refused' } },
    });
  });

  it('should report a check that does not answer in time as down', async () => {
    dependency.answer = 'hang';
    const sut = await get('/health/ready');
    expect(sut.status).toBe(503);
    expect(sut.body).toMatchObject({
      error: { flaky: { status: 'down', message: 'no answer within 50 ms' } },
    });
  });

  it('should keep liveness up while a dependency is down', async () => {
    dependency.answer = 'fail';
    const sut = await get('/health/live');
    expect(sut.status).toBe(200);
    expect(sut.body).toMatchObject({ status: 'ok' });
  });

  it('should answer 503 on both probes once shutdown begins', async () => {
    dependency.answer = 'ok';
    await app.get(HealthService).onModuleDestroy();
    expect((await get('/health/live')).status).toBe(503);
    expect(await get('/health/ready')).toEqual({
      status: 503,
      body: { status: 'shutting_down', details: {} },
    });
  });
});

describe('HealthModule.forRoot', () => {
  it('should refuse two checks with one name', () => {
    const check = readinessCheck('redis', { useFactory: () => probeOf(() => 'ok') });
    expect(() => HealthModule.forRoot({ checks: [check, check] })).toThrow(
      /two checks are named 'redis'/,
    );
  });
});
