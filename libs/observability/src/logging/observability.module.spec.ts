import { Body, Controller, Get, Logger, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoNestLogger } from './nest-logger';
import { ObservabilityModule } from './observability.module';
import { loggablePath } from './request-logging';

type Line = Record<string, unknown>;
const lines: Line[] = [];

@Controller()
class SpecController {
  private readonly logger = new Logger(SpecController.name);

  @Get('surveys/:id')
  find(@Param('id') id: string): { id: string } {
    this.logger.log('looking up survey');
    return { id };
  }

  @Post('surveys')
  async create(@Body() body: { title: string }): Promise<{ title: string }> {
    await new Promise((resolve) => setImmediate(resolve));
    this.logger.log('creating survey');
    return body;
  }

  @Get('r/:token')
  respondent(): { ok: boolean } {
    return { ok: true };
  }

  @Get('health/live')
  live(): { status: string } {
    return { status: 'ok' };
  }
}

@Module({
  imports: [
    ObservabilityModule.forRoot({
      serviceName: 'spec-service',
      logLevel: 'info',
      destination: { write: (line: string) => lines.push(JSON.parse(line) as Line) },
    }),
  ],
  controllers: [SpecController],
})
class SpecModule {}

describe(ObservabilityModule.name, () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await NestFactory.create<NestFastifyApplication>(SpecModule, new FastifyAdapter(), {
      bufferLogs: true,
    });
    app.useLogger(app.get(PinoNestLogger));
    // An HTTP app flushes its buffered logs when it listens; this one is only injected into.
    app.flushLogs();
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(() => app.close());
  beforeEach(() => lines.splice(0));

  const completed = (): Line[] => lines.filter((line) => line['msg'] === 'request completed');

  it('should echo the caller correlation id and put it on every line of the request', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/surveys/7?secret=1',
      headers: { 'x-correlation-id': 'corr-1' },
    });
    expect(response.headers['x-correlation-id']).toBe('corr-1');
    const own = lines.find((line) => line['msg'] === 'looking up survey');
    expect(own).toMatchObject({ service: 'spec-service', level: 'info', correlation_id: 'corr-1' });
    expect(completed()[0]).toMatchObject({
      correlation_id: 'corr-1',
      req: { method: 'GET', path: '/surveys/7' },
      res: { status_code: 200 },
    });
    expect(JSON.stringify(lines)).not.toContain('secret');
  });

  it('should keep the correlation id on lines written after the body was parsed', async () => {
    await app.inject({
      method: 'POST',
      url: '/surveys',
      headers: { 'x-correlation-id': 'corr-post' },
      payload: { title: 'Visit' },
    });
    const own = lines.find((line) => line['msg'] === 'creating survey');
    expect(own).toMatchObject({ correlation_id: 'corr-post', context: 'SpecController' });
  });

  it('should log failed requests as warnings and server errors as errors', async () => {
    await app.inject({ method: 'GET', url: '/nowhere' });
    expect(completed()[0]).toMatchObject({ level: 'warn', res: { status_code: 404 } });
  });

  it('should generate a correlation id when the caller sends none', async () => {
    const response = await app.inject({ method: 'GET', url: '/surveys/8' });
    expect(response.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(completed()[0]?.['correlation_id']).toBe(response.headers['x-correlation-id']);
  });

  it('should not log request bodies, headers or respondent tokens', async () => {
    await app.inject({
      method: 'GET',
      url: '/r/tok-SECRET',
      headers: { authorization: 'Bearer abc' },
    });
    const text = JSON.stringify(lines);
    expect(text).not.toContain('tok-SECRET');
    expect(text).not.toContain('Bearer');
    expect(completed()[0]).toMatchObject({ req: { path: '/r/:token' } });
  });

  it('should not log successful probe requests', async () => {
    await app.inject({ method: 'GET', url: '/health/live' });
    expect(completed()).toHaveLength(0);
  });

  it('should send Nest framework logs through pino', () => {
    app.get(PinoNestLogger).log('hello from nest', 'SpecContext');
    expect(lines[0]).toMatchObject({
      msg: 'hello from nest',
      context: 'SpecContext',
      service: 'spec-service',
    });
  });
});

describe(loggablePath.name, () => {
  it.each([
    ['/api/surveys/1?cursor=abc', '/api/surveys/1'],
    ['/r/abc.def/draft', '/r/:token/draft'],
    [undefined, ''],
  ])('should turn %s into %s', (url, expected) => {
    expect(loggablePath(url)).toBe(expected);
  });
});
