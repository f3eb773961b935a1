// Benchmark 1: rendering /metrics for a large org through the exporter's own registry (snapshot-backed
// custom metrics, queue filter included), against a floor that keeps a 15 s scrape interval trivially
// safe, and as a ratio to a plain prom-client registry holding the same series (our collectors' overhead).
import client from 'prom-client';
import type { Registry } from 'prom-client';
import { catalog } from '../metrics/catalog.ts';
import { SNAPSHOT_METRICS, type HistogramSample, type ScalarSample, type SnapshotMetric } from '../exporter/samples.ts';
import type { ExporterRegistry } from '../exporter/registry.ts';
import { measurePaired, ratePerSecond } from './measure.ts';
import { populatedRegistry } from './populated-registry.ts';
import { againstFloor, formatBytes, formatNumber, formatSpread, type BenchRow } from './report.ts';

const QUEUES = 1_000;
/** ≤ 1 CPU-s per scrape: < 7 % of a core at a 15 s interval and a tenth of Prometheus' default 10 s scrape timeout. */
const FLOOR_SCRAPES_PER_CPU_SECOND = 1;
const SAMPLING = { warmupSamples: 2, samples: 7, opsPerSample: 2 } as const;

export async function scrapeBenchmark(): Promise<BenchRow[]> {
  const exporter = await populatedRegistry(QUEUES);
  const plain = plainRegistryLike(exporter);
  const ours = await render(exporter.registry);
  const theirs = await render(plain);
  if (ours.series !== theirs.series) {
    throw new Error(`scrape bench: the plain registry renders ${theirs.series} series, ours ${ours.series}; the comparison would not be like for like`);
  }

  const paired = await measurePaired({ run: () => exporter.registry.metrics().then(() => undefined) }, { run: () => plain.metrics().then(() => undefined) }, SAMPLING);
  const { a: oursTime, b: theirsTime, cpuRatio: ratio } = paired;
  const rate = ratePerSecond(oursTime.cpuSecondsPerOp);
  const workload = `${formatNumber(QUEUES)} queues × 2 media, all queue + agent metrics: ${formatNumber(ours.series)} series, ${formatBytes(ours.bytes)}`;
  return [
    {
      benchmark: '/metrics render (exporter registry)',
      workload,
      result: `${formatSpread(rate, 'scrapes/CPU-s')}; ${formatNumber(oursTime.cpuSecondsPerOp.median * 1000)} ms/scrape`,
      reference: `floor ${FLOOR_SCRAPES_PER_CPU_SECOND} scrape(s)/CPU-s (15 s interval → < ${formatNumber(100 / (FLOOR_SCRAPES_PER_CPU_SECOND * 15))} % of a core)`,
      verdict: againstFloor(rate.median, FLOOR_SCRAPES_PER_CPU_SECOND),
      details: [
        `exporter registry: ${formatNumber(oursTime.cpuSecondsPerOp.median * 1000)} ms CPU, ${formatNumber(oursTime.wallSecondsPerOp.median * 1000)} ms wall per scrape (median of ${oursTime.samples})`,
        `at a 15 s interval one scrape every 15 s costs ${formatNumber((oursTime.cpuSecondsPerOp.median / 15) * 100)} % of a core`,
      ],
    },
    {
      benchmark: '/metrics render overhead vs plain prom-client',
      workload: `same ${formatNumber(theirs.series)} series in prom-client Gauge/Counter/Histogram`,
      result: `${formatSpread(ratio, '× the CPU')}`,
      reference: `baseline: plain prom-client ${formatNumber(theirsTime.cpuSecondsPerOp.median * 1000)} ms/scrape`,
      verdict: { kind: 'baseline' },
      details: [`plain prom-client: ${formatNumber(theirsTime.cpuSecondsPerOp.median * 1000)} ms CPU per scrape, ${formatBytes(theirs.bytes)}`],
    },
  ];
}

async function render(registry: Registry): Promise<{ bytes: number; series: number }> {
  const text = await registry.metrics();
  const series = text.split('\n').filter((line) => line !== '' && !line.startsWith('#')).length;
  return { bytes: Buffer.byteLength(text), series };
}

/** A plain prom-client registry with the same metrics, label sets and values as the exporter's store. */
function plainRegistryLike(exporter: ExporterRegistry): Registry {
  const registry = new client.Registry();
  for (const name of SNAPSHOT_METRICS) {
    const definition = catalog[name];
    const samples: readonly unknown[] = exporter.store.samples(name);
    const common = { name, help: definition.help, labelNames: [...definition.labels], registers: [registry] };
    if (definition.type === 'histogram') {
      const histogram = new client.Histogram({ ...common, buckets: [...((definition as { buckets?: readonly number[] }).buckets ?? [])] });
      for (const sample of samples as HistogramSample<SnapshotMetric>[]) histogram.observe(sample.labels, sample.count === 0 ? 0 : sample.sum / sample.count);
    } else if (definition.type === 'counter') {
      const counter = new client.Counter(common);
      for (const sample of samples as ScalarSample<SnapshotMetric>[]) counter.inc(sample.labels, sample.value);
    } else {
      const gauge = new client.Gauge(common);
      for (const sample of samples as ScalarSample<SnapshotMetric>[]) gauge.set(sample.labels, sample.value);
    }
  }
  // The exporter registry also serves its own instruments (collector health, API telemetry); so does this.
  for (const name of Object.keys(catalog) as (keyof typeof catalog)[]) {
    if ((SNAPSHOT_METRICS as readonly string[]).includes(name)) continue;
    const definition = catalog[name];
    const common = { name, help: definition.help, labelNames: [...definition.labels], registers: [registry] };
    if (definition.type === 'gauge') new client.Gauge(common);
    else if (definition.type === 'counter') new client.Counter(common);
    else new client.Histogram({ ...common, buckets: [...((definition as { buckets?: readonly number[] }).buckets ?? [])] });
  }
  return registry;
}
