// Aggregates collector: offers, answers, abandons, SLA breaches, the wait-time histogram, and the
// contact-center KPIs (handle, talk, hold, after-call work, answer and abandon times as summaries;
// transfers, flow-outs, short abandons), as counters that count each contact exactly once although
// Genesys intervals keep changing after they end. All from one query per batch of queues.
//
// Counting definition (what the counters mean): a queue's counters start at 0 at the first successful
// aggregate poll that includes the queue (its baseline) and then grow by everything Genesys posts to
// the queue's intervals after that poll. Contacts already posted at the baseline are not counted;
// a timer that posts later for an interval that started before the baseline (a contact offered before,
// answered after) IS counted, since it posts after. Each poll re-reads the last `window` of intervals
// (granularity PT15M by default: any size counts exactly once, coarser keeps responses small); a value
// posting for an interval older than the window is missed, so the window must cover the longest wait,
// email included, plus handling: tHandle and tAcw post when after-call work ends (default 2h).
import { WAIT_TIME_BUCKETS_SECONDS } from '../../metrics/catalog.ts';
import type { CounterName, SummaryName } from '../../metrics/catalog.ts';
import { isMediaType } from '../../metrics/vocabulary.ts';
import type { AggregateInterval, AggregationMetric, AggregationQuery } from '../genesys/conversation-aggregates.ts';
import { SnapshotBuilder } from '../samples.ts';
import type { SnapshotMetric } from '../samples.ts';
import { batches, throwIfAnyFailed } from './collector.ts';
import type { Collector } from './collector.ts';
import type { GenesysPort } from './genesys-port.ts';
import { IncreaseLedger } from './increase-ledger.ts';
import type { ExportedQueue, QueueDirectory } from './queue-directory.ts';

/** Interval sizes the aggregates collector may ask for. Any works for exactly-once counting; coarser ones
 * keep responses small when the window is long. */
export const AGGREGATE_GRANULARITIES = { PT1M: 60_000, PT5M: 300_000, PT15M: 900_000, PT30M: 1_800_000, PT1H: 3_600_000 } as const;
export type AggregateGranularity = keyof typeof AGGREGATE_GRANULARITIES;

const waitViewName = (boundSeconds: number): string => `tWaitLt${boundSeconds * 1000}`;

/** Where each value sits in an interval's field array, which is also the layout of the ledger's
 * highest-seen values and of a (queue, media)'s totals since its baseline. */
const FIELD = {
  offered: 0,
  answered: 1,
  abandoned: 2,
  overSla: 3,
  waitCount: 4,
  waitSumMs: 5,
  answeredSumMs: 6,
  abandonSumMs: 7,
  handleCount: 8,
  handleSumMs: 9,
  talkCount: 10,
  talkSumMs: 11,
  heldCount: 12,
  heldSumMs: 13,
  acwCount: 14,
  acwSumMs: 15,
  transferred: 16,
  blindTransferred: 17,
  consultTransferred: 18,
  flowOut: 19,
  shortAbandoned: 20,
} as const;
// The wait buckets follow the named fields (numbered 0…n−1 above), so a new field moves them along.
const FIRST_WAIT_BUCKET = Object.keys(FIELD).length;
const FIELD_COUNT = FIRST_WAIT_BUCKET + WAIT_TIME_BUCKETS_SECONDS.length;

/** What one (queue, media) has accumulated since its baseline, laid out as `FIELD` and the wait buckets. */
type Totals = Float64Array;

/** Which Genesys metric feeds which field: its count and, for the timers exported as sums, its sum (milliseconds). */
const METRIC_FIELDS: ReadonlyMap<AggregationMetric, { readonly count: number; readonly sum?: number }> = new Map<
  AggregationMetric,
  { readonly count: number; readonly sum?: number }
>([
  ['nOffered', { count: FIELD.offered }],
  ['tAnswered', { count: FIELD.answered, sum: FIELD.answeredSumMs }],
  ['tAbandon', { count: FIELD.abandoned, sum: FIELD.abandonSumMs }],
  ['nOverSla', { count: FIELD.overSla }],
  ['tWait', { count: FIELD.waitCount, sum: FIELD.waitSumMs }],
  ['tHandle', { count: FIELD.handleCount, sum: FIELD.handleSumMs }],
  ['tTalk', { count: FIELD.talkCount, sum: FIELD.talkSumMs }],
  ['tHeld', { count: FIELD.heldCount, sum: FIELD.heldSumMs }],
  ['tAcw', { count: FIELD.acwCount, sum: FIELD.acwSumMs }],
  // nTransferred counts blind and consult transfers alike (and any other kind Genesys adds): exported as
  // reported, not as the sum of its two parts.
  ['nTransferred', { count: FIELD.transferred }],
  ['nBlindTransferred', { count: FIELD.blindTransferred }],
  ['nConsultTransferred', { count: FIELD.consultTransferred }],
  // Flow-outs: the aggregates have no nOverflow or nFlowOutOffered (not in the SDKs' metrics enum of
  // ConversationAggregationQuery); a flow-out is timed by tFlowOut, so its count is the number of them.
  ['tFlowOut', { count: FIELD.flowOut }],
  // Short abandons are timed by tShortAbandon (abandons under the org's threshold, a subset of tAbandon).
  ['tShortAbandon', { count: FIELD.shortAbandoned }],
]);
/** The metrics asked for: every one the fields read (adding metrics costs no request, only response bytes). */
const AGGREGATE_METRICS: readonly AggregationMetric[] = [...METRIC_FIELDS.keys()];
const WAIT_BUCKET_FIELDS: ReadonlyMap<string, number> = new Map(
  WAIT_TIME_BUCKETS_SECONDS.map((bound, bucket) => [waitViewName(bound), FIRST_WAIT_BUCKET + bucket]),
);

/** Fills `values` from one interval; a metric or view Genesys left out is 0. One pass over each list. */
function readInterval(interval: AggregateInterval, values: Float64Array): void {
  values.fill(0);
  // Backwards, so that when a name repeats the first datum wins (what a find() from the front returns).
  const { metrics, views } = interval;
  for (let index = metrics.length - 1; index >= 0; index -= 1) {
    const datum = metrics[index]!;
    const fields = METRIC_FIELDS.get(datum.metric);
    if (fields === undefined) continue;
    const stats = datum.stats as { count?: number; sum?: number } | undefined;
    values[fields.count] = stats?.count ?? 0;
    if (fields.sum !== undefined) values[fields.sum] = stats?.sum ?? 0;
  }
  for (let index = views.length - 1; index >= 0; index -= 1) {
    const view = views[index]!;
    const field = WAIT_BUCKET_FIELDS.get(view.name);
    if (field !== undefined) values[field] = view.stats.count ?? 0;
  }
}

/** Start of an ISO "start/end" interval in ms (NaN when unparsable); memoised because every (queue,
 * media) of a poll repeats the same few interval strings. */
function intervalStartParser(): (interval: string) => number {
  const starts = new Map<string, number>();
  return (interval) => {
    let start = starts.get(interval);
    if (start === undefined) {
      const slash = interval.indexOf('/');
      start = Date.parse(slash < 0 ? interval : interval.slice(0, slash));
      starts.set(interval, start);
    }
    return start;
  };
}

export interface AggregatesOptions {
  readonly batchSize: number;
  /** A multiple of the granularity. */
  readonly windowMs: number;
  readonly granularity: AggregateGranularity;
  readonly now?: () => number;
}

export function aggregateQuery(queueIds: readonly string[], startMs: number, endMs: number, granularity: AggregateGranularity): AggregationQuery {
  return {
    interval: `${new Date(startMs).toISOString()}/${new Date(endMs).toISOString()}`,
    granularity,
    groupBy: ['queueId', 'mediaType'],
    filter: { type: 'or', predicates: queueIds.map((value) => ({ type: 'dimension', dimension: 'queueId', operator: 'matches', value })) },
    metrics: AGGREGATE_METRICS,
    views: WAIT_TIME_BUCKETS_SECONDS.map((bound) => ({ target: 'tWait', function: 'rangeBound', range: { lt: bound * 1000 }, name: waitViewName(bound) })),
  };
}

export function createAggregatesCollector(api: GenesysPort, directory: QueueDirectory, options: AggregatesOptions): Collector {
  const now = options.now ?? Date.now;
  const ledger = new IncreaseLedger(FIELD_COUNT);
  const values = new Float64Array(FIELD_COUNT);
  const baselined = new Set<string>();
  const totals = new Map<string, Totals>();
  const totalsKey = (queueId: string, media: string): string => `${queueId}\u0000${media}`;
  const totalsOf = (queueId: string, media: string): Totals => {
    const key = totalsKey(queueId, media);
    let entry = totals.get(key);
    if (entry === undefined) {
      entry = new Float64Array(FIELD_COUNT);
      totals.set(key, entry);
    }
    return entry;
  };

  return {
    name: 'aggregates',
    needsQueues: true,
    requestsPerRun: () => Math.ceil(directory.all().length / options.batchSize),
    async collect(run) {
      forgetRemovedQueues(directory, baselined, totals, ledger);
      const granularityMs = AGGREGATE_GRANULARITIES[options.granularity];
      const queueBatches = batches(
        directory.all().map((queue) => queue.id),
        options.batchSize,
      );
      const intervalStartOf = intervalStartParser();
      /** The earliest window start of the run: the ledger forgets only what no later window reads again. */
      let runWindowStartMs: number | undefined;
      // Each batch at its slot of the interval, counted and served as soon as it returns. Successful
      // batches are counted even when another failed: the ledger keeps them exactly-once, and the failed
      // queues keep their last values and catch up at their next successful poll (while their intervals
      // are in the window).
      const settled = await Promise.allSettled(
        queueBatches.map(async (ids, index) => {
          await run.batchSlot(index, queueBatches.length);
          // The window ends at the end of the current (partial) interval and starts `window` earlier.
          const endMs = Math.floor(now() / granularityMs) * granularityMs + granularityMs;
          const startMs = endMs - options.windowMs;
          runWindowStartMs = Math.min(runWindowStartMs ?? startMs, startMs);
          const response = await api.queryConversationAggregates(aggregateQuery(ids, startMs, endMs, options.granularity));
          for (const result of response.results) {
            const { queueId, mediaType } = result.group;
            if (queueId === undefined || mediaType === undefined || directory.get(queueId) === undefined) continue;
            const entry = totalsOf(queueId, mediaType);
            // Before the baseline, values are only remembered, not counted.
            const countInto = baselined.has(queueId) ? entry : undefined;
            for (const interval of result.data) {
              const intervalStartMs = intervalStartOf(interval.interval);
              if (!Number.isFinite(intervalStartMs) || intervalStartMs < startMs) continue;
              readInterval(interval, values);
              ledger.addIncreases(queueId, mediaType, intervalStartMs, values, countInto);
            }
          }
          // Media seen at the baseline get their series (at 0) from then on, so the first increase is
          // visible to rate()/increase(); a media type that first posts later starts with its first value.
          for (const queueId of ids) baselined.add(queueId);
          run.publishBatch(ids, buildSnapshot(directory, totalsOfQueues(totals, new Set(ids)), baselined));
        }),
      );
      if (runWindowStartMs !== undefined) ledger.forgetBefore(runWindowStartMs);
      throwIfAnyFailed('aggregate', settled);
      return undefined;
    },
  };
}

/** The totals of `queueIds` only (one batch's series). */
function totalsOfQueues(totals: ReadonlyMap<string, Totals>, queueIds: ReadonlySet<string>): Map<string, Totals> {
  const subset = new Map<string, Totals>();
  for (const [key, entry] of totals) if (queueIds.has(key.slice(0, key.indexOf('\u0000')))) subset.set(key, entry);
  return subset;
}

function forgetRemovedQueues(directory: QueueDirectory, baselined: Set<string>, totals: Map<string, Totals>, ledger: IncreaseLedger): void {
  for (const queueId of baselined) {
    if (directory.get(queueId) !== undefined) continue;
    baselined.delete(queueId);
    ledger.forgetQueue(queueId);
    for (const key of totals.keys()) if (key.startsWith(`${queueId}\u0000`)) totals.delete(key);
  }
}

/** Timers exported as summaries: the metric, its count field and its sum field (ms). */
const TIMER_SUMMARIES: readonly (readonly [Extract<SummaryName, SnapshotMetric>, number, number])[] = [
  ['genesys_queue_handle_time_seconds', FIELD.handleCount, FIELD.handleSumMs],
  ['genesys_queue_talk_time_seconds', FIELD.talkCount, FIELD.talkSumMs],
  ['genesys_queue_hold_time_seconds', FIELD.heldCount, FIELD.heldSumMs],
  ['genesys_queue_after_call_work_seconds', FIELD.acwCount, FIELD.acwSumMs],
  ['genesys_queue_answer_time_seconds', FIELD.answered, FIELD.answeredSumMs],
  ['genesys_queue_abandon_time_seconds', FIELD.abandoned, FIELD.abandonSumMs],
];

/** Counters read straight from one field (all with the queue, queue name and media type labels only). */
type FieldCounter = Extract<
  CounterName,
  | 'genesys_queue_transferred_total'
  | 'genesys_queue_blind_transferred_total'
  | 'genesys_queue_consult_transferred_total'
  | 'genesys_queue_flow_out_total'
  | 'genesys_queue_short_abandoned_total'
>;
const COUNTERS: readonly (readonly [FieldCounter, number])[] = [
  ['genesys_queue_transferred_total', FIELD.transferred],
  ['genesys_queue_blind_transferred_total', FIELD.blindTransferred],
  ['genesys_queue_consult_transferred_total', FIELD.consultTransferred],
  ['genesys_queue_flow_out_total', FIELD.flowOut],
  ['genesys_queue_short_abandoned_total', FIELD.shortAbandoned],
];

function buildSnapshot(directory: QueueDirectory, totals: ReadonlyMap<string, Totals>, baselined: ReadonlySet<string>) {
  const snapshot = new SnapshotBuilder();
  for (const [key, entry] of totals) {
    const [queueId = '', media = ''] = key.split('\u0000');
    const queue: ExportedQueue | undefined = directory.get(queueId);
    if (queue === undefined || !baselined.has(queueId)) continue;
    const labels = { queue_id: queue.id, queue_name: queue.name, media_type: media };
    snapshot.add('genesys_queue_offer_total', { labels, value: entry[FIELD.offered]! });
    snapshot.add('genesys_queue_answered_total', { labels, value: entry[FIELD.answered]! });
    snapshot.add('genesys_queue_abandoned_total', { labels, value: entry[FIELD.abandoned]! });
    const slaSeconds = isMediaType(media) ? queue.serviceLevels.get(media)?.seconds : undefined;
    // A breach is a contact not answered within the target: answered after it (nOverSla) or abandoned.
    // Genesys' own service level counts abandons against it (oServiceLevel's denominator is answered +
    // abandoned, the org-wide default), and without them 1 - breaches/offers would show a queue whose
    // callers all hang up as 100 % compliant.
    snapshot.add('genesys_queue_sla_breach_total', {
      labels: { ...labels, sla_target_seconds: slaSeconds === undefined ? '' : String(slaSeconds) },
      value: entry[FIELD.overSla]! + entry[FIELD.abandoned]!,
    });
    snapshot.add('genesys_queue_wait_time_seconds', {
      labels,
      bucketCounts: Array.from(entry.subarray(FIRST_WAIT_BUCKET)),
      sum: entry[FIELD.waitSumMs]! / 1000,
      count: entry[FIELD.waitCount]!,
    });
    for (const [metric, count, sumMs] of TIMER_SUMMARIES) snapshot.add(metric, { labels, sum: entry[sumMs]! / 1000, count: entry[count]! });
    for (const [metric, field] of COUNTERS) snapshot.add(metric, { labels, value: entry[field]! });
  }
  return snapshot.build();
}
