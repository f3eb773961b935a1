// Aggregates collector: offers, answers, abandons, SLA breaches and the wait-time histogram, as counters
// that count each contact exactly once although Genesys intervals keep changing after they end.
//
// Counting definition (what the counters mean): a queue's counters start at 0 at the first successful
// aggregate poll that includes the queue (its baseline) and then grow by everything Genesys posts to
// the queue's intervals after that poll. Contacts already posted at the baseline are not counted;
// a timer that posts later for an interval that started before the baseline (a contact offered before,
// answered after) IS counted, since it posts after. Each poll re-reads the last `window` of intervals
// (granularity PT15M by default: any size counts exactly once, coarser keeps responses small); a value
// posting for an interval older than the window is missed, so the window must cover the longest wait,
// email included (default 2h).
import { WAIT_TIME_BUCKETS_SECONDS } from '../../metrics/catalog.ts';
import type { AggregateInterval, AggregationQuery } from '../genesys/conversation-aggregates.ts';
import { SnapshotBuilder } from '../samples.ts';
import { batches } from './collector.ts';
import type { Collector } from './collector.ts';
import type { GenesysPort } from './genesys-port.ts';
import { IncreaseLedger } from './increase-ledger.ts';
import type { ExportedQueue, QueueDirectory } from './queue-directory.ts';

/** Interval sizes the aggregates collector may ask for. Any works for exactly-once counting; coarser ones
 * keep responses small when the window is long. */
export const AGGREGATE_GRANULARITIES = { PT1M: 60_000, PT5M: 300_000, PT15M: 900_000, PT30M: 1_800_000, PT1H: 3_600_000 } as const;
export type AggregateGranularity = keyof typeof AGGREGATE_GRANULARITIES;

const waitViewName = (boundSeconds: number): string => `tWaitLt${boundSeconds * 1000}`;

/** What one (queue, media) has accumulated since its baseline. */
interface Totals {
  offered: number;
  answered: number;
  abandoned: number;
  overSla: number;
  waitCount: number;
  waitSumMs: number;
  waitBuckets: number[];
}
type ScalarField = Exclude<keyof Totals, 'waitBuckets'>;

const statsOf = (interval: AggregateInterval, metric: string): { count?: number; sum?: number } =>
  (interval.metrics.find((m) => m.metric === metric)?.stats as { count?: number; sum?: number } | undefined) ?? {};
const countOf = (interval: AggregateInterval, metric: string): number => statsOf(interval, metric).count ?? 0;
const sumOf = (interval: AggregateInterval, metric: string): number => statsOf(interval, metric).sum ?? 0;

/** Which Genesys value feeds which total. */
const FIELD_TABLE: readonly { field: ScalarField; value: (interval: AggregateInterval) => number }[] = [
  { field: 'offered', value: (i) => countOf(i, 'nOffered') },
  { field: 'answered', value: (i) => countOf(i, 'tAnswered') },
  { field: 'abandoned', value: (i) => countOf(i, 'tAbandon') },
  { field: 'overSla', value: (i) => countOf(i, 'nOverSla') },
  { field: 'waitCount', value: (i) => countOf(i, 'tWait') },
  { field: 'waitSumMs', value: (i) => sumOf(i, 'tWait') },
];

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
    metrics: ['nOffered', 'tAnswered', 'tAbandon', 'tWait', 'nOverSla'],
    views: WAIT_TIME_BUCKETS_SECONDS.map((bound) => ({ target: 'tWait', function: 'rangeBound', range: { lt: bound * 1000 }, name: waitViewName(bound) })),
  };
}

export function createAggregatesCollector(api: GenesysPort, directory: QueueDirectory, options: AggregatesOptions): Collector {
  const now = options.now ?? Date.now;
  const ledger = new IncreaseLedger();
  const baselined = new Set<string>();
  const totals = new Map<string, Totals>();
  const totalsKey = (queueId: string, media: string): string => `${queueId}\u0000${media}`;
  const totalsOf = (queueId: string, media: string): Totals => {
    const key = totalsKey(queueId, media);
    let entry = totals.get(key);
    if (entry === undefined) {
      entry = { offered: 0, answered: 0, abandoned: 0, overSla: 0, waitCount: 0, waitSumMs: 0, waitBuckets: WAIT_TIME_BUCKETS_SECONDS.map(() => 0) };
      totals.set(key, entry);
    }
    return entry;
  };

  return {
    name: 'aggregates',
    needsQueues: true,
    requestsPerRun: () => Math.ceil(directory.all().length / options.batchSize),
    async collect() {
      forgetRemovedQueues(directory, baselined, totals, ledger);
      // The window ends at the end of the current (partial) interval and starts `window` earlier.
      const granularityMs = AGGREGATE_GRANULARITIES[options.granularity];
      const endMs = Math.floor(now() / granularityMs) * granularityMs + granularityMs;
      const startMs = endMs - options.windowMs;
      const queueBatches = batches(directory.all().map((queue) => queue.id), options.batchSize);
      const settled = await Promise.allSettled(queueBatches.map((ids) => api.queryConversationAggregates(aggregateQuery(ids, startMs, endMs, options.granularity))));

      // Successful batches are counted even when another failed: the ledger keeps them exactly-once, and
      // the failed queues catch up at the next successful poll (while their intervals are in the window).
      settled.forEach((outcome, index) => {
        if (outcome.status !== 'fulfilled') return;
        for (const result of outcome.value.results) {
          const { queueId, mediaType } = result.group;
          if (queueId === undefined || mediaType === undefined || directory.get(queueId) === undefined) continue;
          const counting = baselined.has(queueId);
          const entry = totalsOf(queueId, mediaType);
          for (const interval of result.data) {
            const intervalStartMs = Date.parse(interval.interval.split('/')[0] ?? '');
            if (!Number.isFinite(intervalStartMs) || intervalStartMs < startMs) continue;
            const keyPrefix = `${queueId}\u0000${mediaType}\u0000${intervalStartMs}\u0000`;
            for (const { field, value } of FIELD_TABLE) {
              const increase = ledger.increase(keyPrefix + field, intervalStartMs, value(interval));
              if (counting) entry[field] += increase;
            }
            WAIT_TIME_BUCKETS_SECONDS.forEach((bound, bucket) => {
              const count = interval.views.find((view) => view.name === waitViewName(bound))?.stats.count ?? 0;
              const increase = ledger.increase(`${keyPrefix}bucket${bucket}`, intervalStartMs, count);
              if (counting) entry.waitBuckets[bucket]! += increase;
            });
          }
        }
        // Media seen at the baseline get their series (at 0) from then on, so the first increase is
        // visible to rate()/increase(); a media type that first posts later starts with its first value.
        for (const queueId of queueBatches[index] ?? []) baselined.add(queueId);
      });
      ledger.forgetBefore(startMs);

      const failures = settled.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
      if (failures.length > 0) {
        throw new Error(`${failures.length} of ${settled.length} aggregate queries failed: ${String((failures[0]!.reason as Error)?.message ?? failures[0]!.reason)}`, {
          cause: failures[0]!.reason,
        });
      }
      return buildSnapshot(directory, totals, baselined);
    },
  };
}

function forgetRemovedQueues(directory: QueueDirectory, baselined: Set<string>, totals: Map<string, Totals>, ledger: IncreaseLedger): void {
  for (const queueId of baselined) {
    if (directory.get(queueId) !== undefined) continue;
    baselined.delete(queueId);
    ledger.forgetQueue(queueId);
    for (const key of totals.keys()) if (key.startsWith(`${queueId}\u0000`)) totals.delete(key);
  }
}

function buildSnapshot(directory: QueueDirectory, totals: ReadonlyMap<string, Totals>, baselined: ReadonlySet<string>) {
  const snapshot = new SnapshotBuilder();
  for (const [key, entry] of totals) {
    const [queueId = '', media = ''] = key.split('\u0000');
    const queue: ExportedQueue | undefined = directory.get(queueId);
    if (queue === undefined || !baselined.has(queueId)) continue;
    const labels = { queue_id: queue.id, queue_name: queue.name, media_type: media };
    snapshot.add('genesys_queue_offer_total', { labels, value: entry.offered });
    snapshot.add('genesys_queue_answered_total', { labels, value: entry.answered });
    snapshot.add('genesys_queue_abandoned_total', { labels, value: entry.abandoned });
    const slaSeconds = queue.serviceLevels.get(media as never)?.seconds;
    snapshot.add('genesys_queue_sla_breach_total', {
      labels: { ...labels, sla_target_seconds: slaSeconds === undefined ? '' : String(slaSeconds) },
      value: entry.overSla,
    });
    snapshot.add('genesys_queue_wait_time_seconds', { labels, bucketCounts: [...entry.waitBuckets], sum: entry.waitSumMs / 1000, count: entry.waitCount });
  }
  return snapshot.build();
}
