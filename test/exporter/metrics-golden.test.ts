// Golden /metrics: the exact exposition text for fixed inputs (every snapshot metric and every instrument
// of the catalog with fixed label values and values, process metrics off), compared byte for byte with
// test/exporter/golden/metrics.prom, which is itself checked by the real `promtool check metrics`.
// After an intended change (a new catalog metric, a format change): UPDATE_GOLDEN=1 npm test, or
//   UPDATE_GOLDEN=1 node --import tsx --test test/exporter/metrics-golden.test.ts
// and review the diff of the golden file like any other code.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import client from 'prom-client';
import { catalog, metricNames } from '../../metrics/catalog.ts';
import type { HistogramName, MetricName, SummaryName } from '../../metrics/catalog.ts';
import { createExporterRegistry } from '../../exporter/registry.ts';
import type { ExporterRegistry } from '../../exporter/registry.ts';
import { SNAPSHOT_METRICS, SnapshotBuilder } from '../../exporter/samples.ts';
import type { LabelsOf, SnapshotMetric } from '../../exporter/samples.ts';
import { needsPrometheusTools, promtoolCheckMetrics } from '../support/prometheus-tools.ts';

const GOLDEN = fileURLToPath(new URL('./golden/metrics.prom', import.meta.url));

/** Two queues; the second one's name holds every character the format must escape. */
const QUEUES = [
  { queue_id: '0b5a3c2e-1111-4c1e-9a51-000000000001', queue_name: 'Sales EU', division_id: 'div-1', division_name: 'Home' },
  { queue_id: '0b5a3c2e-2222-4c1e-9a51-000000000002', queue_name: 'Support "Tier 2" \\ night\nshift', division_id: 'div-2', division_name: 'Ops "North"' },
] as const;

/** A fixed value for every label name the catalog uses (an unknown one gets `<name>-value`). */
function labelValue(label: string, queue: (typeof QUEUES)[number]): string {
  const fixed: Record<string, string> = {
    ...queue,
    media_type: 'voice',
    routing_status: 'idle',
    presence: 'break',
    sla_target_seconds: '20',
    collector: 'observations',
    endpoint: 'analytics_queues_observations',
    status_code: '200',
    result: 'success',
    version: '1.2.3',
    revision: 'abcdef0',
    nodejs_version: 'v20.0.0',
  };
  return fixed[label] ?? `${label}-value`;
}

function labelsOf(name: MetricName, queue: (typeof QUEUES)[number]): Record<string, string> {
  return Object.fromEntries(catalog[name].labels.map((label) => [label, labelValue(label, queue)]));
}

type HistogramSnapshotMetric = Extract<SnapshotMetric, HistogramName>;
const isHistogram = (name: SnapshotMetric): name is HistogramSnapshotMetric => catalog[name].type === 'histogram';
type SummarySnapshotMetric = Extract<SnapshotMetric, SummaryName>;
const isSummary = (name: SnapshotMetric): name is SummarySnapshotMetric => catalog[name].type === 'summary';

/** A fixed value per metric name, so a metric added to the catalog adds lines to the golden file without changing others. */
function valueFor(name: string): number {
  let sum = 0;
  for (const char of name) sum = (sum * 31 + char.charCodeAt(0)) % 997;
  return sum;
}

/** Every snapshot metric: a sample per queue (one for metrics without queue labels), values from their position. */
function publishSnapshots(metrics: ExporterRegistry): void {
  const snapshot = new SnapshotBuilder();
  SNAPSHOT_METRICS.forEach((name: SnapshotMetric) => {
    const definition = catalog[name];
    const queues = (definition.labels as readonly string[]).includes('queue_id') ? QUEUES : QUEUES.slice(0, 1);
    queues.forEach((queue, q) => {
      const labels = labelsOf(name, queue) as LabelsOf<typeof name>;
      if (isHistogram(name)) {
        const bounds = catalog[name].buckets;
        const bucketCounts = bounds.map((_, b) => b * (q + 1));
        snapshot.add(name, { labels, bucketCounts, sum: 1234.25 * (q + 1), count: bounds.length * (q + 1) });
      } else if (isSummary(name)) {
        snapshot.add(name, { labels, sum: valueFor(name) * 7.5 * (q + 1), count: valueFor(name) + q });
      } else {
        snapshot.add(name, { labels, value: valueFor(name) + q + 0.5 });
      }
    });
  });
  metrics.store.publish('golden', snapshot.build(), 60_000);
}

/** Every instrument of the catalog, with one series of fixed values. */
function setInstruments(metrics: ExporterRegistry): void {
  const snapshotMetrics: ReadonlySet<string> = new Set(SNAPSHOT_METRICS);
  for (const name of metricNames()) {
    if (snapshotMetrics.has(name)) continue;
    const labels = labelsOf(name, QUEUES[0]);
    const metric = metrics.instruments.getSingleMetric(name);
    if (metric instanceof client.Gauge) metric.set(labels, valueFor(name) + 0.25);
    else if (metric instanceof client.Counter) metric.inc(labels, valueFor(name));
    else if (metric instanceof client.Histogram) for (const seconds of [0.07, 0.3, 3, 45]) metric.observe(labels, seconds);
    else throw new Error(`${name}: not an instrument of the registry`);
  }
}

describe('golden /metrics', () => {
  test('the exposition of fixed inputs is exactly the committed golden file', async () => {
    const metrics = createExporterRegistry({ processMetrics: false, now: () => 1_700_000_000_000 });
    publishSnapshots(metrics);
    setInstruments(metrics);
    const text = await metrics.exposition.text();
    metrics.exposition.close();
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN, text);
    assert.equal(text, readFileSync(GOLDEN, 'utf8'), 'the exposition changed: review, then update with UPDATE_GOLDEN=1');
  });

  test('the golden file passes promtool check metrics without a single lint message', needsPrometheusTools, () => {
    const { status, output } = promtoolCheckMetrics(readFileSync(GOLDEN, 'utf8'));
    assert.equal(output, '');
    assert.equal(status, 0);
  });

  test('the golden file covers every catalog metric, and the hard-to-escape queue name', () => {
    const golden = readFileSync(GOLDEN, 'utf8');
    for (const name of metricNames()) assert.match(golden, new RegExp(`^# TYPE ${name} ${catalog[name].type}$`, 'm'), name);
    assert.ok(golden.includes('queue_name="Support \\"Tier 2\\" \\\\ night\\nshift"'), 'label value escaped per the format');
  });
});
