// Benchmark 1: /metrics of a large org, as Prometheus scrapes it, at 1,000 and 10,000 queues (× 2 media).
// The exporter renders the snapshot series once per data change and serves every scrape from the cached
// plain and gzip bodies (exporter/exposition/), so four numbers matter:
// - the render per data change (CPU, text + gzip), against a plain prom-client registry holding the same
//   series, which re-renders on every scrape;
// - CPU per scrape over real HTTP with gzip (server side only: the scrapers run in a child process);
// - scrape latency p50/p99 with 1 and 4 concurrent scrapers, while the data changes every second (so renders
//   run under the scrapes);
// - the event loop's longest block meanwhile (perf_hooks.monitorEventLoopDelay), which is what delays
//   /-/healthy and every other request.
import { spawn } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import client from 'prom-client';
import type { Registry } from 'prom-client';
import { catalog } from '../metrics/catalog.ts';
import { createLogger } from '../exporter/log.ts';
import { SNAPSHOT_METRICS, type HistogramSample, type ScalarSample, type SnapshotMetric } from '../exporter/samples.ts';
import type { ExporterRegistry } from '../exporter/registry.ts';
import { startServer } from '../exporter/server.ts';
import { NO_WEB_CONFIG } from '../exporter/web-config.ts';
import { measure, spreadOf } from './measure.ts';
import { populatedRegistry } from './populated-registry.ts';
import { againstFloor, formatBytes, formatNumber, formatSpread, type BenchRow } from './report.ts';

/** Prometheus' default scrape timeout is 10 s; the target at 10,000 queues is p99 < 100 ms with 4 scrapers. */
const LATENCY_TARGET_MS = 100;
/** "A few ms": what a health check or a scrape of the previous body may wait behind a render slice. */
const EVENT_LOOP_TARGET_MS = 20;
/** One observations poll per second while scraping: ten times the default rate. */
const CHANGE_EVERY_MS = 1000;

interface Size {
  readonly queues: number;
  /** How long each scraping run lasts. */
  readonly runMs: number;
  /** Timed samples of the render per change and of plain prom-client (each sample is one render). */
  readonly renderSamples: number;
}

const SIZES: readonly Size[] = [
  { queues: 1_000, runMs: 3_000, renderSamples: 5 },
  { queues: 10_000, runMs: 5_000, renderSamples: 3 },
];

export async function scrapeBenchmark(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const size of SIZES) rows.push(...(await benchSize(size)));
  return rows;
}

async function benchSize(size: Size): Promise<BenchRow[]> {
  const { queues } = size;
  const org = await populatedRegistry(queues);
  const exporter = org.metrics;
  const { exposition } = exporter;
  await exposition.refresh(); // scrapes serve the newest finished render: wait for the one of the populated store
  const plainBody = await exposition.scrape('identity');
  const gzipBody = await exposition.scrape('gzip');
  const series = countSeries(plainBody.chunks);
  const workload = `${formatNumber(queues)} queues × 2 media: ${formatNumber(series)} series, ${formatBytes(plainBody.bytes)} plain, ${formatBytes(gzipBody.bytes)} gzip`;

  // The render per data change (text and gzip: a scraper has asked for gzip above). A change is one
  // collector's poll: observations every 10 s by default, aggregates every 30 s (the larger part: counters
  // and the 13-line wait-time histogram).
  const renderAfter = (owner: 'observations' | 'aggregates') =>
    measure({ prepare: () => org.republish(owner), run: () => exposition.refresh() }, { warmupSamples: 1, samples: size.renderSamples, opsPerSample: 1 });
  const render = await renderAfter('observations');
  const renderAggregates = await renderAfter('aggregates');
  const change = (): void => org.republish('observations');

  const server = await startServer({
    listen: { host: '127.0.0.1', port: 0 },
    telemetryPath: '/metrics',
    webConfig: NO_WEB_CONFIG,
    exposition,
    readiness: () => ({ ready: true }),
    logger: createLogger({ write: () => {} }),
    dataSource: 'bench',
  });
  let one: ScrapeRun;
  let four: ScrapeRun;
  try {
    one = await scrapeRun(server.url, 1, size.runMs, undefined);
    four = await scrapeRun(server.url, 4, size.runMs, change);
  } finally {
    await server.close();
    exposition.close();
  }

  // The same series in a plain prom-client registry, rendered per scrape (what the exporter did before).
  // Measured after the scrape runs: dropping its 550,000 series objects is a large GC that would land in them.
  const plain = plainRegistryLike(exporter);
  const plainSeries = countSeries([Buffer.from(await plain.metrics())]);
  if (plainSeries !== series)
    throw new Error(`scrape bench: the plain registry renders ${plainSeries} series, ours ${series}; the comparison would not be like for like`);
  // No warm-up at 10,000 queues: one plain render there is seconds of CPU, and the JIT is warm from the smaller size.
  const plainRender = await measure(
    { run: () => plain.metrics().then(() => undefined) },
    { warmupSamples: queues >= 10_000 ? 0 : 1, samples: size.renderSamples, opsPerSample: 1 },
  );
  plain.clear();

  const renderMs = render.cpuSecondsPerOp.median * 1000;
  const renderAggregatesMs = renderAggregates.cpuSecondsPerOp.median * 1000;
  const plainMs = plainRender.cpuSecondsPerOp.median * 1000;
  const perScrapeMs = one.cpuMsPerScrape;
  const p99 = four.p99Ms;
  return [
    {
      benchmark: `/metrics render per data change (${formatNumber(queues)} queues)`,
      workload,
      result: `observations poll ${formatSpread(scale(render.cpuSecondsPerOp, 1000), 'ms CPU')}, aggregates poll ${formatSpread(scale(renderAggregates.cpuSecondsPerOp, 1000), 'ms CPU')} (text + gzip, in slices)`,
      reference: `baseline: plain prom-client ${formatNumber(plainMs)} ms CPU per scrape (${formatNumber(renderMs / plainMs)}× / ${formatNumber(renderAggregatesMs / plainMs)}×)`,
      verdict: { kind: 'baseline' },
      details: [
        `${formatNumber(queues)} queues: render after an observations poll ${formatNumber(renderMs)} ms CPU (${formatNumber(render.wallSecondsPerOp.median * 1000)} ms wall), after an aggregates poll ${formatNumber(renderAggregatesMs)} ms CPU (${formatNumber(renderAggregates.wallSecondsPerOp.median * 1000)} ms wall), medians of ${render.samples}; plain prom-client render ${formatNumber(plainMs)} ms CPU per scrape (median of ${plainRender.samples})`,
      ],
    },
    {
      benchmark: `/metrics CPU per scrape vs plain prom-client (${formatNumber(queues)} queues)`,
      workload: `HTTP, Accept-Encoding: gzip, server side, unchanged data; ${one.scrapes} scrapes`,
      result: `${formatNumber(perScrapeMs)} ms CPU per scrape = ${formatNumber(perScrapeMs / plainMs)}× plain prom-client`,
      reference: `baseline: plain prom-client ${formatNumber(plainMs)} ms CPU per scrape (render only, no HTTP, no gzip)`,
      verdict: { kind: 'baseline' },
      details: [
        `${formatNumber(queues)} queues: ${formatNumber(perScrapeMs)} ms CPU per served scrape over HTTP (${one.scrapes} scrapes in ${formatNumber(size.runMs / 1000)} s)`,
      ],
    },
    {
      benchmark: `scrape latency (${formatNumber(queues)} queues)`,
      workload: `HTTP gzip, ${formatBytes(gzipBody.bytes)}; 1 scraper; then 4 scrapers while observations are re-published every ${CHANGE_EVERY_MS / 1000} s`,
      result: `1 scraper: p50 ${formatNumber(one.p50Ms)} ms, p99 ${formatNumber(one.p99Ms)} ms; 4 scrapers: p50 ${formatNumber(four.p50Ms)} ms, p99 ${formatNumber(p99)} ms`,
      reference: `floor: p99 < ${LATENCY_TARGET_MS} ms with 4 scrapers`,
      verdict: againstFloor(LATENCY_TARGET_MS / p99, 1),
      details: [
        `${formatNumber(queues)} queues, 1 scraper: ${one.scrapes} scrapes, p50 ${formatNumber(one.p50Ms)} ms, p99 ${formatNumber(one.p99Ms)} ms, max ${formatNumber(one.maxMs)} ms`,
        `${formatNumber(queues)} queues, 4 scrapers + a data change every ${CHANGE_EVERY_MS} ms: ${four.scrapes} scrapes, ${four.changes} changes, p50 ${formatNumber(four.p50Ms)} ms, p99 ${formatNumber(p99)} ms, max ${formatNumber(four.maxMs)} ms`,
      ],
    },
    {
      benchmark: `event loop, longest block (${formatNumber(queues)} queues)`,
      workload: 'during the 4-scraper run: scrapes served while renders and gzip of changed data run',
      result: `${formatNumber(four.eventLoopMaxMs)} ms max delay (p99 ${formatNumber(four.eventLoopP99Ms)} ms); while only serving: ${formatNumber(one.eventLoopMaxMs)} ms`,
      reference: `floor: ≤ ${EVENT_LOOP_TARGET_MS} ms (health checks never wait behind a render)`,
      verdict: againstFloor(EVENT_LOOP_TARGET_MS / Math.max(four.eventLoopMaxMs, 0.001), 1),
      details: [],
    },
  ];
}

interface ScrapeRun {
  readonly scrapes: number;
  readonly changes: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly cpuMsPerScrape: number;
  readonly eventLoopMaxMs: number;
  readonly eventLoopP99Ms: number;
}

/**
 * `scrapers` concurrent scrape loops for `runMs` from a child process (so its CPU and its event loop are not
 * ours), each request with `Accept-Encoding: gzip` on a keep-alive connection, timed to the last body byte.
 */
async function scrapeRun(url: string, scrapers: number, runMs: number, change: (() => void) | undefined): Promise<ScrapeRun> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let changes = 0;
  const changer =
    change === undefined
      ? undefined
      : setInterval(() => {
          change();
          changes++;
        }, CHANGE_EVERY_MS);
  const cpuStart = process.cpuUsage();
  delay.enable();
  try {
    const { latencies } = await runScrapers(`${url}/metrics`, scrapers, runMs);
    delay.disable();
    const cpu = process.cpuUsage(cpuStart);
    const sorted = [...latencies].sort((a, b) => a - b);
    const quantile = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
    return {
      scrapes: latencies.length,
      changes,
      p50Ms: spreadOf(latencies).median,
      p99Ms: quantile(0.99),
      maxMs: sorted[sorted.length - 1]!,
      cpuMsPerScrape: (cpu.user + cpu.system) / 1000 / latencies.length,
      eventLoopMaxMs: delay.max / 1e6,
      eventLoopP99Ms: delay.percentile(99) / 1e6,
    };
  } finally {
    clearInterval(changer);
  }
}

const SCRAPER_SOURCE = `
const http = require('node:http');
const [url, scrapers, runMs] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const agent = new http.Agent({ keepAlive: true, maxSockets: scrapers });
const once = () => new Promise((resolve, reject) => {
  const started = performance.now();
  const req = http.get(url, { agent, headers: { 'accept-encoding': 'gzip' } }, (res) => {
    if (res.statusCode !== 200) reject(new Error('status ' + res.statusCode));
    res.on('data', () => {});
    res.on('end', () => resolve(performance.now() - started));
    res.on('error', reject);
  });
  req.on('error', reject);
});
(async () => {
  const latencies = [];
  const until = performance.now() + runMs;
  await Promise.all(Array.from({ length: scrapers }, async () => {
    while (performance.now() < until) latencies.push(await once());
  }));
  agent.destroy();
  process.stdout.write(JSON.stringify({ latencies }));
})().catch((error) => { process.stderr.write(String(error)); process.exit(1); });
`;

function runScrapers(url: string, scrapers: number, runMs: number): Promise<{ latencies: number[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', SCRAPER_SOURCE, url, String(scrapers), String(runMs)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(stdout) as { latencies: number[] }) : reject(new Error(`scrape bench client exited with ${code}: ${stderr}`)),
    );
  });
}

function scale(spread: { median: number; min: number; max: number }, factor: number): { median: number; min: number; max: number } {
  return { median: spread.median * factor, min: spread.min * factor, max: spread.max * factor };
}

/** Series lines of an exposition body: lines that are not empty (prom-client puts one between families) and not comments. */
function countSeries(chunks: readonly Buffer[]): number {
  let series = 0;
  let atLineStart = true;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (atLineStart && byte !== 0x23 && byte !== 0x0a) series++;
      atLineStart = byte === 0x0a;
    }
  }
  return series;
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
  // The exporter also serves its own instruments (collector health, API telemetry); so does this, in the
  // same registry: that is how a plain prom-client exporter would hold them.
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
