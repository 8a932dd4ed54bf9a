import { Module } from '@nestjs/common';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { HealthModule, kafkaCheck, MetricsModule, postgresCheck, redisCheck } from '../src';

/** Local infrastructure from scripts/infra/infra.sh; overridable for other machines. */
const infrastructure = {
  postgresUrl:
    process.env['CARELOOP_TEST_POSTGRES_URL'] ??
    'postgres://careloop_admin:careloop_admin@127.0.0.1:5432/postgres',
  redisUrl: process.env['CARELOOP_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
  kafkaBrokers: (process.env['CARELOOP_TEST_KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(','),
};
/** Nothing listens on port 1: a dependency that is down. */
const closedPort = '127.0.0.1:1';

const DATA_SOURCE = Symbol('DATA_SOURCE');
const REDIS = Symbol('REDIS');
const KAFKA = Symbol('KAFKA');

interface Clients {
  dataSource: DataSource;
  redis: Redis;
  kafka: Kafka;
}

async function connectClients(
  overrides: { redisUrl?: string; kafkaBrokers?: string[] } = {},
): Promise<Clients> {
  const dataSource = await new DataSource({
    type: 'postgres',
    url: infrastructure.postgresUrl,
  }).initialize();
  const redis = new Redis(overrides.redisUrl ?? infrastructure.redisUrl, {
    maxRetriesPerRequest: 1,
    // Keeps a dead Redis from flooding the test output with reconnect attempts.
    retryStrategy: () => 1_000,
  });
  redis.on('error', () => undefined);
  const kafka = new Kafka({
    clientId: 'observability-health-spec',
    brokers: overrides.kafkaBrokers ?? infrastructure.kafkaBrokers,
    logLevel: logLevel.NOTHING,
    // A refused connection should fail the probe at once, not after kafkajs's default back-off.
    retry: { retries: 0 },
  });
  return { dataSource, redis, kafka };
}

function appModule(clients: Clients): DynamicModule {
  @Module({
    providers: [
      { provide: DATA_SOURCE, useValue: clients.dataSource },
      { provide: REDIS, useValue: clients.redis },
      { provide: KAFKA, useValue: clients.kafka },
    ],
    exports: [DATA_SOURCE, REDIS, KAFKA],
  })
  class InfrastructureModule {}

  @Module({})
  class SpecAppModule {}

  return {
    module: SpecAppModule,
    imports: [
      MetricsModule.forRoot({ serviceName: 'health-spec' }),
      HealthModule.forRoot({
        imports: [InfrastructureModule],
        // Generous: the first Kafka probe opens the admin connection.
        timeoutMs: 3_000,
        checks: [postgresCheck(DATA_SOURCE), redisCheck(REDIS), kafkaCheck(KAFKA)],
      }),
    ],
  };
}

async function start(clients: Clients): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    appModule(clients),
    new FastifyAdapter(),
    {
      logger: false,
    },
  );
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

async function stop(app: NestFastifyApplication, clients: Clients): Promise<void> {
  await app.close();
  clients.redis.disconnect();
  await clients.dataSource.destroy();
}

async function get(
  app: NestFastifyApplication,
  url: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

async function waitForRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Redis not ready at ${infrastructure.redisUrl}`)),
      5_000,
    );
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

jest.setTimeout(30_000);

describe('HealthModule against real Postgres, Redis and Kafka', () => {
  describe('with every dependency up', () => {
    let clients: Clients;
    let app: NestFastifyApplication;

    beforeAll(async () => {
      clients = await connectClients();
      await waitForRedis(clients.redis);
      app = await start(clients);
    });

    afterAll(() => stop(app, clients));

    it('should answer /health/ready 200 with postgres, redis and kafka up', async () => {
      const sut = await get(app, '/health/ready');
      expect(sut).toEqual({
        status: 200,
        body: {
          status: 'ok',
          info: { postgres: { status: 'up' }, redis: { status: 'up' }, kafka: { status: 'up' } },
          error: {},
          details: { postgres: { status: 'up' }, redis: { status: 'up' }, kafka: { status: 'up' } },
        },
      });
    });

    it('should reuse the Kafka admin connection across probes', async () => {
      for (let probe = 0; probe < 3; probe += 1) {
        expect((await get(app, '/health/ready')).status).toBe(200);
      }
    });

    it('should answer /health/live 200', async () => {
      expect((await get(app, '/health/live')).status).toBe(200);
    });

    it('should count probe requests in the HTTP metrics', async () => {
      const response = await app.inject({ method: 'GET', url: '/metrics' });
      expect(response.statusCode).toBe(200);
      expect(response.body).toMatch(
        /http_server_requests_total\{method="GET",route="\/health\/ready",status_code="200",service="health-spec"\} \d+/,
      );
    });
  });

  describe.each([
    ['redis', { redisUrl: `redis://${closedPort}` }],
    ['kafka', { kafkaBrokers: [closedPort] }],
  ])('with %s unreachable', (failing, overrides) => {
    let clients: Clients;
    let app: NestFastifyApplication;

    beforeAll(async () => {
      clients = await connectClients(overrides);
      if (failing !== 'redis') await waitForRedis(clients.redis);
      app = await start(clients);
    });

    afterAll(() => stop(app, clients));

    it(`should answer /health/ready 503 naming ${failing} and only ${failing}`, async () => {
      const sut = await get(app, '/health/ready');
      expect(sut.status).toBe(503);
      expect(sut.body['status']).toBe('error');
      expect(Object.keys(sut.body['error'] as object)).toEqual([failing]);
      expect(sut.body['error']).toMatchObject({
        [failing]: { status: 'down', message: expect.any(String) as unknown },
      });
      expect(Object.keys(sut.body['info'] as object).sort()).toEqual(
        ['kafka', 'postgres', 'redis'].filter((name) => name !== failing).sort(),
      );
    });

    it('should keep /health/live 200', async () => {
      expect((await get(app, '/health/live')).status).toBe(200);
    });
  });
});
