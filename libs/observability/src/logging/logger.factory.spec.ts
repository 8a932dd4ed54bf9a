import { trace } from '@opentelemetry/api';
import { startTelemetry } from '../telemetry/telemetry.bootstrap';
import { createLogger } from './logger.factory';

function captured(): { lines: Record<string, unknown>[]; write: (line: string) => void } {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
  };
}

describe(createLogger.name, () => {
  const shutdown = startTelemetry('logger-spec', { environment: {} });
  afterAll(() => shutdown());

  it('should write service, level name, ISO time and msg', () => {
    const output = captured();
    const sut = createLogger('survey-service', 'info', output);
    sut.info('published');
    expect(output.lines[0]).toEqual({
      service: 'survey-service',
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
      msg: 'published',
    });
  });

  it('should add trace_id and span_id of the active span', () => {
    const output = captured();
    const sut = createLogger('survey-service', 'info', output);
    trace.getTracer('spec').startActiveSpan('publish', (span) => {
      sut.info('inside');
      span.end();
      expect(output.lines[0]).toMatchObject({
        trace_id: span.spanContext().traceId,
        span_id: span.spanContext().spanId,
      });
    });
  });

  it('should leave trace fields out when no span is active', () => {
    const output = captured();
    createLogger('survey-service', 'info', output).info('outside');
    expect(output.lines[0]).not.toHaveProperty('trace_id');
    expect(output.lines[0]).not.toHaveProperty('span_id');
  });

  it('should redact secrets in logged objects', () => {
    const output = captured();
    createLogger('auth-service', 'info', output).info(
      { user: { email: 'a@b.c', password: 'hunter2' }, refreshToken: 'r' },
      'x',
    );
    expect(output.lines[0]).toMatchObject({
      user: { email: 'a@b.c', password: '[redacted]' },
      refreshToken: '[redacted]',
    });
  });

  it('should drop lines below the level', () => {
    const output = captured();
    createLogger('survey-service', 'warn', output).info('quiet');
    expect(output.lines).toHaveLength(0);
  });
});
