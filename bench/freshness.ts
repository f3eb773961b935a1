// Benchmark: freshness. How long a surge in one queue takes to show on /metrics, polling and streaming, at
// 1,000, 5,000 and 10,000 queues (BENCH_FRESHNESS_QUEUES=1000,5000 picks sizes), against the simulator over
// loopback with the default budget (--genesys.requests-per-minute 200) and interval (10 s). The exporter is the real CLI in a
// child process; the simulator runs in this process on a manual clock that a ticker moves one second per
// second (background churn: every queue keeps changing). A trial:
//  1. reads the queue's depth on /metrics (d0); starts a surge on it and logs its agents off;
//  2. moves the org's clock 5 s at once (the surge lands; every other queue moves at its normal pace) and holds
//     it; t0 is when the org has moved (the simulator's own compute for the step is not the exporter's delay);
//  3. scrapes /metrics back to back until the queue's depth differs from d0, and checks it is the org's value;
//     freshness = start of the first scrape that shows it − t0 (the scrape before, started earlier, did not);
// then lets the clock run again and waits a varying part of the interval, so polling trials fall at every
// phase of the poll cycle. Reported as ratios: polling to the configured interval (target: ≤ interval + one
// batch; the budget stretches the interval at scale, so the effective interval is given too), streaming to
// its 3 s target. Each size starts its own simulator and exporter on free ports and stops both.
import { Worker } from 'node:worker_threads';
import { startSimulator, type SimulatorHandle } from '../simulator/index.ts';
import { waitFor } from '../stack/wait-for.ts';
import { spawnExporter, type ExporterProcess } from '../test/support/exporter-process.ts';
import { spreadOf } from './measure.ts';
import { againstFloor, formatNumber, type BenchRow, type Verdict } from './report.ts';

const DEFAULT_SIZES = [1000, 5000, 10_000];
const INTERVAL_S = 10;
const STREAMING_TARGET_S = 3;
/** The surge's step of the org's clock, and its traffic factor (30 arrivals expected in the step). */
const SURGE_STEP_MS = 5000;
const SURGE_FACTOR = 720;
const TRIALS = { polling: 5, streaming: 8 } as const;
type Mode = keyof typeof TRIALS;

interface Trial {
  readonly seconds: number;
  /** Duration of the scrape that first showed the value. */
  readonly scrapeSeconds: number;
}

interface RunResult {
  readonly queues: number;
  readonly mode: Mode;
  readonly trials: readonly Trial[];
  readonly voided: number;
  /** genesys_exporter_poll_interval_seconds{collector="observations"}: after the budget's stretch. */
  readonly effectiveIntervalS: number;
  readonly streamedQueues: number;
  readonly startToReadyS: number;
  /** Polling: what the exporter itself reports over the trials. */
  readonly polling?: PollingAccount;
}

/** The exporter's own account of its polling over the trials (read from its /metrics). */
interface PollingAccount {
  /** genesys_exporter_collector_data_age_seconds{collector="observations"}, the largest read after a trial. */
  readonly worstDataAgeS: number;
  /** 429s from the API, every endpoint: must stay 0. */
  readonly rateLimited: number;
  /** Observation queries per poll (Δ requests ÷ Δt × the interval): the floor is ⌈N / 100⌉. */
  readonly queriesPerPoll: number;
  /** Mean latency of an observation query, seconds. */
  readonly queryMeanS: number;
  /** API requests answered 200 per wall-clock minute, every endpoint (the budget is 200). */
  readonly requestsPerMinute: number;
  /** The interval read again after the trials (a re-plan would change it). */
  readonly intervalAtEndS: number;
}

const RATE_LIMITED_ENDPOINTS = ['queue_observations', 'conversation_aggregates', 'routing_queues', 'oauth_token'] as const;

/** Counters and the interval the polling account is made of, at one moment. */
async function pollingCounters(w: Watcher): Promise<{ atMs: number; sumS: number; count: number; rateLimited: number; intervalS: number; requests: number }> {
  const observations = { endpoint: 'queue_observations' };
  const count = (await w.read('genesys_exporter_api_request_duration_seconds_count', observations)) ?? 0;
  const sumS = (await w.read('genesys_exporter_api_request_duration_seconds_sum', observations)) ?? 0;
  let rateLimited = 0;
  for (const endpoint of RATE_LIMITED_ENDPOINTS) rateLimited += (await w.read('genesys_exporter_api_rate_limited_total', { endpoint })) ?? 0;
  const intervalS = (await w.read('genesys_exporter_poll_interval_seconds', { collector: 'observations' })) ?? Number.NaN;
  let requests = 0;
  for (const endpoint of RATE_LIMITED_ENDPOINTS) requests += (await w.read('genesys_exporter_api_requests_total', { endpoint, status_code: '200' })) ?? 0;
  return { atMs: performance.now(), sumS, count, rateLimited, intervalS, requests };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sizes(): number[] {
  const raw = process.env['BENCH_FRESHNESS_QUEUES'];
  if (raw === undefined || raw === '') return DEFAULT_SIZES;
  const parsed = raw.split(',').map((s) => Number(s.trim()));
  if (parsed.some((n) => !Number.isInteger(n) || n < 1 || n > 20_000))
    throw new Error(`BENCH_FRESHNESS_QUEUES="${raw}": give queue counts between 1 and 20000, comma-separated (e.g. 1000,5000)`);
  return parsed;
}

/** One sample's value in an exposition, found by its labels without parsing the whole (tens of MB) body. */
function sampleIn(body: string, metric: string, labels: Readonly<Record<string, string>>): number | undefined {
  const needles = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  if (needles.length === 0) {
    const at = body.indexOf(`\n${metric} `);
    return at < 0 ? undefined : Number(body.slice(at + metric.length + 2, body.indexOf('\n', at + 1)));
  }
  let from = 0;
  for (;;) {
    const at = body.indexOf(needles[0]!, from);
    if (at < 0) return undefined;
    const start = body.lastIndexOf('\n', at) + 1;
    const end = body.indexOf('\n', at);
    const line = body.slice(start, end < 0 ? undefined : end);
    from = at + 1;
    if (line.startsWith(`${metric}{`) && needles.every((n) => line.includes(n))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
}

/**
 * The scrape loop runs in a worker thread: the simulator lives in this process, and gunzipping and searching
 * tens of MB per scrape here would starve it (its answers would time out, which is not what is measured).
 * The worker scrapes back to back (gzip, a fresh connection each: a kept-alive one may be closed by the
 * server just as it is reused) and reports the first scrape whose sample differs from `before`.
 */
const WATCHER = `
const http = require('node:http');
const { createGunzip } = require('node:zlib');
const { parentPort } = require('node:worker_threads');
${sampleIn.toString()}
function get(url) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}
// The sample's value, read while the body streams in: the scrape ends as soon as its line has arrived
// (queue families come first), so a watcher's scrape is not the time to gunzip and search the whole body.
function scrapeFor(url, metric, labels) {
  return new Promise((resolve, reject) => {
    let done = false;
    const request = http.get(url, { agent: false, headers: { 'Accept-Encoding': 'gzip' } }, (response) => {
      const text = response.headers['content-encoding'] === 'gzip' ? response.pipe(createGunzip()) : response;
      text.setEncoding('utf8');
      let pending = '';
      const finish = (value) => {
        if (done) return;
        done = true;
        request.destroy();
        resolve(value);
      };
      text.on('data', (chunk) => {
        if (done) return;
        const joined = pending + chunk;
        const cut = joined.lastIndexOf('\\n');
        pending = joined.slice(cut + 1);
        const value = sampleIn('\\n' + joined.slice(0, cut + 1), metric, labels);
        if (value !== undefined) finish(value);
      });
      text.on('end', () => finish(sampleIn('\\n' + pending + '\\n', metric, labels)));
      text.on('error', (error) => (done ? undefined : reject(error)));
    });
    request.on('error', (error) => (done ? undefined : reject(error)));
  });
}
parentPort.on('message', async ({ url, metric, labels, before, timeoutMs }) => {
  const deadline = Date.now() + timeoutMs;
  if (before === undefined && metric === undefined) {
    const { status } = await get(url).catch(() => ({ status: 0 }));
    parentPort.postMessage({ status });
    return;
  }
  for (;;) {
    const startedAt = performance.timeOrigin + performance.now();
    let value;
    try {
      value = await scrapeFor(url + '/metrics', metric, labels);
    } catch (error) {
      value = undefined;
    }
    const endedAt = performance.timeOrigin + performance.now();
    if (before === null || (value !== undefined && value !== before) || Date.now() > deadline) {
      parentPort.postMessage({ value, startedAt, seconds: (endedAt - startedAt) / 1000, timedOut: Date.now() > deadline });
      return;
    }
  }
});
`;

interface Seen {
  readonly value: number | undefined;
  /** Epoch ms (performance.timeOrigin based) at which the scrape that saw it started. */
  readonly startedAt: number;
  readonly seconds: number;
  readonly timedOut: boolean;
}

class Watcher {
  readonly #worker = new Worker(WATCHER, { eval: true });
  constructor(private readonly url: string) {
    this.#worker.unref();
  }

  #ask<T>(message: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      const fail = (error: Error): void => reject(error);
      this.#worker.once('error', fail);
      this.#worker.once('message', (answer: T) => {
        this.#worker.off('error', fail);
        resolve(answer);
      });
      this.#worker.postMessage(message);
    });
  }

  /** One scrape: the sample's value now (before: null reads once). */
  async read(metric: string, labels: Readonly<Record<string, string>> = {}): Promise<number | undefined> {
    return (await this.#ask<Seen>({ url: this.url, metric, labels, before: null, timeoutMs: 60_000 })).value;
  }

  /** Scrapes until the sample differs from `before` (or the timeout). */
  until(metric: string, labels: Readonly<Record<string, string>>, before: number | undefined, timeoutMs: number): Promise<Seen> {
    return this.#ask<Seen>({ url: this.url, metric, labels, before: before ?? -1, timeoutMs });
  }

  async ready(): Promise<boolean> {
    return (await this.#ask<{ status: number }>({ url: `${this.url}/-/ready` })).status === 200;
  }

  close(): Promise<number> {
    return this.#worker.terminate();
  }
}

const absoluteNow = (): number => performance.timeOrigin + performance.now();

async function runOne(queues: number, mode: Mode): Promise<RunResult> {
  process.stderr.write(`bench: freshness ${mode} at ${queues} queues…\n`);
  const simulator: SimulatorHandle = await startSimulator({
    port: 0,
    seed: 7,
    clock: 'manual',
    // Half an arrival per queue and minute: every queue changes now and then; a surge ×720 is 6 a second (30 in
    // the 5 s step). A step of a whole minute would move every queue of the org at once: a re-render of all of
    // /metrics, which is not what a surge in one queue costs.
    orgSize: { queues, divisions: 4, arrivalsPerMinute: queues * 0.5 },
    // The simulator counts its per-token minute in model time, and the model clock stands still during
    // start-up and each trial's hold: it would see a held minute's requests at one instant and answer 429
    // for as long as the clock is held (at 10,000 queues the first trial then never saw its queue change).
    // What is measured is the exporter's own budget, by the wall clock: its 429s (0) and requests per
    // minute are in the polling details.
    rateLimitPerMinute: 1_000_000,
  });
  let exporter: ExporterProcess | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let watcher: Watcher | undefined;
  try {
    const started = performance.now();
    exporter = spawnExporter(
      [
        `--genesys.api-url=${simulator.url}`,
        `--genesys.login-url=${simulator.url}`,
        '--web.listen-address=127.0.0.1:0',
        `--collector.observations.mode=${mode}`,
        `--collector.observations.interval=${INTERVAL_S}s`,
        `--collector.queues.max=${queues}`,
      ],
      { GENESYS_CLIENT_ID: simulator.clientId, GENESYS_CLIENT_SECRET: simulator.clientSecret },
    );
    const url = await exporter.url();
    watcher = new Watcher(url);
    const w = watcher;
    await waitFor('the exporter ready', () => w.ready(), { timeoutMs: 600_000, intervalMs: 1000 });
    if (mode === 'streaming') {
      await waitFor('every queue streamed', async () => (await w.read('genesys_exporter_streaming_active')) === 1, { timeoutMs: 600_000, intervalMs: 2000 });
    }
    const startToReadyS = (performance.now() - started) / 1000;
    ticker = setInterval(() => simulator.advanceBy(1000), 1000);
    // Let the first full poll and the background churn settle in.
    await sleep(INTERVAL_S * 1000);
    const effectiveIntervalS = (await w.read('genesys_exporter_poll_interval_seconds', { collector: 'observations' })) ?? INTERVAL_S;
    const countersAtStart = mode === 'polling' ? await pollingCounters(w) : undefined;
    const dataAges: number[] = [];

    const catalog = simulator.queues();
    const trials: Trial[] = [];
    let voided = 0;
    let next = 0;
    while (trials.length < TRIALS[mode] && voided < TRIALS[mode]) {
      const queue = catalog[(next++ * 7919) % catalog.length]!;
      const media = queue.media[0]!;
      const labels = { queue_id: queue.id, media_type: media };
      const before = await w.read('genesys_queue_depth', labels);
      clearInterval(ticker);
      simulator.startScenario({ scenario: 'surge', queueId: queue.id, factor: SURGE_FACTOR, mediaType: media });
      simulator.startScenario({ scenario: 'agents-logoff', queueId: queue.id, fraction: 1 });
      simulator.advanceBy(SURGE_STEP_MS);
      const t0 = absoluteNow();
      const timeoutMs = 30_000 + 3 * effectiveIntervalS * 1000;
      const shown = await w.until('genesys_queue_depth', labels, before, timeoutMs);
      // After the change is seen (or not): reading the whole org's truth blocks this process a moment.
      const truth = simulator
        .truthNow()
        .queues.find((q) => q.queueId === queue.id)
        ?.media.find((m) => m.mediaType === media)?.waiting;
      simulator.endScenarios();
      ticker = setInterval(() => simulator.advanceBy(1000), 1000);
      if (truth === before) {
        voided += 1; // the surge did not change this queue's depth: no change to see
        continue;
      }
      if (shown.timedOut) {
        // What the exporter warned about meanwhile (429s, timeouts, failed runs) is usually why.
        const warnings = exporter.logLines.filter((line) => line.includes('"level":"warn"') || line.includes('"level":"error"')).slice(-5);
        throw new Error(
          `freshness ${mode} ${queues}: queue ${queue.id} never showed its new depth ${truth} within ${timeoutMs / 1000} s; the exporter's last warnings:\n${warnings.join('\n')}`,
        );
      }
      if (shown.value !== truth)
        throw new Error(`freshness ${mode} ${queues}: /metrics showed depth ${shown.value} for queue ${queue.id}, the org has ${truth}`);
      trials.push({ seconds: (shown.startedAt - t0) / 1000, scrapeSeconds: shown.seconds });
      if (mode === 'polling') dataAges.push((await w.read('genesys_exporter_collector_data_age_seconds', { collector: 'observations' })) ?? Number.NaN);
      // A varying part of the interval before the next trial: polling trials fall at every phase.
      await sleep(((trials.length * 0.618) % 1) * INTERVAL_S * 1000);
    }
    const streamedQueues = (await w.read('genesys_exporter_streaming_queues')) ?? 0;
    let polling: PollingAccount | undefined;
    if (countersAtStart !== undefined) {
      const end = await pollingCounters(w);
      const polls = (end.atMs - countersAtStart.atMs) / 1000 / effectiveIntervalS;
      polling = {
        worstDataAgeS: Math.max(...dataAges),
        rateLimited: end.rateLimited,
        queriesPerPoll: (end.count - countersAtStart.count) / polls,
        queryMeanS: (end.sumS - countersAtStart.sumS) / Math.max(1, end.count - countersAtStart.count),
        intervalAtEndS: end.intervalS,
        requestsPerMinute: ((end.requests - countersAtStart.requests) * 60_000) / (end.atMs - countersAtStart.atMs),
      };
    }
    return { queues, mode, trials, voided, effectiveIntervalS, streamedQueues, startToReadyS, ...(polling === undefined ? {} : { polling }) };
  } finally {
    if (ticker !== undefined) clearInterval(ticker);
    await watcher?.close();
    await exporter?.stop();
    await simulator.close();
  }
}

function row(result: RunResult): BenchRow {
  const { queues, mode, trials } = result;
  if (trials.length === 0) throw new Error(`freshness ${mode} ${queues}: no trial changed a queue's depth (${result.voided} voided)`);
  const seconds = spreadOf(trials.map((t) => t.seconds));
  const scrapes = spreadOf(trials.map((t) => t.scrapeSeconds));
  const worst = seconds.max;
  const workload = `${formatNumber(queues)} queues, ${mode}, interval ${INTERVAL_S} s, default budget; ${trials.length} surges`;
  const result_ =
    mode === 'polling'
      ? `worst ${formatNumber(worst)} s = ${formatNumber(worst / INTERVAL_S)}× interval (${formatNumber(worst / result.effectiveIntervalS)}× the stretched ${formatNumber(result.effectiveIntervalS)} s); median ${formatNumber(seconds.median)} s`
      : `worst ${formatNumber(worst)} s = ${formatNumber(worst / STREAMING_TARGET_S)}× the 3 s target (${formatNumber(worst / INTERVAL_S)}× interval); median ${formatNumber(seconds.median)} s`;
  // Polling: the interval the exporter actually used (its poll-interval gauge, after the budget's stretch;
  // the larger reading if a re-plan changed it during the trials) + one batch, the batch being that
  // interval's share of one query (a batch of 100 queues): no value may be older.
  const intervalS = Math.max(result.effectiveIntervalS, result.polling?.intervalAtEndS ?? 0);
  const batchS = intervalS / Math.ceil(queues / 100);
  const targetS = mode === 'polling' ? intervalS + batchS : STREAMING_TARGET_S;
  // Lower is better: the verdict reads target / worst as a headroom. A 429 fails the row whatever the time:
  // freshness bought by overrunning the org's rate limit does not count.
  const verdict: Verdict = (result.polling?.rateLimited ?? 0) > 0 ? { kind: 'fail', headroom: 0 } : againstFloor(targetS / worst, 1);
  const account = result.polling;
  const pollingDetails =
    account === undefined
      ? []
      : [
          `polling at ${formatNumber(queues)} queues, the exporter's own account over the trials: data age (genesys_exporter_collector_data_age_seconds, observations) ` +
            `${formatNumber(account.worstDataAgeS)} s at worst against the target ${formatNumber(targetS)} s; ` +
            `${formatNumber(account.queriesPerPoll)} observation queries per poll (floor ⌈N/100⌉ = ${Math.ceil(queues / 100)}), ${formatNumber(account.queryMeanS * 1000)} ms each on average; ` +
            `${formatNumber(account.requestsPerMinute)} API requests per minute in all (budget 200); ${account.rateLimited} responses 429 (rate limited)`,
        ];
  return {
    benchmark: `freshness: surge → /metrics (${mode})`,
    workload,
    result: result_,
    reference: mode === 'polling' ? `≤ stretched interval + one batch = ${formatNumber(targetS)} s` : `≤ ${STREAMING_TARGET_S} s`,
    verdict,
    details: [
      `freshness ${mode} at ${formatNumber(queues)} queues: ${trials.map((t) => formatNumber(t.seconds)).join(', ')} s (surge → first scrape showing it, by scrape start); ` +
        `the scrapes that showed it took ${formatNumber(scrapes.median)} s median, ${formatNumber(scrapes.max)} s worst; ` +
        `start → ready${mode === 'streaming' ? ' and streaming' : ''} ${formatNumber(result.startToReadyS)} s; ` +
        `${result.streamedQueues} queues streamed at the end; ${result.voided} surge(s) voided (no change to the queue's depth)`,
      ...pollingDetails,
    ],
  };
}

/** BENCH_FRESHNESS_MODES=streaming (or polling) runs one mode only. */
function modes(): Mode[] {
  const raw = process.env['BENCH_FRESHNESS_MODES'];
  if (raw === undefined || raw === '') return ['polling', 'streaming'];
  const parsed = raw.split(',').map((s) => s.trim());
  const unknown = parsed.filter((m) => !(m in TRIALS));
  if (unknown.length > 0) throw new Error(`BENCH_FRESHNESS_MODES="${raw}": give polling, streaming or both, comma-separated`);
  return parsed as Mode[];
}

export async function freshnessBenchmark(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const queues of sizes()) {
    for (const mode of modes()) {
      const done = row(await runOne(queues, mode));
      // Each size takes minutes: what it found is shown as soon as it is known.
      process.stderr.write(`bench: ${done.result}\n  ${done.details.join('\n  ')}\n`);
      rows.push(done);
    }
  }
  return rows;
}
