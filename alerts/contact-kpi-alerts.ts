// Queue alerts on the contact KPIs and on presence, both off by default (`enabled` in their settings): what
// abandon rate a center accepts, and whether a queue may be left without anyone on queue, differ too much
// between teams for one default to page anyone. A team turns them on in the alerts config, e.g.
// `{ rules: { QueueAbandonRateHigh: { enabled: true, maxAbandonRatio: 0.08 } } }`. Both are warnings, so
// Alertmanager delivers them only in opening hours (alerts/alertmanager.ts).

import type { AlertingRule } from '../generator/contract.ts';
import { abandonRate, offersCountedForAbandonRate, type Growth } from '../metrics/kpis.ts';
import { increase, range, raw, series, sumBy } from '../metrics/promql.ts';
import type { AlertsConfig, Duration } from './config.ts';
import { alertingRule, on, QUEUE_KEY, QUEUE_MEDIA_KEY } from './conventions.ts';

type QueueMediaLabel = (typeof QUEUE_MEDIA_KEY)[number];

/** 0.07 → 7 (not 7.000000000000001). */
const percent = (ratio: number): number => Number((ratio * 100).toFixed(4));

export function contactKpiAlerts(config: AlertsConfig, keepFiringFor: Duration): AlertingRule[] {
  const { job } = config.selectors;
  const { QueueAbandonRateHigh, QueueNoMembersOnQueue } = config.rules;
  const rules: AlertingRule[] = [];

  if (QueueAbandonRateHigh.enabled) {
    // The abandon rate of metrics/kpis.ts (the one the dashboards show), over the alert's window, per queue and
    // media type: an email queue's abandons do not hide behind its calls, or the other way round.
    const growth: Growth<QueueMediaLabel> = (name) => sumBy(QUEUE_MEDIA_KEY, increase(range(series(name, { job }), QueueAbandonRateHigh.window)));
    const offers = offersCountedForAbandonRate(growth);
    rules.push(
      alertingRule(config, {
        alert: 'QueueAbandonRateHigh',
        // A rate on a handful of offers is noise: minOffers (short abandons not counted) must have come in.
        expr: raw(`${abandonRate(growth)} > ${QueueAbandonRateHigh.maxAbandonRatio} and ${on(QUEUE_MEDIA_KEY)} ${offers} >= ${QueueAbandonRateHigh.minOffers}`),
        severity: 'warning',
        summary: 'Queue {{ $labels.queue_name }} ({{ $labels.media_type }}): abandon rate above its limit',
        description:
          '{{ $value | humanizePercentage }} of {{ $labels.media_type }} contacts offered to queue {{ $labels.queue_name }} ' +
          `in the last ${QueueAbandonRateHigh.window} hung up before an answer (short abandons left out), above ` +
          `${percent(QueueAbandonRateHigh.maxAbandonRatio)} % with at least ${QueueAbandonRateHigh.minOffers} offers, for at least ${QueueAbandonRateHigh.for}.`,
        keepFiringFor,
        dashboard: { key: 'queueDetail', perQueue: true },
      }),
    );
  }

  if (QueueNoMembersOnQueue.enabled) {
    // Presence, not membership: members logged off (offline) are not capacity anyone expects, so a closed center
    // (everyone offline) stays quiet, while a floor where everyone is on break, meal or training fires.
    const byPresence = (presence: { readonly ne: string } | string) => sumBy(QUEUE_KEY, series('genesys_queue_members_by_presence', { job, presence }));
    rules.push(
      alertingRule(config, {
        alert: 'QueueNoMembersOnQueue',
        // `unless … > 0` rather than `== 0`: a presence nobody is in may have no series.
        expr: raw(`${byPresence({ ne: 'offline' })} >= ${QueueNoMembersOnQueue.minPresent} unless ${on(QUEUE_KEY)} ${byPresence('on_queue')} > 0`),
        severity: 'warning',
        summary: 'Queue {{ $labels.queue_name }} has members logged in but none on queue',
        description:
          '{{ $value }} members of queue {{ $labels.queue_name }} are logged in (break, meal, training, meeting, away, …) but none ' +
          `has been on queue for at least ${QueueNoMembersOnQueue.for}: contacts of the queue wait for agents of other queues, if any.`,
        keepFiringFor,
        dashboard: { key: 'queueDetail', perQueue: true },
      }),
    );
  }
  return rules;
}
