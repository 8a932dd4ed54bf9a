import { isSpanContextValid, trace } from '@opentelemetry/api';
import { startTelemetry } from './telemetry.bootstrap';

describe(startTelemetry.name, () => {
  const sut = startTelemetry('telemetry-spec', { environment: {} });

  afterAll(() => sut());

  it('should return the first shutdown function when called again', () => {
    expect(startTelemetry('telemetry-spec', { environment: {} })).toBe(sut);
  });

  it('should give spans valid trace ids but record nothing when no exporter endpoint is configured', () => {
    const span = trace.getTracer('spec').startSpan('work');
    expect(span.isRecording()).toBe(false);
    expect(isSpanContextValid(span.spanContext())).toBe(true);
    span.end();
  });

  it('should keep the trace id of the parent in child spans, so logs of one request share it', () => {
    trace.getTracer('spec').startActiveSpan('request', (parent) => {
      const child = trace.getTracer('spec').startSpan('query');
      expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
      expect(child.spanContext().spanId).not.toBe(parent.spanContext().spanId);
      child.end();
      parent.end();
    });
  });

  it('should make a started span the active one inside startActiveSpan', async () => {
    await trace.getTracer('spec').startActiveSpan('outer', async (span) => {
      await Promise.resolve();
      expect(trace.getActiveSpan()?.spanContext().spanId).toBe(span.spanContext().spanId);
      span.end();
    });
  });
});
