// The prom-client registry, built FROM the metric catalog: every catalog metric is registered (nothing
// else, apart from prom-client's default process_* and nodejs_* metrics). Two kinds:
// - snapshot metrics (queue and agent series): custom metrics that render the collectors' last good
//   snapshots at scrape time. The wait-time histogram is one of them: Genesys hands us cumulative bucket
//   counts (rangeBound views), so it is rendered as exact _bucket{le}/_sum/_count series, not observed.
// - instruments (the exporter's own health): ordinary prom-client gauges, counters and a histogram.
import client from 'prom-client';
import type { Counter, Gauge, Histogram, Metric, MetricObjectWithValues, MetricValueWithName, Registry } from 'prom-client';
import { catalog, metricNames } from '../metrics/catalog.ts';
import type { CounterName, DeclaredLabel, GaugeName, HistogramName, MetricName } from '../metrics/catalog.ts';
import { SNAPSHOT_METRICS } from './samples.ts';
import type { HistogramSample, ScalarSample, SnapshotMetric } from './samples.ts';
import { SnapshotStore } from './snapshot-store.ts';

type InstrumentGauge = Exclude<GaugeName, SnapshotMetric>;
type InstrumentCounter = Exclude<CounterName, SnapshotMetric>;
type InstrumentHistogram = Exclude<HistogramName, SnapshotMetric>;

export interface ExporterRegistry {
  readonly registry: Registry;
  readonly store: SnapshotStore;
  gauge<N extends InstrumentGauge>(name: N): Gauge<DeclaredLabel<N>>;
  counter<N extends InstrumentCounter>(name: N): Counter<DeclaredLabel<N>>;
  histogram<N extends InstrumentHistogram>(name: N): Histogram<DeclaredLabel<N>>;
}

export interface RegistryOptions {
  /** prom-client's process_* and nodejs_* metrics (on by default). */
  readonly processMetrics?: boolean;
  readonly now?: () => number;
}

export function createExporterRegistry(options: RegistryOptions = {}): ExporterRegistry {
  const registry = new client.Registry();
  const store = new SnapshotStore(options.now);
  const instruments = new Map<MetricName, Metric<string>>();
  const snapshotMetrics: ReadonlySet<string> = new Set(SNAPSHOT_METRICS);

  for (const name of metricNames()) {
    const definition = catalog[name];
    const common = { name, help: definition.help, labelNames: [...definition.labels], registers: [registry] };
    if (snapshotMetrics.has(name)) {
      registry.registerMetric(snapshotBackedMetric(name as SnapshotMetric, store) as unknown as Metric<string>);
    } else if (definition.type === 'gauge') {
      instruments.set(name, new client.Gauge(common));
    } else if (definition.type === 'counter') {
      instruments.set(name, new client.Counter(common));
    } else {
      instruments.set(name, new client.Histogram({ ...common, buckets: [...(catalog[name] as { buckets: readonly number[] }).buckets] }));
    }
  }
  if (options.processMetrics ?? true) client.collectDefaultMetrics({ register: registry });

  const instrument = <M>(name: MetricName): M => {
    const metric = instruments.get(name);
    if (metric === undefined) throw new Error(`${name} is not an instrument metric of the registry`);
    return metric as M;
  };
  return {
    registry,
    store,
    gauge: (name) => instrument(name),
    counter: (name) => instrument(name),
    histogram: (name) => instrument(name),
  };
}

/** A prom-client-compatible metric whose values are the store's current samples. */
function snapshotBackedMetric(name: SnapshotMetric, store: SnapshotStore) {
  const definition = catalog[name];
  const base = { name, help: definition.help, type: definition.type, aggregator: 'sum' as const };
  return {
    ...base,
    collect: undefined,
    async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
      const samples: readonly unknown[] = store.samples(name);
      // Scrapes are the hot path: samples are immutable until the next poll and prom-client only reads what
      // it renders, so scalar samples ({labels, value}) are passed as they are and a histogram's series are
      // built once per sample, not once per scrape.
      const values: MetricValueWithName<string>[] =
        definition.type === 'histogram'
          ? (samples as HistogramSample<SnapshotMetric>[]).flatMap((sample) => histogramSeries(name, sample))
          : (samples as ScalarSample<SnapshotMetric>[] as unknown as MetricValueWithName<string>[]);
      // prom-client types `type` as an enum of these same strings; the rendered text is identical.
      return { ...base, collect: () => {}, values } as unknown as MetricObjectWithValues<MetricValueWithName<string>>;
    },
  };
}

const renderedHistograms = new WeakMap<HistogramSample<SnapshotMetric>, MetricValueWithName<string>[]>();

/** The `_bucket{le}`, `_sum` and `_count` series of one sample, built on first use and kept with it. */
function histogramSeries(name: string, sample: HistogramSample<SnapshotMetric>): MetricValueWithName<string>[] {
  let series = renderedHistograms.get(sample);
  if (series === undefined) {
    series = buildHistogramSeries(name, sample);
    renderedHistograms.set(sample, series);
  }
  return series;
}

function buildHistogramSeries(name: string, sample: HistogramSample<SnapshotMetric>): MetricValueWithName<string>[] {
  const bounds = (catalog[name as MetricName] as { buckets?: readonly number[] }).buckets ?? [];
  if (sample.bucketCounts.length !== bounds.length) {
    throw new Error(`${name}: ${sample.bucketCounts.length} bucket counts for ${bounds.length} catalog buckets`);
  }
  const labels = sample.labels as Readonly<Record<string, string>>;
  return [
    ...bounds.map((le, index) => ({ metricName: `${name}_bucket`, labels: { ...labels, le: String(le) }, value: sample.bucketCounts[index] ?? 0 })),
    { metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: sample.count },
    { metricName: `${name}_sum`, labels, value: sample.sum },
    { metricName: `${name}_count`, labels, value: sample.count },
  ];
}
