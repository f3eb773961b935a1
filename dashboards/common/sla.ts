// Service-level compliance: the rolling window, the colours, and the per-queue PromQL.
// Compliance = 1 - breaches / offers over the last 15 minutes (the seed's definition).

import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { increase, range, raw, sum, sumBy } from '../../metrics/promql.ts';
import type { Vector } from '../../metrics/promql.ts';
import { thresholds } from './panels.ts';
import { queueMediaSeries } from './queries.ts';
import type { QueueScope } from './queries.ts';

/** Rolling window of SLA compliance. Fixed by definition, so not $__rate_interval. */
export const SLA_WINDOW = '15m';

/** green ≥ 0.80, yellow 0.60–0.79, red < 0.60 (ratios: unit percentunit shows 1.0 as 100 %). */
export const SLA_COMPLIANCE_STEPS: readonly dashboard.Threshold[] = [
  { value: null, color: 'red' },
  { value: 0.6, color: 'yellow' },
  { value: 0.8, color: 'green' },
];

export function slaComplianceThresholds(): dashboard.ThresholdsConfigBuilder {
  return thresholds(SLA_COMPLIANCE_STEPS);
}

/** Contacts offered per queue in the SLA window. */
export function offersPerQueue(scope: QueueScope): Vector<'queue_name'> {
  return sumBy(['queue_name'], increase(range(queueMediaSeries('genesys_queue_offer_total', scope), SLA_WINDOW)));
}

/**
 * Breaches per queue in the SLA window. The breach counter has an extra label (sla_target_seconds), so it
 * is summed by the same labels as the offers before dividing. A queue whose breach counter does not exist
 * yet (no breach since the exporter started) has 0 breaches, not "no data": it takes 0 from its offers.
 */
export function breachesPerQueue(scope: QueueScope): Vector<'queue_name'> {
  const breaches = sumBy(['queue_name'], increase(range(queueMediaSeries('genesys_queue_sla_breach_total', scope), SLA_WINDOW)));
  return raw(`(${breaches} or (${offersPerQueue(scope)} * 0))`);
}

/**
 * 1 - breaches / offers per queue. `> 0` drops queues with no offers in the window: 0/0 must be "no data"
 * (a quiet queue is not 0 % compliant), and NaN must not reach the panel.
 */
export function slaCompliancePerQueue(scope: QueueScope): Vector<'queue_name'> {
  return raw(`1 - (${breachesPerQueue(scope)} / (${offersPerQueue(scope)} > 0))`);
}

/** Contacts offered to all queues in scope in the SLA window; `> 0` drops the point when none was offered. */
export function offersInWindowIfAny(scope: QueueScope): Vector<never> {
  return raw(`${sum(increase(range(queueMediaSeries('genesys_queue_offer_total', scope), SLA_WINDOW)))} > 0`);
}

/** Breaches over all queues in scope in the SLA window; 0 (from the offers) before any breach was counted. */
export function breachesInWindow(scope: QueueScope): Vector<never> {
  const breaches = sum(increase(range(queueMediaSeries('genesys_queue_sla_breach_total', scope), SLA_WINDOW)));
  const offers = sum(increase(range(queueMediaSeries('genesys_queue_offer_total', scope), SLA_WINDOW)));
  return raw(`${breaches} or (${offers} * 0)`);
}
