import { Controller, Get, InternalServerErrorException, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { register } from 'prom-client';
import { MetricsModule } from './metrics.module';

@Controller('items')
class ItemsController {
  @Get(':id')
  find(@Param('id') id: string): { id: string } {
    if (id === 'broken') throw new InternalServerErrorException();
    return { id };
  }
}

@Module({
  imports: [MetricsModule.forRoot({ serviceName: 'spec-service' })],
  controllers: [ItemsController],
})
class SpecModule {}

describe(MetricsModule.name, () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    register.clear();
    app = await NestFactory.create<NestFastifyApplication>(SpecModule, new FastifyAdapter(), {
      logger: false,
    });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app.close();
    register.clear();
  });

  async function scrape(): Promise<{ status: number; type: string | undefined; body: string }> {
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    return {
      status: response.statusCode,
      type: response.headers['content-type'] as string | undefined,
      body: response.body,
    };
  }

  it('should serve the Prometheus text format', async () => {
    const sut = await scrape();
    expect(sut.status).toBe(200);
    expect(sut.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(sut.body).toMatch(/process_cpu_user_seconds_total\{service="spec-service"\}/);
  });

  it('should label requests with the route template, not the URL', async () => {
    await app.inject({ method: 'GET', url: '/items/41' });
    await app.inject({ method: 'GET', url: '/items/42' });
    const sut = (await scrape()).body;
    expect(sut).toContain(
      'http_server_requests_total{method="GET",route="/items/:id",status_code="200",service="spec-service"} 2',
    );
    expect(sut).not.toContain('/items/41');
    expect(sut).toMatch(
      /http_server_request_duration_seconds_bucket\{le="0.005",.*route="\/items\/:id".*\} 2/,
    );
  });

  it('should count 5xx as errors and unknown paths under one label', async () => {
    await app.inject({ method: 'GET', url: '/items/broken' });
    await app.inject({ method: 'GET', url: '/nowhere/123' });
    const sut = (await scrape()).body;
    expect(sut).toContain(
      'http_server_errors_total{method="GET",route="/items/:id",status_code="500",service="spec-service"} 1',
    );
    expect(sut).toContain(
      'http_server_requests_total{method="GET",route="unmatched",status_code="404",service="spec-service"} 1',
    );
    expect(sut).not.toContain('route="/metrics"');
  });
});
