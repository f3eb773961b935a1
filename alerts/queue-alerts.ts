// Alerts about the contact center itself, one per queue (labels QUEUE_KEY): they carry `queue_name`, which
// Alertmanager groups by and which the exporter-down inhibit rule matches on.

import { type AlertingRule, type RuleSource, sourceModule } from '../generator/contract.ts';
import { aggregateBy, raw, series, sumBy, type Vector } from '../metrics/promql.ts';
import { MEDIA_TYPES, type MediaType, routingStatusLabel } from '../metrics/vocabulary.ts';
import { WAIT_TIME_BUCKETS_SECONDS } from '../metrics/catalog.ts';
import { SLA_WINDOW_MINUTES, WAIT_RATE_WINDOW_MINUTES } from '../metrics/kpis.ts';
import { parseDurationMs } from '../config/duration.ts';
import { type AlertsConfig, type Duration, type PerMedia, type QueueOverride, type QueueValue, queueValues } from './config.ts';
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

/** The histogram's top bound: histogram_quantile reads a quantile in the +Inf bucket as this bound, so a p95
 * limit at or above it could never be exceeded. */
const TOP_WAIT_BOUND_SECONDS: number = WAIT_TIME_BUCKETS_SECONDS[WAIT_TIME_BUCKETS_SECONDS.length - 1] ?? Number.POSITIVE_INFINITY;

/** Refuses a p95 limit the histogram cannot measure past (`key` names it in the config). */
function measurableP95Limit(key: string, seconds: number): void {
  if (seconds >= TOP_WAIT_BOUND_SECONDS) {
    throw new Error(
      `alerts config: ${key}: ${seconds} s is not below the wait histogram's top bound (${TOP_WAIT_BOUND_SECONDS} s, ` +
        'metrics/catalog.ts WAIT_TIME_BUCKETS_SECONDS): a p95 beyond the top bound reads as the bound, so the alert ' +
        `could never fire. Use a limit under ${TOP_WAIT_BOUND_SECONDS} s.`,
    );
  }
}

/** genesys_queue_info's labels that every queue series shares: a division override joins on them. */
const QUEUE_INFO_JOIN = ['cluster', 'job', 'queue_id'] as const;

/** The label sets a limit takes: a vector with the rule's labels, narrowed to queue names matching `queueName`
 * (a regular expression) when given. */
type Like<L extends string> = (queueName?: string) => Vector<L>;

/** A limit as the rule compares with it: a plain number when no queue has its own, else a vector per queue. */
interface Limit {
  readonly text: string;
  readonly perQueue: boolean;
}

/** The per-queue values and the default of one setting on `like`'s label sets, as an `or` chain: each
 * override's value where its queues are (first match first: `or` keeps the left side's series), then the
 * default everywhere else. */
function limitVector<L extends string>(job: string, values: readonly QueueValue<number>[], fallback: number, like: Like<L>): string {
  const everywhere = `(0 * ${like().text} + ${fallback})`;
  if (values.length === 0) return everywhere;
  const where = ({ match }: QueueValue<number>): string =>
    match.label === 'queue_name'
      ? like(match.pattern).text
      : `(${like().text} and ${on(QUEUE_INFO_JOIN)} ${series('genesys_queue_info', { job, division_name: { re: match.pattern } })})`;
  return `(${[...values.map((v) => `(0 * ${where(v)} + ${v.value})`), everywhere].join(' or ')})`;
}

/** A setting's limit: the plain default while no queue overrides it, so the rule stays as simple as before. */
function queueLimit<L extends string>(job: string, values: readonly QueueValue<number>[], fallback: number, like: Like<L>): Limit {
  return values.length === 0 ? { text: `${fallback}`, perQueue: false } : { text: limitVector(job, values, fallback, like), perQueue: true };
}

/** The right-hand side of a comparison with a limit, matched on `labels` when the limit is per queue. */
const against = (labels: readonly string[], limit: Limit): string => (limit.perQueue ? `${on(labels)} ${limit.text}` : limit.text);

/**
 * A limit per queue and media type: `factor` × the queue's own service-level time for the media type where
 * Genesys has one (> 0), else the media type's default. `like(media, queueName)` is any vector with exactly
 * the QUEUE_MEDIA_KEY labels, restricted to one media type: the defaults take their label sets from it.
 * Factors and defaults can be set per queue.
 */
function limitPerQueueMedia(
  job: string,
  factor: { readonly values: readonly QueueValue<number>[]; readonly fallback: number },
  defaults: { readonly [M in MediaType]: { readonly values: readonly QueueValue<number>[]; readonly fallback: number } },
  like: (media: MediaType, queueName?: string) => Vector<QueueMediaLabel>,
): Vector<QueueMediaLabel> {
  const target = (queueName?: string) =>
    aggregateBy(
      'max',
      QUEUE_MEDIA_KEY,
      series('genesys_queue_sla_target_seconds', { job, queue_name: queueName === undefined ? undefined : { re: queueName } }),
    );
  const factorLimit = queueLimit(job, factor.values, factor.fallback, target);
  const relative = `(${factorLimit.text} * ${factorLimit.perQueue ? `${on(QUEUE_MEDIA_KEY)} ` : ''}(${target()} > 0))`;
  const fallbacks = MEDIA_TYPES.map((media) => limitVector(job, defaults[media].values, defaults[media].fallback, (queueName) => like(media, queueName)));
  return raw(`(${relative} or ${fallbacks.join(' or ')})`);
}

/** "voice 120 s, chat 300 s, …" for descriptions. */
const perMediaText = (values: PerMedia<number>): string => MEDIA_TYPES.map((media) => `${media} ${values[media]} s`).join(', ');

/** Where per-queue values apply, for descriptions: "10 for queues matching VIP .*, 20 in divisions matching Premium". */
const queueValuesText = (values: readonly QueueValue<number>[], unit = ''): string =>
  values
    .map((v) => `${v.value}${unit} ${v.match.label === 'queue_name' ? 'for queues matching' : 'for queues in divisions matching'} ${v.match.pattern}`)
    .join(', ');

/** A sentence listing an alert's per-queue limits, or nothing without any (the defaults' text stays as it was). */
function queueLimitsSentence(settings: readonly { readonly name: string; readonly values: readonly QueueValue<number>[]; readonly unit?: string }[]): string {
  const parts = settings.filter((s) => s.values.length > 0).map((s) => `${s.name} ${queueValuesText(s.values, s.unit)}`);
  return parts.length === 0 ? '' : ` Queue-specific limits: ${parts.join('; ')}.`;
}

/** A recorded series' selector, optionally narrowed to one media type and to queue names matching a pattern. */
function recordedWhere<L extends string>(name: string, media?: MediaType, queueName?: string): Vector<L> {
  const matchers = [
    ...(media === undefined ? [] : [`media_type=${JSON.stringify(media)}`]),
    ...(queueName === undefined ? [] : [`queue_name=~${JSON.stringify(queueName)}`]),
  ];
  return raw<L>(matchers.length === 0 ? name : `${name}{${matchers.join(', ')}}`);
}

function rules(config: AlertsConfig): AlertingRule[] {
  const { job } = config.selectors;
  const { QueueDepthCritical, WaitTimeDegradation, QueueSlaBelowTarget, QueueNoAvailableAgents } = config.rules;
  const keepFiringFor = queueKeepFiringFor(config);
  const re = (queueName?: string) => (queueName === undefined ? undefined : { re: queueName });
  const perMediaValues = (read: (override: QueueOverride, media: MediaType) => number | undefined, path: readonly string[], fallbacks: PerMedia<number>) =>
    Object.fromEntries(
      MEDIA_TYPES.map((media) => [media, { values: queueValues(config, (o) => read(o, media), [...path, media]), fallback: fallbacks[media] }]),
    ) as { readonly [M in MediaType]: { readonly values: QueueValue<number>[]; readonly fallback: number } };

  // Depth over all media types of the queue, as the overview panel shows it.
  const waitingLike = (queueName?: string) => sumBy(QUEUE_KEY, series('genesys_queue_depth', { job, queue_name: re(queueName) }));
  const waiting = waitingLike();
  const depthValues = queueValues(config, (o) => o.QueueDepthCritical?.maxWaiting, ['QueueDepthCritical', 'maxWaiting']);
  const depthLimit = queueLimit(job, depthValues, QueueDepthCritical.maxWaiting, waitingLike);
  const depthThresholdText =
    depthValues.length === 0 ? `${QueueDepthCritical.maxWaiting}` : `${QueueDepthCritical.maxWaiting}, or ${queueValuesText(depthValues)}`;

  const waitingPerMedia = (media?: MediaType, queueName?: string) =>
    sumBy(QUEUE_MEDIA_KEY, series('genesys_queue_depth', { job, media_type: media, queue_name: re(queueName) }));
  const longestWait = (media?: MediaType, queueName?: string) =>
    aggregateBy('max', QUEUE_MEDIA_KEY, series('genesys_queue_longest_wait_seconds', { job, media_type: media, queue_name: re(queueName) }));
  const p95 = (media?: MediaType, queueName?: string) => recordedWhere<QueueMediaLabel>(RECORDED.waitTimeP95.name, media, queueName);

  const factorValues = queueValues(config, (o) => o.WaitTimeDegradation?.slaTargetFactor, ['WaitTimeDegradation', 'slaTargetFactor']);
  const p95Defaults = perMediaValues(
    (o, media) => o.WaitTimeDegradation?.maxP95WaitSeconds?.[media],
    ['WaitTimeDegradation', 'maxP95WaitSeconds'],
    WaitTimeDegradation.maxP95WaitSeconds,
  );
  for (const media of MEDIA_TYPES) {
    measurableP95Limit(`rules.WaitTimeDegradation.maxP95WaitSeconds.${media}`, p95Defaults[media].fallback);
    for (const v of p95Defaults[media].values) measurableP95Limit(v.key, v.value);
  }
  const p95Limit = limitPerQueueMedia(job, { values: factorValues, fallback: WaitTimeDegradation.slaTargetFactor }, p95Defaults, p95);

  const longestWaitDefaults = perMediaValues(
    (o, media) => o.QueueNoAvailableAgents?.maxLongestWaitSeconds?.[media],
    ['QueueNoAvailableAgents', 'maxLongestWaitSeconds'],
    QueueNoAvailableAgents.maxLongestWaitSeconds,
  );
  const longestWaitLimit = limitPerQueueMedia(job, { values: [], fallback: 1 }, longestWaitDefaults, longestWait);
  const minWaitingValues = queueValues(config, (o) => o.QueueNoAvailableAgents?.minWaiting, ['QueueNoAvailableAgents', 'minWaiting']);
  const minWaiting = queueLimit(job, minWaitingValues, QueueNoAvailableAgents.minWaiting, (queueName) => waitingPerMedia(undefined, queueName));

  const idleAgents = sumBy(QUEUE_KEY, series('genesys_queue_agents', { job, routing_status: routingStatusLabel('IDLE') }));
  const slaTarget = aggregateBy('max', QUEUE_MEDIA_KEY, series('genesys_queue_sla_target_ratio', { job }));
  const compliance = recorded(RECORDED.slaCompliance15m);
  const offers = recorded(RECORDED.offers15m);
  const minOffersValues = queueValues(config, (o) => o.QueueSlaBelowTarget?.minOffers, ['QueueSlaBelowTarget', 'minOffers']);
  const minOffers = queueLimit(job, minOffersValues, QueueSlaBelowTarget.minOffers, (queueName) =>
    recordedWhere<QueueMediaLabel>(RECORDED.offers15m.name, undefined, queueName),
  );
  const perMediaSettings = (name: string, values: { readonly [M in MediaType]: { readonly values: readonly QueueValue<number>[] } }) =>
    MEDIA_TYPES.map((media) => ({ name: `${name}.${media}`, values: values[media].values, unit: ' s' }));

  return [
    alertingRule(config, {
      alert: 'QueueDepthCritical',
      expr: raw(`${waiting} > ${against(QUEUE_KEY, depthLimit)}`),
      severity: 'critical',
      summary:
        depthValues.length === 0
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
        `for at least ${WaitTimeDegradation.for}.` +
        queueLimitsSentence([{ name: 'slaTargetFactor', values: factorValues }, ...perMediaSettings('maxP95WaitSeconds', p95Defaults)]),
      keepFiringFor,
      dashboard: { key: 'queueDetail', perQueue: true },
    }),
    alertingRule(config, {
      alert: 'QueueSlaBelowTarget',
      // The recorded compliance is absent for a queue without offers, and minOffers keeps a handful of
      // contacts from paging anyone: a quiet queue never fires.
      expr: raw(`(${compliance} < ${on(QUEUE_MEDIA_KEY)} ${slaTarget}) ` + `and ${on(QUEUE_MEDIA_KEY)} (${offers} >= ${against(QUEUE_MEDIA_KEY, minOffers)})`),
      severity: 'warning',
      summary: 'Queue {{ $labels.queue_name }} ({{ $labels.media_type }}) is below its SLA target',
      description:
        'Only {{ $value | humanizePercentage }} of {{ $labels.media_type }} contacts offered to queue ' +
        `{{ $labels.queue_name }} in the last ${SLA_WINDOW_MINUTES} minutes were answered within the queue's service-level time, ` +
        `below the queue's own target, for at least ${QueueSlaBelowTarget.for}.` +
        queueLimitsSentence([{ name: 'minOffers', values: minOffersValues }]),
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
        `(${waitingPerMedia()} >= ${against(QUEUE_MEDIA_KEY, minWaiting)} unless ${on(QUEUE_KEY)} ${idleAgents} > 0) ` +
          `and ${on(QUEUE_MEDIA_KEY)} (${longestWait()} > ${on(QUEUE_MEDIA_KEY)} ${longestWaitLimit})`,
      ),
      severity: 'warning',
      summary: 'Queue {{ $labels.queue_name }} ({{ $labels.media_type }}) has contacts waiting past their target and no available agent',
      description:
        '{{ $value }} {{ $labels.media_type }} contacts are waiting in queue {{ $labels.queue_name }}, the oldest longer than ' +
        `the queue's service-level time for {{ $labels.media_type }} (without one: ${perMediaText(QueueNoAvailableAgents.maxLongestWaitSeconds)}), ` +
        `and none of its agents has been idle (available) for at least ${QueueNoAvailableAgents.for}.` +
        queueLimitsSentence([{ name: 'minWaiting', values: minWaitingValues }, ...perMediaSettings('maxLongestWaitSeconds', longestWaitDefaults)]),
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
