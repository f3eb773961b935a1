// Alerts about the contact center itself, one per queue (labels QUEUE_KEY): they carry `queue_name`, which
// Alertmanager groups by and which the exporter-down inhibit rule matches on.

import { type AlertingRule, type RuleSource, sourceModule } from '../generator/contract.ts';
import { aggregateBy, raw, series, sumBy } from '../metrics/promql.ts';
import { routingStatusLabel } from '../metrics/vocabulary.ts';
import { SLA_WINDOW_MINUTES, WAIT_RATE_WINDOW_MINUTES } from '../metrics/kpis.ts';
import { parseDurationMs } from '../config/duration.ts';
import type { AlertsConfig, Duration } from './config.ts';
import { alertingRule, on, QUEUE_KEY, QUEUE_MEDIA_KEY } from './conventions.ts';
import { RECORDED, recorded } from './recording-rules.ts';

const MODULE = sourceModule(import.meta.url);

/** From the exporter-down alert's `for` ending to Alertmanager inhibiting the queue alerts: one rule
 * evaluation (15 s in the generated Prometheus config) and the delivery of the alert, with room to spare. */
export const EXPORTER_DOWN_MARGIN = '1m';

/**
 * The queue alerts' keep_firing_for, refused when it would end before GenesysExporterDown can have fired:
 * then a dead exporter would resolve every live queue alert ([RESOLVED] to PagerDuty) with nothing paging.
 */
export function queueKeepFiringFor(config: AlertsConfig): Duration {
  const keep = parseDurationMs(config.queueAlertsKeepFiringFor) ?? 0;
  const down = parseDurationMs(config.rules.GenesysExporterDown.for) ?? 0;
  if (keep < down + (parseDurationMs(EXPORTER_DOWN_MARGIN) ?? 0)) {
    throw new Error(
      `alerts config: queueAlertsKeepFiringFor (${config.queueAlertsKeepFiringFor}) must be at least ` +
        `rules.GenesysExporterDown.for (${config.rules.GenesysExporterDown.for}) + ${EXPORTER_DOWN_MARGIN}: otherwise the queue ` +
        'alerts resolve when the exporter dies, before the exporter-down page inhibits them. Raise ' +
        'queueAlertsKeepFiringFor or shorten GenesysExporterDown.for.',
    );
  }
  return config.queueAlertsKeepFiringFor;
}

function rules(config: AlertsConfig): AlertingRule[] {
  const { job } = config.selectors;
  const { QueueDepthCritical, WaitTimeDegradation, QueueSlaBelowTarget, QueueNoAvailableAgents } = config.rules;
  const keepFiringFor = queueKeepFiringFor(config);
  // Depth over all media types of the queue, as the overview panel shows it.
  const waiting = sumBy(QUEUE_KEY, series('genesys_queue_depth', { job }));
  const idleAgents = sumBy(QUEUE_KEY, series('genesys_queue_agents', { job, routing_status: routingStatusLabel('IDLE') }));
  const slaTarget = aggregateBy('max', QUEUE_MEDIA_KEY, series('genesys_queue_sla_target_ratio', { job }));
  const compliance = recorded(RECORDED.slaCompliance15m);
  const offers = recorded(RECORDED.offers15m);

  return [
    alertingRule(config, {
      alert: 'QueueDepthCritical',
      expr: raw(`${waiting} > ${QueueDepthCritical.maxWaiting}`),
      severity: 'critical',
      summary: `Queue {{ $labels.queue_name }} has more than ${QueueDepthCritical.maxWaiting} contacts waiting`,
      description:
        `{{ $value }} contacts are waiting in queue {{ $labels.queue_name }} ` +
        `(threshold ${QueueDepthCritical.maxWaiting}) for at least ${QueueDepthCritical.for}.`,
      keepFiringFor,
      dashboard: { key: 'queueDetail', perQueue: true },
    }),
    alertingRule(config, {
      alert: 'WaitTimeDegradation',
      expr: raw(`${recorded(RECORDED.waitTimeP95)} > ${WaitTimeDegradation.maxP95WaitSeconds}`),
      severity: 'warning',
      summary: `Queue {{ $labels.queue_name }}: p95 wait above ${WaitTimeDegradation.maxP95WaitSeconds} s`,
      description:
        `95 % of contacts in queue {{ $labels.queue_name }} waited up to {{ $value | printf "%.0f" }} s ` +
        `over the last ${WAIT_RATE_WINDOW_MINUTES} minutes (threshold ${WaitTimeDegradation.maxP95WaitSeconds} s) ` +
        `for at least ${WaitTimeDegradation.for}.`,
      keepFiringFor,
      dashboard: { key: 'queueDetail', perQueue: true },
    }),
    alertingRule(config, {
      alert: 'QueueSlaBelowTarget',
      // The recorded compliance is absent for a queue without offers, and minOffers keeps a handful of
      // contacts from paging anyone: a quiet queue never fires.
      expr: raw(`(${compliance} < ${on(QUEUE_MEDIA_KEY)} ${slaTarget}) ` + `and ${on(QUEUE_MEDIA_KEY)} (${offers} >= ${QueueSlaBelowTarget.minOffers})`),
      severity: 'warning',
      summary: 'Queue {{ $labels.queue_name }} ({{ $labels.media_type }}) is below its SLA target',
      description:
        'Only {{ $value | humanizePercentage }} of {{ $labels.media_type }} contacts offered to queue ' +
        `{{ $labels.queue_name }} in the last ${SLA_WINDOW_MINUTES} minutes were answered within the queue's service-level time, ` +
        `below the queue's own target, for at least ${QueueSlaBelowTarget.for}.`,
      keepFiringFor,
      dashboard: { key: 'queueDetail', perQueue: true },
    }),
    alertingRule(config, {
      alert: 'QueueNoAvailableAgents',
      // `unless … > 0` rather than `== 0`: Genesys may leave out a routing status no agent is in, so a
      // missing idle series must count as no idle agent.
      expr: raw(`${waiting} >= ${QueueNoAvailableAgents.minWaiting} unless ${on(QUEUE_KEY)} ${idleAgents} > 0`),
      severity: 'warning',
      summary: 'Queue {{ $labels.queue_name }} has contacts waiting and no available agent',
      description:
        '{{ $value }} contacts are waiting in queue {{ $labels.queue_name }} and none of its agents has been ' +
        `idle (available) for at least ${QueueNoAvailableAgents.for}.`,
      keepFiringFor,
      dashboard: { key: 'queueDetail', perQueue: true },
    }),
  ];
}

export function queueAlerts(config: AlertsConfig): RuleSource<AlertingRule> {
  return { module: MODULE, groups: [{ name: 'genesys-queue-alerts', rules: rules(config) }] };
}
