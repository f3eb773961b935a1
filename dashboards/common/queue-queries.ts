// Queue queries both queue dashboards use, parameterised by scope (the overview's selection or the
// detail's one queue), so the two dashboards cannot disagree about what "depth" or "p95" means.

import { abandonRate, type Growth } from '../../metrics/kpis.ts';
import { aggregateBy, histogramQuantile, raw, range, rate, sum, sumBy } from '../../metrics/promql.ts';
import type { Vector } from '../../metrics/promql.ts';
import { RATE_INTERVAL, orZeroForListedQueues, queueMediaSeries, withoutNaN, zeroForListedQueues } from './queries.ts';
import type { QueueScope } from './queries.ts';

/** Series of one queue and media type: what panels that must not add media types up group by. */
export type QueueMedia = 'queue_name' | 'media_type';
export const QUEUE_MEDIA: readonly QueueMedia[] = ['queue_name', 'media_type'];
/** The legend of a series per queue and media type. */
export const QUEUE_MEDIA_LEGEND = '{{queue_name}} ({{media_type}})';

/** Contacts waiting per queue; a true 0 for a listed queue without the series (see orZeroForListedQueues). */
export function depthPerQueue(scope: QueueScope): Vector<'queue_name'> {
  return orZeroForListedQueues(sumBy(['queue_name'], queueMediaSeries('genesys_queue_depth', scope)), scope);
}

/** The oldest waiting contact's wait per queue and media type (an email waiting an hour is no reason to colour a
 * voice queue red), with the same zero rule as the depth (0 s: nobody waits); a listed queue without any series
 * reads 0 without a media type. */
export function longestWaitPerQueue(scope: QueueScope): Vector<QueueMedia> {
  const longest = aggregateBy('max', QUEUE_MEDIA, queueMediaSeries('genesys_queue_longest_wait_seconds', scope));
  return raw(`${longest} or on(queue_name) ${zeroForListedQueues(scope)}`);
}

export type QueueCounter =
  | 'genesys_queue_offer_total'
  | 'genesys_queue_answered_total'
  | 'genesys_queue_abandoned_total'
  | 'genesys_queue_blind_transferred_total'
  | 'genesys_queue_consult_transferred_total'
  | 'genesys_queue_flow_out_total'
  | 'genesys_queue_short_abandoned_total';

/** Contacts per second over all queues in scope. */
export function contactsPerSecond(counter: QueueCounter, scope: QueueScope): Vector<never> {
  return sum(rate(range(queueMediaSeries(counter, scope), RATE_INTERVAL)));
}

/**
 * Wait-time quantile per queue and media type from the histogram buckets (one percentile over calls and emails
 * together would describe neither). Windows in which no contact left the queue give NaN, which is dropped: a
 * gap, never 0 s (which would read as perfect service).
 */
export function waitQuantilePerQueue(quantile: number, scope: QueueScope): Vector<QueueMedia> {
  const buckets = rate(range(queueMediaSeries('genesys_queue_wait_time_seconds_bucket', scope), RATE_INTERVAL));
  return withoutNaN(histogramQuantile(quantile, sumBy(['le', ...QUEUE_MEDIA], buckets)));
}

/** The three traffic queries (offered, answered, abandoned per second), refIds named after them. */
export function trafficQueries(scope: QueueScope) {
  return [
    { refId: 'offered', expr: contactsPerSecond('genesys_queue_offer_total', scope), legend: 'offered' },
    { refId: 'answered', expr: contactsPerSecond('genesys_queue_answered_total', scope), legend: 'answered' },
    { refId: 'abandoned', expr: contactsPerSecond('genesys_queue_abandoned_total', scope), legend: 'abandoned' },
  ] as const;
}

/** Growth per $__rate_interval of the KPIs' series (metrics/kpis.ts), per queue and media type. */
export function perQueueAndMedia(scope: QueueScope): Growth<QueueMedia> {
  return (name) => sumBy(QUEUE_MEDIA, rate(range(queueMediaSeries(name, scope), RATE_INTERVAL)));
}

/** The abandon rate KPI (metrics/kpis.ts: short abandons left out) per queue and media type over
 * $__rate_interval; no offers → no point (not 0 %). */
export function abandonRatioPerQueue(scope: QueueScope): Vector<QueueMedia> {
  return abandonRate(perQueueAndMedia(scope));
}
