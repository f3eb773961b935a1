// Alerts about the contact center itself, one per queue (labels QUEUE_KEY): they carry `queue_name`, which
// Alertmanager groups by and which the exporter-down inhibit rule matches on.

import { type AlertingRule, type RuleSource, sourceModule } from '../generator/contract.ts';
import { aggregateBy, raw, series, sumBy, type Vector } from '../metrics/promql.ts';
import { MEDIA_TYPES, type MediaType, routingStatusLabel } from '../metrics/vocabulary.ts';
import { SLA_WINDOW_MINUTES, WAIT_RATE_WINDOW_MINUTES } from '../metrics/kpis.ts';
import { parseDurationMs } from '../config/duration.ts';
import { type AlertsConfig, type Duration, type PerMedia, queueDepthOverrides } from './config.ts';
import { alertingRule, on, QUEUE_KEY, QUEUE_MEDIA_KEY } from './conventions.ts';
import { RECORDED, recorded } from './recording-rules.ts';
import { contactKpiAlerts } from './contact-kpi-alerts.ts';

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

type QueueMediaLabel = (typeof QUEUE_MEDIA_KEY)[number];

/**
 * A limit per queue and media type: `factor` × the queue's own service-level time for the media type where
 * Genesys has one (> 0), else the media type's default. `like(media)` is any vector with exactly the
 * QUEUE_MEDIA_KEY labels, restricted to one media type: the defaults take their label sets from it.
 */
function limitPerQueueMedia(
  job: string,
  factor: number,
  defaults: PerMedia<number>,
  like: (media: MediaType) => Vector<QueueMediaLabel>,
): Vector<QueueMediaLabel> {
  const target = aggregateBy('max', QUEUE_MEDIA_KEY, series('genesys_queue_sla_target_seconds', { job }));
  const fallbacks = MEDIA_TYPES.map((media) => `(0 * ${like(media)} + ${defaults[media]})`);
  return raw(`((${factor} * (${target} > 0)) or ${fallbacks.join(' or ')})`);
}

/** "voice 120 s, chat 300 s, …" for descriptions. */
const perMediaText = (values: PerMedia<number>): string => MEDIA_TYPES.map((media) => `${media} ${values[media]} s`).join(', ');

function rules(config: AlertsConfig): AlertingRule[] {
  const { job } = config.selectors;
  const { QueueDepthCritical, WaitTimeDegradation, QueueSlaBelowTarget, QueueNoAvailableAgents } = config.rules;
  const keepFiringFor = queueKeepFiringFor(config);
  // Depth over all media types of the queue, as the overview panel shows it.
  const waiting = sumBy(QUEUE_KEY, series('genesys_queue_depth', { job }));
  // Per-queue limits: the first matching pattern's, else the default (an `or` keeps the left side's series).
  const depthOverrides = queueDepthOverrides(config);
  const depthLimitOverrides = depthOverrides.map(
    ({ queueNamePattern, maxWaiting }) =>
      `(0 * ${sumBy(QUEUE_KEY, series('genesys_queue_depth', { job, queue_name: { re: queueNamePattern } }))} + ${maxWaiting})`,
  );
  const depthLimit =
    depthOverrides.length === 0
      ? `${QueueDepthCritical.maxWaiting}`
      : `${on(QUEUE_KEY)} (${[...depthLimitOverrides, `(0 * ${waiting} + ${QueueDepthCritical.maxWaiting})`].join(' or ')})`;
  const depthThresholdText =
    depthOverrides.length === 0
      ? `${QueueDepthCritical.maxWaiting}`
      : `${QueueDepthCritical.maxWaiting}, or ${depthOverrides.map((o) => `${o.maxWaiting} for queues matching ${o.queueNamePattern}`).join(', ')}`;
  const waitingPerMedia = (media?: MediaType) => sumBy(QUEUE_MEDIA_KEY, series('genesys_queue_depth', { job, media_type: media }));
  const longestWait = (media?: MediaType) => aggregateBy('max', QUEUE_MEDIA_KEY, series('genesys_queue_longest_wait_seconds', { job, media_type: media }));
  const p95 = (media?: MediaType) =>
    raw<QueueMediaLabel>(media === undefined ? RECORDED.waitTimeP95.name : `${RECORDED.waitTimeP95.name}{media_type="${media}"}`);
  const p95Limit = limitPerQueueMedia(job, WaitTimeDegradation.slaTargetFactor, WaitTimeDegradation.maxP95WaitSeconds, p95);
  const longestWaitLimit = limitPerQueueMedia(job, 1, QueueNoAvailableAgents.maxLongestWaitSeconds, longestWait);
  const idleAgents = sumBy(QUEUE_KEY, series('genesys_queue_agents', { job, routing_status: routingStatusLabel('IDLE') }));
  const slaTarget = aggregateBy('max', QUEUE_MEDIA_KEY, series('genesys_queue_sla_target_ratio', { job }));
  const compliance = recorded(RECORDED.slaCompliance15m);
  const offers = recorded(RECORDED.offers15m);

  return [
    alertingRule(config, {
      alert: 'QueueDepthCritical',
      expr: raw(`${waiting} > ${depthLimit}`),
      severity: 'critical',
      summary:
        depthOverrides.length === 0
          ? `Queue {{ $labels.queue_name }} has more than ${QueueDepthCritical.maxWaiting} contacts waiting`
          : 'Queue {{ $labels.queue_name }} has more contacts waiting than its limit',
      description: `{{ $value }} contacts are waiting in queue {{ $labels.queue_name }} (threshold ${depthThresholdText}) for at least ${QueueDepthCritical.for}.`,
      keepFiringFor,
      dashboard: { key: 'queueDetail', perQueue: true },
    }),
    alertingRule(config, {
      alert: 'WaitTimeDegradation',
      expr: raw(`${p95()} > ${on(QUEUE_MEDIA_KEY)} ${p95Limit}`),
      severity: 'warning',
      summary: 'Queue {{ $labels.queue_name }} ({{ $labels.media_type }}): p95 wait above its limit',
      description:
        `95 % of {{ $labels.media_type }} contacts in queue {{ $labels.queue_name }} waited up to {{ $value | printf "%.0f" }} s ` +
        `over the last ${WAIT_RATE_WINDOW_MINUTES} minutes, above ${WaitTimeDegradation.slaTargetFactor} × the queue's ` +
        `service-level time for {{ $labels.media_type }} (without one: ${perMediaText(WaitTimeDegradation.maxP95WaitSeconds)}), ` +
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
      // Per media type: the oldest waiting contact must be past its target, so a backlog of emails well
      // inside their hours-long target does not page while every agent is on calls.
      expr: raw(
        `(${waitingPerMedia()} >= ${QueueNoAvailableAgents.minWaiting} unless ${on(QUEUE_KEY)} ${idleAgents} > 0) ` +
          `and ${on(QUEUE_MEDIA_KEY)} (${longestWait()} > ${on(QUEUE_MEDIA_KEY)} ${longestWaitLimit})`,
      ),
      severity: 'warning',
      summary: 'Queue {{ $labels.queue_name }} ({{ $labels.media_type }}) has contacts waiting past their target and no available agent',
      description:
        '{{ $value }} {{ $labels.media_type }} contacts are waiting in queue {{ $labels.queue_name }}, the oldest longer than ' +
        `the queue's service-level time for {{ $labels.media_type }} (without one: ${perMediaText(QueueNoAvailableAgents.maxLongestWaitSeconds)}), ` +
        `and none of its agents has been idle (available) for at least ${QueueNoAvailableAgents.for}.`,
      keepFiringFor,
      dashboard: { key: 'queueDetail', perQueue: true },
    }),
    // Contact KPI alerts, off by default (alerts/contact-kpi-alerts.ts).
    ...contactKpiAlerts(config, keepFiringFor),
  ];
}

export function queueAlerts(config: AlertsConfig): RuleSource<AlertingRule> {
  return { module: MODULE, groups: [{ name: 'genesys-queue-alerts', rules: rules(config) }] };
}
