import { isSpanContextValid, trace } from '@opentelemetry/api';
import { startTelemetry } from './telemetry.bootstrap';

describe(startTelemetry.name, () => {
  const sut = startTelemetry('telemetry-spec', { environment: {} });

  afterAll(() => sut());

  it('should return the first shutdown function when called again', () => {
    expect(startTelemetry('telemetry-spec', { environment: {} })).toBe(sut);
  });

  it('should record spans with valid trace ids when no exporter endpoint is configured', () => {
    const span = trace.getTracer('spec').startSpan('work');
    expect(span.isRecording()).toBe(true);
    expect(isSpanContextValid(span.spanContext())).toBe(true);
    span.end();
  });

  it('should make a started span the active one inside startActiveSpan', async () => {
    await trace.getTracer('spec').startActiveSpan('outer', async (span) => {
      await Promise.resolve();
      expect(trace.getActiveSpan()?.spanContext().spanId).toBe(span.spanContext().spanId);
      span.end();
    });
  });
});
