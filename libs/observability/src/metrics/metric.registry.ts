import { Counter, Gauge, Histogram, register } from 'prom-client';
import type {
  CounterConfiguration,
  GaugeConfiguration,
  HistogramConfiguration,
  Registry,
} from 'prom-client';

/** Raised when a metric name is reused with another type or other labels: two definitions of one series. */
export class MetricDefinitionConflictError extends Error {
  constructor(name: string, reason: string) {
    super(`Metric ${name} is already registered ${reason}`);
    this.name = 'MetricDefinitionConflictError';
  }
}

type MetricClass<M> = abstract new (...args: never[]) => M;

/** The part every metric configuration shares (prom-client does not export its base type). */
type SharedConfiguration<T extends string> = Pick<
  CounterConfiguration<T>,
  'name' | 'labelNames' | 'registers'
>;

function registryOf(configuration: SharedConfiguration<string>): Pick<Registry, 'getSingleMetric'> {
  return configuration.registers?.[0] ?? register;
}

function sameLabels(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && [...left].sort().join(',') === [...right].sort().join(',');
}

/**
 * prom-client throws when a name is registered twice, which happens whenever two modules (or a
 * module loaded twice by Nest's test harness) declare the same metric. The first definition wins;
 * a later one must match its type and labels, so a mismatch fails loudly at start rather than as
 * silently mixed series.
 */
function getOrCreate<T extends string, M extends object>(
  kind: MetricClass<M>,
  configuration: SharedConfiguration<T>,
  create: () => M,
): M {
  const existing = registryOf(configuration).getSingleMetric(configuration.name);
  if (existing === undefined) return create();
  if (!(existing instanceof kind)) {
    throw new MetricDefinitionConflictError(
      configuration.name,
      `as another type than ${kind.name}`,
    );
  }
  // prom-client keeps label names on the instance without typing them.
  const existingLabels = (existing as { labelNames?: readonly string[] }).labelNames ?? [];
  if (!sameLabels(existingLabels, configuration.labelNames ?? [])) {
    throw new MetricDefinitionConflictError(
      configuration.name,
      `with labels [${existingLabels.join(', ')}], not [${(configuration.labelNames ?? []).join(', ')}]`,
    );
  }
  return existing;
}

export function getOrCreateCounter<T extends string>(
  configuration: CounterConfiguration<T>,
): Counter<T> {
  return getOrCreate(Counter<T>, configuration, () => new Counter<T>(configuration));
}

export function getOrCreateGauge<T extends string>(configuration: GaugeConfiguration<T>): Gauge<T> {
  return getOrCreate(Gauge<T>, configuration, () => new Gauge<T>(configuration));
}

export function getOrCreateHistogram<T extends string>(
  configuration: HistogramConfiguration<T>,
): Histogram<T> {
  return getOrCreate(Histogram<T>, configuration, () => new Histogram<T>(configuration));
}
