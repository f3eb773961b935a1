// Queue queries both queue dashboards use, parameterised by scope (the overview's selection or the
// detail's one queue), so the two dashboards cannot disagree about what "depth" or "p95" means.

import { aggregateBy, histogramQuantile, raw, range, rate, sum, sumBy } from '../../metrics/promql.ts';
import type { Vector } from '../../metrics/promql.ts';
import { RATE_INTERVAL, orZeroForListedQueues, queueMediaSeries, withoutNaN } from './queries.ts';
import type { QueueScope } from './queries.ts';

/** Contacts waiting per queue; a true 0 for a listed queue without the series (see orZeroForListedQueues). */
export function depthPerQueue(scope: QueueScope): Vector<'queue_name'> {
  return orZeroForListedQueues(sumBy(['queue_name'], queueMediaSeries('genesys_queue_depth', scope)), scope);
}

/** The oldest waiting contact's wait per queue, with the same zero rule as the depth (0 s: nobody waits). */
export function longestWaitPerQueue(scope: QueueScope): Vector<'queue_name'> {
  const longest = aggregateBy('max', ['queue_name'], queueMediaSeries('genesys_queue_longest_wait_seconds', scope));
  return orZeroForListedQueues(longest, scope);
}

export type QueueCounter = 'genesys_queue_offer_total' | 'genesys_queue_answered_total' | 'genesys_queue_abandoned_total';

/** Contacts per second over all queues in scope. */
export function contactsPerSecond(counter: QueueCounter, scope: QueueScope): Vector<never> {
  return sum(rate(range(queueMediaSeries(counter, scope), RATE_INTERVAL)));
}

/**
 * Wait-time quantile per queue from the histogram buckets. Windows in which no contact left the queue
 * give NaN, which is dropped: a gap, never 0 s (which would read as perfect service).
 */
export function waitQuantilePerQueue(quantile: number, scope: QueueScope): Vector<'queue_name'> {
  const buckets = rate(range(queueMediaSeries('genesys_queue_wait_time_seconds_bucket', scope), RATE_INTERVAL));
  return withoutNaN(histogramQuantile(quantile, sumBy(['le', 'queue_name'], buckets)));
}

/** The three traffic queries (offered, answered, abandoned per second), refIds named after them. */
export function trafficQueries(scope: QueueScope) {
  return [
    { refId: 'offered', expr: contactsPerSecond('genesys_queue_offer_total', scope), legend: 'offered' },
    { refId: 'answered', expr: contactsPerSecond('genesys_queue_answered_total', scope), legend: 'answered' },
    { refId: 'abandoned', expr: contactsPerSecond('genesys_queue_abandoned_total', scope), legend: 'abandoned' },
  ] as const;
}

/** Share of offered contacts that abandoned, per $__rate_interval; no offers → no point (not 0 %). */
export function abandonRatioPerQueue(scope: QueueScope): Vector<'queue_name'> {
  const perQueue = (counter: QueueCounter) => sumBy(['queue_name'], rate(range(queueMediaSeries(counter, scope), RATE_INTERVAL)));
  const offered = perQueue('genesys_queue_offer_total');
  return raw(`(${perQueue('genesys_queue_abandoned_total')} or (${offered} * 0)) / (${offered} > 0)`);
}
