// The exporter's metrics, built FROM the metric catalog: every catalog metric is served (nothing else,
// apart from the process_* and nodejs_* metrics of prom-client's default collectors). Two kinds:
// - snapshot metrics (queue and agent series, SNAPSHOT_METRICS): the collectors' last good snapshots in
//   the SnapshotStore, written in the text exposition format by exposition/ once per data change. The
//   wait-time histogram is one of them: Genesys hands us cumulative bucket counts (rangeBound views), so
//   it is written as exact _bucket{le}/_sum/_count series, not observed.
// - instruments (the exporter's own health): ordinary prom-client gauges, counters and a histogram in a
//   prom-client registry of their own, rendered through its public `metrics()`.
import client from 'prom-client';
import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { catalog, metricNames } from '../metrics/catalog.ts';
import type { CounterName, DeclaredLabel, GaugeName, HistogramName, MetricName } from '../metrics/catalog.ts';
import { Exposition } from './exposition/exposition.ts';
import type { ExpositionOptions } from './exposition/exposition.ts';
import { SNAPSHOT_METRICS } from './samples.ts';
import type { SnapshotMetric } from './samples.ts';
import { SnapshotStore } from './snapshot-store.ts';

type InstrumentGauge = Exclude<GaugeName, SnapshotMetric>;
type InstrumentCounter = Exclude<CounterName, SnapshotMetric>;
type InstrumentHistogram = Exclude<HistogramName, SnapshotMetric>;

export interface ExporterRegistry {
  readonly store: SnapshotStore;
  /** The prom-client registry of the instruments (and process metrics); /metrics serves it after the snapshots. */
  readonly instruments: Registry;
  /** What /metrics serves: the snapshot series and the instruments. */
  readonly exposition: Exposition;
  gauge<N extends InstrumentGauge>(name: N): Gauge<DeclaredLabel<N>>;
  counter<N extends InstrumentCounter>(name: N): Counter<DeclaredLabel<N>>;
  histogram<N extends InstrumentHistogram>(name: N): Histogram<DeclaredLabel<N>>;
}

export interface RegistryOptions {
  /** prom-client's process_* and nodejs_* metrics (on by default). */
  readonly processMetrics?: boolean;
  readonly now?: () => number;
  readonly exposition?: ExpositionOptions;
}

/**
 * prom-client default metrics left out: gauges named `_total` (a suffix reserved for counters), which
 * `promtool check metrics` rejects. Their counterparts without the suffix (`nodejs_active_handles`, ...)
 * carry the same information by type and stay.
 */
const DEFAULT_METRICS_LEFT_OUT = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'] as const;

export function createExporterRegistry(options: RegistryOptions = {}): ExporterRegistry {
  const instruments = new client.Registry();
  const store = new SnapshotStore(options.now);
  const gauges = new Map<MetricName, Gauge>();
  const counters = new Map<MetricName, Counter>();
  const histograms = new Map<MetricName, Histogram>();
  const snapshotMetrics: ReadonlySet<MetricName> = new Set(SNAPSHOT_METRICS);

  for (const name of metricNames()) {
    if (snapshotMetrics.has(name)) continue;
    const definition = catalog[name];
    const common = { name, help: definition.help, labelNames: [...definition.labels], registers: [instruments] };
    if (definition.type === 'gauge') gauges.set(name, new client.Gauge(common));
    else if (definition.type === 'counter') counters.set(name, new client.Counter(common));
    // Summaries are Genesys timers' {sum, count}, published as snapshots; prom-client's Summary would add quantiles.
    else if (definition.type === 'summary') throw new Error(`${name}: a summary must be a snapshot metric (exporter/samples.ts SNAPSHOT_METRICS)`);
    else histograms.set(name, new client.Histogram({ ...common, buckets: [...(definition as { buckets: readonly number[] }).buckets] }));
  }
  if (options.processMetrics ?? true) {
    client.collectDefaultMetrics({ register: instruments });
    for (const name of DEFAULT_METRICS_LEFT_OUT) instruments.removeSingleMetric(name);
  }

  const find = <M>(kind: string, metrics: ReadonlyMap<MetricName, M>, name: MetricName): M => {
    const metric = metrics.get(name);
    if (metric === undefined) throw new Error(`${name} is not a ${kind} instrument of the registry (snapshot metrics are published to the store)`);
    return metric;
  };
  return {
    store,
    instruments,
    exposition: new Exposition(store, instruments, options.exposition),
    // The catalog declares each name's labels; prom-client's label type parameter is only a compile-time view of them.
    gauge: <N extends InstrumentGauge>(name: N) => find('gauge', gauges, name) as Gauge<DeclaredLabel<N>>,
    counter: <N extends InstrumentCounter>(name: N) => find('counter', counters, name) as Counter<DeclaredLabel<N>>,
    histogram: <N extends InstrumentHistogram>(name: N) => find('histogram', histograms, name) as Histogram<DeclaredLabel<N>>,
  };
}
