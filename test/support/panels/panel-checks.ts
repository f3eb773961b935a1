// What each dashboard query must show, checked against the simulator's ground truth. Every query of every
// generated dashboard needs an entry here (its key is uid/panelId/refId, stable by the dashboards' design):
// a new panel without one fails the e2e test until someone says how to check it.
//
// Tolerances follow from the method, with the timing facts of timing.ts:
//  - gauges (depth, agents, longest wait): a sample describes the simulator's state when the exporter's
//    observation poll queried it; the exporter's own telemetry, scraped with the sample, says when that
//    run ended and how long it took, so the value must lie within the range of the state recorded from 1 s
//    before that run to 1 s after it (readings every 200 ms; a waiting time also grows until T);
//  - counts over a window (rate × W): the first sample in (T-W, T] is at most SCRAPE + margin after T-W
//    and reflects a poll no earlier than AGGREGATES_POLL + margin before it; the last sample is at most
//    SCRAPE + margin before T and reflects a poll no earlier than AGGREGATES_LAG before T. So the counted
//    events lie between N(T-W+S, T-AGGREGATES_LAG] and N(T-W-P, T] (S = scrape + margin, P = poll +
//    margin); rate() extrapolates the sampled span (≥ W − 2S) to at most W, scaling the upper bound by
//    W / (W − 2S);
//  - SLA compliance over 15 minutes (longer than the exporter has run, so it spans every counted contact):
//    within 1 percentage point (the tolerance) of the truth at some moment the samples can
//    describe, i.e. counted from the exporter's first aggregates poll to a cut-off in [T-AGGREGATES_LAG, T];
//  - quantiles: histogram_quantile interpolates inside the bucket that holds the quantile's rank, so the
//    result lies inside the bucket (edges WAIT_TIME_BUCKETS_SECONDS; the exporter's rangeBound views count waits
//    strictly below each edge) that holds the true quantile of the waits in the window; with the window's
//    edges uncertain as above, anywhere from the lower edge of that bucket for the inner window's waits to
//    the upper edge for the outer window's.
import type { MediaType, QueueTruth, SimQueue, TruthNow } from '../../../simulator/control-types.ts';
import { WAIT_TIME_BUCKETS_SECONDS } from '../../../metrics/catalog.ts';
import {
  AGGREGATES_LAG_SECONDS,
  AGGREGATES_POLL_SECONDS,
  OBSERVATIONS_LAG_SECONDS,
  POLL_MARGIN_SECONDS,
  SCRAPE_MARGIN_SECONDS,
  SCRAPE_SECONDS,
} from './timing.ts';
import { countBetween, countUpTo, quantile, secondsBetween, selectEvents, timelineOf, type ContactEvent, type EventKind, type TruthRecorder } from './truth.ts';

/** A queue's state for the media types a sample describes (its media_type, or all selected ones added up). */
type QueueReading = (queue: QueueTruth, media: readonly MediaType[]) => number;

/** What one side of a KPI ratio counts: how many events, or the seconds their timers add (a summary's _sum). */
export interface RatioTerm {
  readonly event: EventKind;
  readonly measure: 'count' | 'seconds';
}

export type PanelCheck =
  /** One value per queue_name, equal to the simulator's state at the sample time. */
  | { readonly kind: 'gauge'; readonly read: QueueReading; readonly growsWithTime?: boolean }
  /** sum by (routing_status) of one queue's agents. */
  | { readonly kind: 'agentsByStatus' }
  /** Events per second over $__rate_interval (`rate`), or per window (`increase`), summed over the scope. */
  | { readonly kind: 'count'; readonly event: EventKind; readonly per: 'second' | 'window'; readonly byLe?: boolean }
  /**
   * A contact KPI (metrics/kpis.ts) over $__rate_interval per queue_name and media_type: numerator /
   * (denominator − denominatorMinus), each side's events counted (or their seconds summed) in the window.
   */
  | { readonly kind: 'ratio'; readonly numerator: RatioTerm; readonly denominator: RatioTerm; readonly denominatorMinus?: RatioTerm }
  /** sum by (presence) of the members of the queues in scope. */
  | { readonly kind: 'presence' }
  /**
   * 1 − breaches/offers over 15 minutes per queue_name (optionally minus the queue's target ratio), or over
   * every queue in scope together (`allQueues`: the overview's SLA stat, one value with no queue label).
   */
  | { readonly kind: 'compliance'; readonly minusTarget?: boolean; readonly allQueues?: boolean }
  | { readonly kind: 'quantile'; readonly q: number }
  | { readonly kind: 'slaTarget'; readonly field: 'ratio' | 'seconds' }
  /** The exporter's own state in a healthy stack, with the reason the value is known. */
  | { readonly kind: 'known'; readonly reason: string; readonly accept: (value: number, labels: Readonly<Record<string, string>>, T: number) => boolean }
  /** Only "runs and returns data": no ground truth exists for it, and the reason says why. */
  | { readonly kind: 'dataOnly'; readonly reason: string };

const ofMedia = (q: QueueTruth, media: readonly MediaType[]) => q.media.filter((x) => media.includes(x.mediaType));
const total = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const waiting: QueueReading = (q, m) => total(ofMedia(q, m).map((x) => x.waiting));
const alerting: QueueReading = (q, m) => total(ofMedia(q, m).map((x) => x.alerting));
const interacting: QueueReading = (q, m) => total(ofMedia(q, m).map((x) => x.interacting));
const longestWait: QueueReading = (q, m) => Math.max(0, ...ofMedia(q, m).map((x) => (x.longestWaitMs ?? 0) / 1000));
const idle: QueueReading = (q) => q.agents.IDLE ?? 0;
const onQueue: QueueReading = (q) => q.onQueue;
const offQueue: QueueReading = (q) => q.offQueue;
const members: QueueReading = (q) => q.members;
/** Agents free for a contact minus contacts waiting for one (the agent capacity table's calculated column). */
const spare: QueueReading = (q, m) => idle(q, m) - waiting(q, m);

const count = (event: EventKind): RatioTerm => ({ event, measure: 'count' });
const seconds = (event: EventKind): RatioTerm => ({ event, measure: 'seconds' });
/** The KPIs as metrics/kpis.ts defines them, in the simulator's events. */
const AHT: PanelCheck = { kind: 'ratio', numerator: seconds('handled'), denominator: count('handled') };
const ASA: PanelCheck = { kind: 'ratio', numerator: seconds('answerWaited'), denominator: count('answerWaited') };
const ABANDON_RATE: PanelCheck = {
  kind: 'ratio',
  numerator: count('abandonedNotShort'),
  denominator: count('offered'),
  denominatorMinus: count('shortAbandoned'),
};
const TRANSFER_RATE: PanelCheck = { kind: 'ratio', numerator: count('transferred'), denominator: count('answered') };
/** A part of handle time per handled contact. */
const perHandled = (event: EventKind): PanelCheck => ({ kind: 'ratio', numerator: seconds(event), denominator: count('handled') });

const healthy = (reason: string, accept: (value: number, labels: Readonly<Record<string, string>>, T: number) => boolean): PanelCheck => ({
  kind: 'known',
  reason,
  accept,
});

/**
 * Ground truth per dashboard query, keyed uid/panelId/refId, and per value a panel calculates from its
 * queries with transformations (Grafana's engine computes it, grafana.ts), keyed uid/panelId/<the
 * field's display name>.
 */
export const PANEL_CHECKS: Readonly<Record<string, PanelCheck>> = {
  // ---- queue overview ($queue = All, $media_type = All: the defaults) ----
  'genesys-queue-overview/1/breaches': { kind: 'dataOnly', reason: 'hidden by the panel; combined with offers into "SLA Compliance %", checked below' },
  'genesys-queue-overview/1/offers': { kind: 'dataOnly', reason: 'hidden by the panel; combined with breaches into "SLA Compliance %", checked below' },
  'genesys-queue-overview/1/SLA Compliance %': { kind: 'compliance', allQueues: true },
  'genesys-queue-overview/2/compliance': { kind: 'compliance' },
  'genesys-queue-overview/3/waiting': { kind: 'gauge', read: waiting },
  'genesys-queue-overview/4/longestWait': { kind: 'gauge', read: longestWait, growsWithTime: true },
  'genesys-queue-overview/5/depth': { kind: 'gauge', read: waiting },
  'genesys-queue-overview/6/p95': { kind: 'quantile', q: 0.95 },
  'genesys-queue-overview/7/offered': { kind: 'count', event: 'offered', per: 'second' },
  'genesys-queue-overview/7/answered': { kind: 'count', event: 'answered', per: 'second' },
  'genesys-queue-overview/7/abandoned': { kind: 'count', event: 'abandoned', per: 'second' },
  'genesys-queue-overview/8/waiting': { kind: 'gauge', read: waiting },
  'genesys-queue-overview/8/idle': { kind: 'gauge', read: idle },
  'genesys-queue-overview/8/onQueue': { kind: 'gauge', read: onQueue },
  'genesys-queue-overview/8/Spare agents': { kind: 'gauge', read: spare },
  'genesys-queue-overview/9/aht': AHT,
  'genesys-queue-overview/10/asa': ASA,
  'genesys-queue-overview/11/abandonRate': ABANDON_RATE,
  'genesys-queue-overview/12/transferRate': TRANSFER_RATE,
  'genesys-queue-overview/13/byPresence': { kind: 'presence' },
  // ---- queue detail ($queue = one queue, $media_type = All) ----
  'genesys-queue-detail/1/waiting': { kind: 'gauge', read: waiting },
  'genesys-queue-detail/2/longestWait': { kind: 'gauge', read: longestWait, growsWithTime: true },
  'genesys-queue-detail/3/compliance': { kind: 'compliance' },
  'genesys-queue-detail/4/targetRatio': { kind: 'slaTarget', field: 'ratio' },
  'genesys-queue-detail/15/targetSeconds': { kind: 'slaTarget', field: 'seconds' },
  'genesys-queue-detail/5/margin': { kind: 'compliance', minusTarget: true },
  'genesys-queue-detail/6/waiting': { kind: 'gauge', read: waiting },
  'genesys-queue-detail/6/alerting': { kind: 'gauge', read: alerting },
  'genesys-queue-detail/6/interacting': { kind: 'gauge', read: interacting },
  'genesys-queue-detail/7/longestWait': { kind: 'gauge', read: longestWait, growsWithTime: true },
  'genesys-queue-detail/8/buckets': { kind: 'count', event: 'waited', per: 'window', byLe: true },
  'genesys-queue-detail/9/p50': { kind: 'quantile', q: 0.5 },
  'genesys-queue-detail/9/p95': { kind: 'quantile', q: 0.95 },
  'genesys-queue-detail/10/compliance': { kind: 'compliance' },
  'genesys-queue-detail/10/target': { kind: 'slaTarget', field: 'ratio' },
  'genesys-queue-detail/11/abandonRatio': ABANDON_RATE,
  'genesys-queue-detail/12/offered': { kind: 'count', event: 'offered', per: 'second' },
  'genesys-queue-detail/12/answered': { kind: 'count', event: 'answered', per: 'second' },
  'genesys-queue-detail/12/abandoned': { kind: 'count', event: 'abandoned', per: 'second' },
  'genesys-queue-detail/13/byStatus': { kind: 'agentsByStatus' },
  'genesys-queue-detail/14/onQueue': { kind: 'gauge', read: onQueue },
  'genesys-queue-detail/14/offQueue': { kind: 'gauge', read: offQueue },
  'genesys-queue-detail/14/members': { kind: 'gauge', read: members },
  'genesys-queue-detail/16/aht': AHT,
  'genesys-queue-detail/17/asa': ASA,
  'genesys-queue-detail/18/abandonRate': ABANDON_RATE,
  'genesys-queue-detail/19/transferRate': TRANSFER_RATE,
  'genesys-queue-detail/20/talk': perHandled('talked'),
  'genesys-queue-detail/20/hold': perHandled('held'),
  'genesys-queue-detail/20/acw': perHandled('wrappedUp'),
  'genesys-queue-detail/21/blindTransferred': { kind: 'count', event: 'blindTransferred', per: 'second' },
  'genesys-queue-detail/21/consultTransferred': { kind: 'count', event: 'consultTransferred', per: 'second' },
  'genesys-queue-detail/21/flowOuts': { kind: 'count', event: 'flowedOut', per: 'second' },
  'genesys-queue-detail/21/shortAbandoned': { kind: 'count', event: 'shortAbandoned', per: 'second' },
  'genesys-queue-detail/22/byPresence': { kind: 'presence' },
  // ---- exporter health: the stack is healthy (no faults injected), so these values are known ----
  'genesys-exporter-health/1/scrapeUp': healthy('Prometheus scrapes the running exporter', (v) => v === 1),
  'genesys-exporter-health/2/pollOk': healthy('no fault is injected, every poll succeeds', (v) => v === 1),
  'genesys-exporter-health/3/freshness': healthy('every collector polls on schedule: each one is below its own stale limit', (v) => v >= 0 && v < 1),
  'genesys-exporter-health/4/tokenExpiry': healthy('the simulator issues 24 h tokens', (v, _l, T) => v > T * 1000 && v <= (T + 86_400 + 5) * 1000),
  'genesys-exporter-health/5/circuit': healthy('the login endpoint never fails here', (v) => v === 0),
  'genesys-exporter-health/6/exported': healthy('the e2e org has 5 queues', (v) => v === 5),
  'genesys-exporter-health/6/droppedByCap': healthy('5 queues are far below the default cap', (v) => v === 0),
  'genesys-exporter-health/7/scrapeUp': healthy('Prometheus scrapes the running exporter', (v) => v === 1),
  'genesys-exporter-health/7/pollOk': healthy('no fault is injected, every poll succeeds', (v) => v === 1),
  'genesys-exporter-health/8/success': healthy('no fault is injected, every collector succeeds', (v) => v === 1),
  'genesys-exporter-health/9/age': healthy('no collector is older than its own interval (≤ 5 min for the queue catalog)', (v) => v >= 0 && v <= 300 + 5),
  'genesys-exporter-health/10/duration': { kind: 'dataOnly', reason: 'run durations depend on the machine; only their presence is checked' },
  'genesys-exporter-health/11/interval': healthy('observations and aggregates poll every 1 s, the queue catalog every 5 min (defaults)', (v, l) =>
    l.collector === 'queues' || l.collector === 'queue_catalog' ? v === 300 : v === 1,
  ),
  'genesys-exporter-health/12/stretched': healthy('2 requests per second fit the default 200/min budget', (v) => v === 0),
  'genesys-exporter-health/13/requests': {
    kind: 'dataOnly',
    reason: 'request counts by status depend on poll timing; the exporter tests compare them with the simulator log',
  },
  'genesys-exporter-health/14/errors': healthy('no fault is injected: a true 0 per endpoint called', (v) => v === 0),
  'genesys-exporter-health/15/rateLimited': healthy('2 requests per second stay under the 300/min limit: a true 0', (v) => v === 0),
  'genesys-exporter-health/16/p95': { kind: 'dataOnly', reason: 'latency depends on the machine' },
  'genesys-exporter-health/17/requests': healthy('about 2 polls per second (observations, aggregates, each possibly batched)', (v) => v > 0.5 && v < 200 / 60),
  'genesys-exporter-health/17/budget': healthy('the default budget of 200 requests/min', (v) => Math.abs(v - 200 / 60) < 1e-9),
  'genesys-exporter-health/18/refreshes': { kind: 'dataOnly', reason: 'a 24 h token is granted once per process; the window may not include the grant' },
  'genesys-exporter-health/19/circuit': healthy('the login endpoint never fails here', (v) => v === 0),
  'genesys-exporter-health/20/simulated': healthy('the stack runs the exporter on the simulator process with credentials, not --simulator', (v) => v === 0),
  'genesys-exporter-health/21/ageShare': healthy(
    'the queue catalog refreshes on schedule: below its own stale limit',
    (v, l) => l.collector === 'queues' && v >= 0 && v < 1,
  ),
  'genesys-exporter-health/22/ageShare': healthy(
    'observations are polled batch by batch on schedule: below their stale limit',
    (v, l) => l.collector === 'observations' && v >= 0 && v < 1,
  ),
  'genesys-exporter-health/23/ageShare': healthy(
    'aggregates are polled batch by batch on schedule: below their stale limit',
    (v, l) => l.collector === 'aggregates' && v >= 0 && v < 1,
  ),
};

export interface TruthContext {
  /** Evaluation time, unix seconds. */
  readonly T: number;
  /** $__rate_interval in seconds. */
  readonly windowSeconds: number;
  /** The queues in scope (All on the overview, one on the detail). */
  readonly queueIds: ReadonlySet<string>;
  /** The selected media types ($media_type): one, or several (All by default). */
  readonly mediaType: MediaType | readonly MediaType[];
  readonly queuesByName: ReadonlyMap<string, SimQueue>;
  readonly events: readonly ContactEvent[];
  readonly recorder: TruthRecorder;
  /** When exporter processes counted (first aggregates poll to stop); counts outside them are lost. */
  readonly countedSpans: readonly CountedSpan[];
}

const S = SCRAPE_SECONDS + SCRAPE_MARGIN_SECONDS;
const P = AGGREGATES_POLL_SECONDS + POLL_MARGIN_SECONDS;

export interface CountBounds {
  readonly low: number;
  readonly high: number;
}

/** What rate(x[W]) × W at T can be, given the events x counts (see the top of this file). */
export function countBounds(
  events: readonly ContactEvent[],
  T: number,
  W: number,
  measure: (events: readonly ContactEvent[], fromMs: number, toMs: number) => number = countBetween,
): CountBounds {
  const low = measure(events, (T - W + S) * 1000, (T - AGGREGATES_LAG_SECONDS) * 1000);
  const high = (measure(events, (T - W - P) * 1000, T * 1000) * W) / (W - 2 * S);
  return { low, high };
}

/** What rate(_sum[W]) × W of a summary can be at T: the seconds its events' timers add, bounded as counts are. */
export function secondsBounds(events: readonly ContactEvent[], T: number, W: number): CountBounds {
  return countBounds(events, T, W, secondsBetween);
}

/**
 * The interval a ratio of two rates over the same window can lie in: each side within its own bounds, so the
 * low end is the smallest numerator over the largest denominator and the other way round. `mustExist`: the
 * denominator surely grew, so the panel must show a value (where it may not have, no value is right too).
 */
export function ratioBounds(numerator: CountBounds, denominator: CountBounds): { low: number; high: number; mustExist: boolean } {
  return {
    low: denominator.high <= 0 ? 0 : numerator.low / denominator.high,
    high: denominator.low <= 0 ? Infinity : numerator.high / denominator.low,
    mustExist: denominator.low > 0,
  };
}

/** A stretch of time in which one exporter process counted contacts (from its first aggregates poll to its stop). */
export interface CountedSpan {
  readonly fromMs: number;
  /** When the start is only known to lie in [fromMs, fromLatestMs] (see complianceCandidates). */
  readonly fromLatestMs?: number;
  readonly toMs: number;
}

/** Every combination of the choices in `options` (one value per position). */
function combinations(options: readonly (readonly number[])[]): number[][] {
  return options.reduce<number[][]>((acc, values) => acc.flatMap((combo) => values.map((v) => [...combo, v])), [[]]);
}

const steps = (fromMs: number, toMs: number, stepMs: number): number[] => {
  const out: number[] = [];
  for (let v = fromMs; v <= toMs + 1e-6; v += stepMs) out.push(v);
  return out;
};

/**
 * 1 − breaches/offers over the counted spans, for each moment a sample at T can describe. Uncertain edges:
 *  - the end: a cut-off in [T − AGGREGATES_LAG, T], as for every count;
 *  - the start of the first span: increase() over a window that holds a series' whole life cannot see the
 *    series' first sample's value (it only extrapolates toward it), so counting effectively starts at what
 *    Prometheus' first scrape of the exporter read: a poll up to AGGREGATES_LAG before that scrape. The
 *    caller gives that range as [fromMs, fromLatestMs] of the first span;
 *  - the end of a span closed by a stop: Prometheus' last sample of the old process was scraped up to
 *    AGGREGATES_LAG before the stop, and what that process counted after it is lost with the process.
 * A span opened by a restart counts exactly from its first poll: increase() reads the reset as a restart
 * from 0, which is what the new process does.
 */
export function complianceCandidates(
  events: readonly ContactEvent[],
  queueIds: ReadonlySet<string>,
  media: MediaType | readonly MediaType[],
  spans: readonly CountedSpan[],
  T: number,
): number[] {
  // Counted over many candidate windows: countBetween binary-searches the selections' sorted times.
  const offered = selectEvents(events, { kind: 'offered', queueIds, mediaType: media });
  const breached = selectEvents(events, { kind: 'breached', queueIds, mediaType: media });
  const offers = (fromMs: number, toMs: number): number => countBetween(offered, fromMs, toMs);
  const breaches = (fromMs: number, toMs: number): number => countBetween(breached, fromMs, toMs);
  const lagMs = AGGREGATES_LAG_SECONDS * 1000;
  const closed = spans.filter((span) => Number.isFinite(span.toMs)).length;
  const out: number[] = [];
  const first = spans[0];
  const startSpread = first?.fromLatestMs === undefined ? 0 : Math.max(0, first.fromLatestMs - first.fromMs);
  for (const startShift of steps(0, startSpread, 250)) {
    for (const endShifts of combinations(Array.from({ length: closed }, () => steps(0, lagMs, 1000)))) {
      for (const cut of steps((T - AGGREGATES_LAG_SECONDS) * 1000, T * 1000, 100)) {
        let o = 0;
        let b = 0;
        spans.forEach((span, i) => {
          const from = span.fromMs + (i === 0 ? startShift : 0);
          const to = Math.min(Number.isFinite(span.toMs) ? span.toMs - (endShifts[i] ?? 0) : Infinity, cut);
          o += offers(from, to);
          b += breaches(from, to);
        });
        if (o > 0) out.push(1 - b / o);
      }
    }
  }
  return out;
}

/** The bucket [lower, upper] (seconds) a wait of `ms` falls in, with the exporter's `wait < bound` views. */
export function bucketOf(ms: number): { lower: number; upper: number } {
  let lower = 0;
  for (const bound of WAIT_TIME_BUCKETS_SECONDS) {
    if (ms < bound * 1000) return { lower, upper: bound };
    lower = bound;
  }
  // Beyond the last finite bucket histogram_quantile returns the last finite bound.
  return { lower: lower, upper: lower };
}

/** The interval a histogram_quantile over the window at T may return (see the top of this file). */
export function quantileInterval(waited: readonly ContactEvent[], q: number, T: number, W: number): { lower: number; upper: number } | undefined {
  const { sorted, times } = timelineOf(waited);
  /** The waits of the events with fromMs < at ≤ toMs (their order does not matter to a quantile). */
  const waitsBetween = (fromMs: number, toMs: number): number[] =>
    toMs > fromMs ? sorted.slice(countUpTo(times, fromMs), countUpTo(times, toMs)).map((e) => e.waitMs ?? 0) : [];
  const inner = waitsBetween((T - W + S) * 1000, (T - AGGREGATES_LAG_SECONDS) * 1000);
  const outer = waitsBetween((T - W - P) * 1000, T * 1000);
  // histogram_quantile picks the first bucket whose cumulative count reaches rank = q × count: the bucket of
  // the ceil(rank)-th smallest wait, which is the nearest-rank quantile.
  const candidates = [inner, outer].flatMap((set) => {
    const value = quantile(set, q);
    return value === undefined ? [] : [value];
  });
  if (candidates.length === 0) return undefined;
  const buckets = candidates.map(bucketOf);
  return { lower: Math.min(...buckets.map((b) => b.lower)), upper: Math.max(...buckets.map((b) => b.upper)) };
}

/** When an observation poll queried the simulator: its run's end and duration, as the exporter reports them. */
export interface ObservedWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Readings are taken every 200 ms, each a separate request: ±1 s around the poll holds several of them. */
const READING_SPREAD_MS = 1000;

/**
 * Readings of the recorded state that a gauge sample at T may reflect: around the observation poll behind
 * the sample when the exporter's run telemetry says when that was (genesys_exporter_collector_last_success_
 * timestamp_seconds and _duration_seconds, scraped with the sample: /metrics serves a scrape's run telemetry
 * and queue values from one moment, exporter/exposition/exposition.ts), otherwise [T − OBSERVATIONS_LAG, T].
 */
export function gaugeRange(recorder: TruthRecorder, T: number, observed: ObservedWindow | undefined, read: (truth: TruthNow) => number, growsWithTime = false) {
  const lagFromMs = (T - OBSERVATIONS_LAG_SECONDS) * 1000;
  // The readings are discrete (every 200 ms, sparser while the test process is busy), so a count that moved
  // between two readings can sit outside the few readings of the poll's own window (seen: waiting 76 against
  // readings 73…75; a longest wait just below the first reading). The window therefore also reaches back to
  // the lag bound: what the exporter promises is a state the queue was in during the last observation lag.
  if (observed !== undefined)
    return recorder.range(Math.min(observed.fromMs - READING_SPREAD_MS, lagFromMs), observed.toMs + READING_SPREAD_MS, read, growsWithTime, T * 1000);
  return recorder.range(lagFromMs, T * 1000, read, growsWithTime, T * 1000);
}
