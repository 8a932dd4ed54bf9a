import { register } from 'prom-client';
import { messagingMetrics, MessagingMetricName } from './messaging.metrics';
import {
  getOrCreateCounter,
  getOrCreateGauge,
  getOrCreateHistogram,
  MetricDefinitionConflictError,
} from './metric.registry';

describe('metric helpers', () => {
  afterEach(() => register.clear());

  it('should return the same counter when asked twice', () => {
    const configuration = {
      name: 'spec_things_total',
      help: 'things',
      labelNames: ['kind'] as const,
    };
    const sut = getOrCreateCounter(configuration);
    expect(getOrCreateCounter(configuration)).toBe(sut);
  });

  it('should treat label order as irrelevant', () => {
    const sut = getOrCreateGauge({ name: 'spec_level', help: 'h', labelNames: ['a', 'b'] });
    expect(getOrCreateGauge({ name: 'spec_level', help: 'h', labelNames: ['b', 'a'] })).toBe(sut);
  });

  it('should refuse a second definition of another type', () => {
    getOrCreateCounter({ name: 'spec_mixed', help: 'h' });
    expect(() => getOrCreateHistogram({ name: 'spec_mixed', help: 'h' })).toThrow(
      MetricDefinitionConflictError,
    );
  });

  it('should refuse a second definition with other labels', () => {
    getOrCreateCounter({ name: 'spec_labelled_total', help: 'h', labelNames: ['topic'] });
    expect(() =>
      getOrCreateCounter({ name: 'spec_labelled_total', help: 'h', labelNames: ['queue'] }),
    ).toThrow(/labels \[topic\], not \[queue\]/);
  });
});

describe(messagingMetrics.name, () => {
  afterEach(() => register.clear());

  it('should register every messaging series once however often it is called', async () => {
    const sut = messagingMetrics();
    const again = messagingMetrics();
    expect(again.consumerLag).toBe(sut.consumerLag);
    sut.eventsConsumed.inc({ topic: 'survey.published', outcome: 'duplicate' });
    sut.consumerLag.set({ topic: 'survey.published', partition: 0, group: 'analytics' }, 12);
    const exposition = await register.metrics();
    for (const name of Object.values(MessagingMetricName))
      expect(exposition).toContain(`# TYPE ${name}`);
    expect(exposition).toContain(
      'careloop_events_consumed_total{topic="survey.published",outcome="duplicate"} 1',
    );
  });
});
