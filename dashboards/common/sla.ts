// Service-level compliance on the dashboards: the colours, and the dashboards' selections (Grafana
// variables) fed to the one definition in metrics/kpis.ts that the recording rules use too.

import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { breachesOrZero, offersIfAny, overSlaWindow, slaCompliance } from '../../metrics/kpis.ts';
import { sum, sumBy } from '../../metrics/promql.ts';
import type { Vector } from '../../metrics/promql.ts';
import { thresholds } from './panels.ts';
import { queueMediaSeries } from './queries.ts';
import { QUEUE_MEDIA, type QueueMedia } from './queue-queries.ts';
import type { QueueScope } from './queries.ts';

/** green ≥ 0.80, yellow 0.60–0.79, red < 0.60 (ratios: unit percentunit shows 1.0 as 100 %). */
export const SLA_COMPLIANCE_STEPS: readonly dashboard.Threshold[] = [
  { value: null, color: 'red' },
  { value: 0.6, color: 'yellow' },
  { value: 0.8, color: 'green' },
];

export function slaComplianceThresholds(): dashboard.ThresholdsConfigBuilder {
  return thresholds(SLA_COMPLIANCE_STEPS);
}

/** Contacts offered per queue and media type in the SLA window. */
function offersPerQueue(scope: QueueScope): Vector<QueueMedia> {
  return sumBy(QUEUE_MEDIA, overSlaWindow(queueMediaSeries('genesys_queue_offer_total', scope)));
}

/** Breaches per queue and media type in the SLA window (the breach counter's extra sla_target_seconds summed away). */
function breachesPerQueue(scope: QueueScope): Vector<QueueMedia> {
  return sumBy(QUEUE_MEDIA, overSlaWindow(queueMediaSeries('genesys_queue_sla_breach_total', scope)));
}

/** SLA compliance per queue and media type (metrics/kpis.ts), as the alert judges it: each media type has its own
 * target, so a queue's calls and emails are not averaged. No value for a queue and media type with no offers in
 * the window. */
export function slaCompliancePerQueue(scope: QueueScope): Vector<QueueMedia> {
  return slaCompliance(breachesPerQueue(scope), offersPerQueue(scope));
}

const offersInScope = (scope: QueueScope) => sum(overSlaWindow(queueMediaSeries('genesys_queue_offer_total', scope)));

/** Contacts offered to all queues in scope in the SLA window; no point when none was offered. The
 * overview's SLA stat divides by it in Grafana (its transformations), so 0/0 never reaches the panel. */
export function offersInWindowIfAny(scope: QueueScope): Vector<never> {
  return offersIfAny(offersInScope(scope));
}

/** Breaches over all queues in scope in the SLA window; 0 (from the offers) before any breach was counted. */
export function breachesInWindow(scope: QueueScope): Vector<never> {
  return breachesOrZero(sum(overSlaWindow(queueMediaSeries('genesys_queue_sla_breach_total', scope))), offersInScope(scope));
}
