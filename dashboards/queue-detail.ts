// Queue detail: one queue (the overview's data links set $queue), with its wait distribution, its SLA
// against its own target, abandons and its agents. Each panel says what it does where data is missing.

import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { AlertsConfig } from '../alerts/config.ts';
import { type DashboardSource, sourceModule } from '../generator/contract.ts';
import { aggregateBy, increase, range, raw, sumBy } from '../metrics/promql.ts';
import {
  type ContactKpi,
  contactKpiPanels,
  DASHED_LINE,
  RATE_INTERVAL,
  abandonRatioPerQueue,
  cell,
  contactsPerSecond,
  clusterVariable,
  colorByThresholds,
  composeDashboard,
  dashedThresholdLines,
  datasourceVariable,
  depthSteps,
  depthPerQueue,
  heatmapPanel,
  longestWaitPerQueue,
  mediaTypeVariable,
  orZeroForListedQueues,
  perQueueAndMedia,
  QUEUE_MEDIA,
  queueMediaSeries,
  queueSeries,
  singleQueueVariable,
  slaCompliancePerQueue,
  slaComplianceThresholds,
  statPanel,
  thresholds,
  timeSeriesPanel,
  trafficQueries,
  depthOverrides,
  waitOverrides,
  waitSteps,
  waitQuantilePerQueue,
  withThresholdOverrides,
} from './common.ts';
import type { Layout, QueueCounter } from './common.ts';
import { handleTimePartPerContact, type HandleTimePart, SLA_WINDOW_MINUTES } from '../metrics/kpis.ts';

/** The SLA vs target panel's target series (legend "<media> target"), drawn dashed. */
const TARGET_SERIES = '.* target$';

/** Panel ids: constant, so reordering the layout renumbers nothing. Never reuse a retired id. */
export const PANEL = {
  waitingNow: 1,
  longestWaitNow: 2,
  slaCompliance: 3,
  slaTarget: 4,
  slaMargin: 5,
  contacts: 6,
  longestWait: 7,
  waitDistribution: 8,
  waitQuantiles: 9,
  slaVsTarget: 10,
  abandonRatio: 11,
  traffic: 12,
  agentsByStatus: 13,
  agentsOnOffQueue: 14,
  slaTargetTime: 15,
  averageHandleTime: 16,
  averageSpeedOfAnswer: 17,
  abandonRate: 18,
  transferRate: 19,
  handleTimeParts: 20,
  transfersAndFlowOuts: 21,
  membersByPresence: 22,
} as const;

const ONE = 'single';

/** The queue's own service-level target ratio, per media type (each has its own). */
function slaTargetRatio() {
  return aggregateBy('max', QUEUE_MEDIA, queueMediaSeries('genesys_queue_sla_target_ratio', ONE));
}

/** Per media type, for a panel that shows one queue: the media type names the series. */
const MEDIA_LEGEND = '{{media_type}}';
/** Said next to every panel that keeps media types apart. */
const PER_MEDIA = 'One series per media type: calls and emails are not averaged together.';

// Zero-filled: a listed queue with nothing waiting reads 0; "No data" only while the exporter's poll fails.
// Named by the queue, so the selected queue colours against its own QueueDepthCritical limit (queueOverrides).
function waitingNowPanel(config: AlertsConfig) {
  const panel = statPanel({
    id: PANEL.waitingNow,
    title: 'Contacts waiting now',
    description: 'Contacts waiting in $queue now (the selected media types added up).',
    unit: 'short',
    noValue: 'No data from the exporter',
    reduce: 'lastNotNull',
    queries: [{ refId: 'waiting', expr: depthPerQueue(ONE), legend: '{{queue_name}}' }],
  })
    .thresholds(thresholds(depthSteps(config)))
    .colorScheme(colorByThresholds());
  return withThresholdOverrides(panel, depthOverrides(config));
}

// Zero-filled like the depth: 0 s when nobody waits.
function longestWaitNowPanel(config: AlertsConfig) {
  const panel = statPanel({
    id: PANEL.longestWaitNow,
    title: 'Longest wait now',
    description: `How long the oldest contact now waiting in $queue has waited. ${PER_MEDIA}`,
    unit: 's',
    noValue: 'No data from the exporter',
    reduce: 'lastNotNull',
    queries: [{ refId: 'longestWait', expr: longestWaitPerQueue(ONE), legend: MEDIA_LEGEND }],
  })
    .thresholds(thresholds(waitSteps(config)))
    .colorScheme(colorByThresholds());
  return withThresholdOverrides(panel, waitOverrides(config, 'media'));
}

// No offers in the window → no data (Last, not Last *): a quiet queue is not 0 % compliant, and an old
// value would pretend the queue is still being measured.
function slaCompliancePanel() {
  return statPanel({
    id: PANEL.slaCompliance,
    title: `SLA compliance, rolling ${SLA_WINDOW_MINUTES} min`,
    description: `1 - breaches / offers for $queue over the last ${SLA_WINDOW_MINUTES} minutes. ${PER_MEDIA} Empty when nothing was offered.`,
    unit: 'percentunit',
    noValue: `No contacts offered in ${SLA_WINDOW_MINUTES} min`,
    reduce: 'last',
    queries: [{ refId: 'compliance', expr: slaCompliancePerQueue(ONE), legend: MEDIA_LEGEND }],
  })
    .thresholds(slaComplianceThresholds())
    .colorScheme(colorByThresholds())
    .min(0)
    .max(1);
}

// Configuration values: when missing, the queue has no service level for this media type.
function slaTargetPanel() {
  return statPanel({
    id: PANEL.slaTarget,
    title: 'SLA target',
    description: "The queue's service-level target per media type: share of contacts to answer within the target time.",
    unit: 'percentunit',
    noValue: 'No target for the selected media types',
    reduce: 'lastNotNull',
    queries: [{ refId: 'targetRatio', expr: slaTargetRatio(), legend: MEDIA_LEGEND }],
  });
}

function slaTargetTimePanel() {
  return statPanel({
    id: PANEL.slaTargetTime,
    title: 'SLA target time',
    description: "The queue's service-level target time per media type: contacts answered later, or abandoned, count as breaches.",
    unit: 's',
    noValue: 'No target for the selected media types',
    reduce: 'lastNotNull',
    queries: [
      {
        refId: 'targetSeconds',
        expr: aggregateBy('max', QUEUE_MEDIA, queueMediaSeries('genesys_queue_sla_target_seconds', ONE)),
        legend: MEDIA_LEGEND,
      },
    ],
  });
}

/** Red below the queue's own target, green at or above it. */
const MARGIN_STEPS = [
  { value: null, color: 'red' },
  { value: 0, color: 'green' },
] as const satisfies readonly dashboard.Threshold[];

// Same "no offers → no data" rule as the compliance it is computed from.
function slaMarginPanel() {
  return statPanel({
    id: PANEL.slaMargin,
    title: 'SLA compliance vs target',
    description: `Compliance over the last ${SLA_WINDOW_MINUTES} minutes minus the queue's own target: below 0, the queue misses it. ${PER_MEDIA}`,
    unit: 'percentunit',
    noValue: `No contacts offered in ${SLA_WINDOW_MINUTES} min`,
    reduce: 'last',
    queries: [{ refId: 'margin', expr: raw(`${slaCompliancePerQueue(ONE)} - ${slaTargetRatio()}`), legend: MEDIA_LEGEND }],
  })
    .thresholds(thresholds(MARGIN_STEPS))
    .colorScheme(colorByThresholds());
}

// All three zero-filled from genesys_queue_info while the poll succeeds (real zeros); short gaps bridged,
// long ones shown: an outage never draws as an idle queue.
function contactsPanel() {
  const perQueue = (name: 'genesys_queue_interacting' | 'genesys_queue_alerting') =>
    orZeroForListedQueues(sumBy(['queue_name'], queueMediaSeries(name, ONE)), ONE);
  return timeSeriesPanel({
    id: PANEL.contacts,
    title: 'Contacts waiting, ringing, interacting',
    description: 'Contacts in $queue waiting, ringing at an agent (alerting) and being handled (interacting).',
    unit: 'short',
    missing: 'bridge',
    queries: [
      { refId: 'waiting', expr: depthPerQueue(ONE), legend: 'waiting' },
      { refId: 'alerting', expr: perQueue('genesys_queue_alerting'), legend: 'ringing' },
      { refId: 'interacting', expr: perQueue('genesys_queue_interacting'), legend: 'interacting' },
    ],
  }).min(0);
}

// Zero-filled like the depth, short gaps bridged.
function longestWaitPanel(config: AlertsConfig) {
  const panel = timeSeriesPanel({
    id: PANEL.longestWait,
    title: 'Longest wait',
    description: `How long the oldest contact waiting in $queue had waited, over time. ${PER_MEDIA}`,
    unit: 's',
    missing: 'bridge',
    queries: [{ refId: 'longestWait', expr: longestWaitPerQueue(ONE), legend: MEDIA_LEGEND }],
  })
    .min(0)
    .thresholds(thresholds(waitSteps(config)))
    .thresholdsStyle(dashedThresholdLines());
  return withThresholdOverrides(panel, waitOverrides(config, 'media'));
}

// Bucket counters exist once the first contact left the queue; an interval with no contact has real
// zero counts (increase of an idle counter), so the heatmap's empty cells are true.
function waitDistributionPanel() {
  const buckets = increase(range(queueMediaSeries('genesys_queue_wait_time_seconds_bucket', ONE), RATE_INTERVAL));
  return heatmapPanel({
    id: PANEL.waitDistribution,
    title: 'Wait time distribution',
    description:
      'Contacts of $queue by how long they waited before being answered or abandoning (histogram buckets 10 s … 4 h), per ' +
      'interval, the selected media types together: choose one media type to see its own distribution.',
    unit: 'short',
    yUnit: 's',
    queries: [{ refId: 'buckets', expr: sumBy(['le'], buckets), legend: '{{le}}', format: 'heatmap' }],
  });
}

// NaN (no contact left the queue in the window) is dropped: a gap, not 0 s.
function waitQuantilesPanel(config: AlertsConfig) {
  return timeSeriesPanel({
    id: PANEL.waitQuantiles,
    title: 'Wait time p50 and p95',
    description: `Median and 95th percentile wait in $queue, estimated from the histogram buckets. ${PER_MEDIA}`,
    unit: 's',
    missing: 'gap',
    queries: [
      { refId: 'p50', expr: waitQuantilePerQueue(0.5, ONE), legend: `p50 ${MEDIA_LEGEND}` },
      { refId: 'p95', expr: waitQuantilePerQueue(0.95, ONE), legend: `p95 ${MEDIA_LEGEND}` },
    ],
  })
    .min(0)
    .thresholds(thresholds(waitSteps(config)))
    .thresholdsStyle(dashedThresholdLines());
}

// Compliance: gap while nothing was offered in the window (0/0 dropped). Target: a configuration
// gauge, bridged over short scrape gaps.
function slaVsTargetPanel() {
  return timeSeriesPanel({
    id: PANEL.slaVsTarget,
    title: 'SLA compliance and target',
    description: `Rolling ${SLA_WINDOW_MINUTES}-minute compliance of $queue against the queue's own service-level target (dashed). ${PER_MEDIA}`,
    unit: 'percentunit',
    missing: 'gap',
    queries: [
      { refId: 'compliance', expr: slaCompliancePerQueue(ONE), legend: `${MEDIA_LEGEND} compliance` },
      { refId: 'target', expr: slaTargetRatio(), legend: `${MEDIA_LEGEND} target` },
    ],
  })
    .min(0)
    .max(1)
    .overrideByRegexp(TARGET_SERIES, [DASHED_LINE]);
}

// No offers in the window → no point (0/0 dropped); no abandon counter yet → 0 % for a queue with offers.
function abandonRatioPanel() {
  return timeSeriesPanel({
    id: PANEL.abandonRatio,
    title: 'Abandon rate',
    description: `Share of contacts offered to $queue that hung up while waiting, short abandons left out of both sides. ${PER_MEDIA} Gaps: nothing offered.`,
    unit: 'percentunit',
    missing: 'gap',
    queries: [{ refId: 'abandonRatio', expr: abandonRatioPerQueue(ONE), legend: MEDIA_LEGEND }],
  }).min(0);
}

// The contact KPIs (metrics/kpis.ts, the definitions the alerts use) over $__rate_interval, per media type. Nothing
// to average in the window (no contact handled, answered or offered) → "No data" (Last, not Last *): never 0 s or
// 0 %, and no old value pretending the queue is still measured.
const KPI_PANELS = contactKpiPanels(ONE, '$queue');

function kpiStat(kpi: ContactKpi) {
  const spec = KPI_PANELS[kpi];
  return statPanel({
    id: PANEL[kpi],
    title: spec.title,
    description: `${spec.description} ${PER_MEDIA}`,
    unit: spec.unit,
    noValue: spec.noValue,
    reduce: 'last',
    queries: [{ refId: spec.refId, expr: spec.expr, legend: MEDIA_LEGEND }],
  });
}

// Each part per handled contact, so talk + hold + ACW add up to the AHT. Nothing handled in the window → gap.
function handleTimePartsPanel() {
  const growth = perQueueAndMedia(ONE);
  const part = (refId: string, which: HandleTimePart, name: string) => ({
    refId,
    expr: handleTimePartPerContact(which, growth),
    legend: `${name} ${MEDIA_LEGEND}`,
  });
  return timeSeriesPanel({
    id: PANEL.handleTimeParts,
    title: 'Handle time: talk, hold, after-call work',
    description:
      'Average talk, hold and after-call work (wrap-up) per contact of $queue handled: together they make the average ' +
      `handle time. Hold is per handled contact, not per hold. ${PER_MEDIA} Gaps: nothing handled.`,
    unit: 's',
    missing: 'gap',
    queries: [part('talk', 'talk', 'talk'), part('hold', 'hold', 'hold'), part('acw', 'afterCallWork', 'ACW')],
  }).min(0);
}

// rate() of an idle counter is a true 0; no counter yet (nothing transferred since the exporter started) is a gap.
function transfersAndFlowOutsPanel() {
  const perSecond = (refId: string, counter: QueueCounter, legend: string) => ({ refId, expr: contactsPerSecond(counter, ONE), legend });
  return timeSeriesPanel({
    id: PANEL.transfersAndFlowOuts,
    title: 'Transfers, flow-outs, short abandons',
    description:
      'Contacts per second of $queue that agents transferred blind or after consulting, that left the queue unanswered ' +
      "to another queue or flow (flow-outs: overflow, in-queue transfer), and that hung up within the org's short-abandon " +
      'threshold (short abandons), the selected media types added up.',
    unit: 'cps',
    missing: 'gap',
    queries: [
      perSecond('blindTransferred', 'genesys_queue_blind_transferred_total', 'blind transfers'),
      perSecond('consultTransferred', 'genesys_queue_consult_transferred_total', 'consult transfers'),
      perSecond('flowOuts', 'genesys_queue_flow_out_total', 'flow-outs'),
      perSecond('shortAbandoned', 'genesys_queue_short_abandoned_total', 'short abandons'),
    ],
  }).min(0);
}

// A presence nobody is in may have no series: its band is absent, never a fake count. Short scrape gaps bridged.
function membersByPresencePanel() {
  return timeSeriesPanel({
    id: PANEL.membersByPresence,
    title: 'Members by presence',
    description:
      'Member agents of $queue by presence (on queue, available, break, meal, training, meeting, away, busy, idle, offline): ' +
      'members on break, meal, training or in a meeting are capacity the queue does not have now. All media types.',
    unit: 'short',
    missing: 'bridge',
    queries: [{ refId: 'byPresence', expr: sumBy(['presence'], queueSeries('genesys_queue_members_by_presence', ONE)), legend: '{{presence}}' }],
  })
    .min(0)
    .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
    .fillOpacity(60);
}

// rate() of an idle counter is a true 0; no counter yet is a gap (it may equally mean the exporter is down).
function trafficPanel() {
  return timeSeriesPanel({
    id: PANEL.traffic,
    title: 'Offered, answered, abandoned',
    description: 'Contacts per second offered to, answered in and abandoned from $queue.',
    unit: 'cps',
    missing: 'gap',
    queries: trafficQueries(ONE),
  }).min(0);
}

// A status nobody is in may have no series: its band is simply absent (stacked), never a fake count.
// Short scrape gaps bridged.
function agentsByStatusPanel() {
  return timeSeriesPanel({
    id: PANEL.agentsByStatus,
    title: 'Agents by routing status',
    description: 'Member agents of $queue by routing status (idle = available for a contact). All media types.',
    unit: 'short',
    missing: 'bridge',
    queries: [
      {
        refId: 'byStatus',
        expr: sumBy(['routing_status'], queueSeries('genesys_queue_agents', ONE)),
        legend: '{{routing_status}}',
      },
    ],
  })
    .min(0)
    .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
    .fillOpacity(60);
}

// Zero-filled from genesys_queue_info while the poll succeeds: no agent on queue is a real 0.
function agentsOnOffQueuePanel() {
  const perQueue = (name: 'genesys_queue_agents_on_queue' | 'genesys_queue_agents_off_queue' | 'genesys_queue_members') =>
    orZeroForListedQueues(sumBy(['queue_name'], queueSeries(name, ONE)), ONE);
  return timeSeriesPanel({
    id: PANEL.agentsOnOffQueue,
    title: 'Agents on and off queue',
    description: 'Member agents of $queue on queue (ready, busy or not), logged in but off queue, and all members.',
    unit: 'short',
    missing: 'bridge',
    queries: [
      { refId: 'onQueue', expr: perQueue('genesys_queue_agents_on_queue'), legend: 'on queue' },
      { refId: 'offQueue', expr: perQueue('genesys_queue_agents_off_queue'), legend: 'off queue' },
      { refId: 'members', expr: perQueue('genesys_queue_members'), legend: 'members' },
    ],
  }).min(0);
}

/** The layout, line by line: the only place positions come from. */
export function queueDetailLayout(config: AlertsConfig): Layout {
  return [
    [
      cell(waitingNowPanel(config), 4, 5),
      cell(longestWaitNowPanel(config), 4, 5),
      cell(slaCompliancePanel(), 4, 5),
      cell(slaTargetPanel(), 4, 5),
      cell(slaTargetTimePanel(), 4, 5),
      cell(slaMarginPanel(), 4, 5),
    ],
    [
      cell(kpiStat('averageHandleTime'), 6, 5),
      cell(kpiStat('averageSpeedOfAnswer'), 6, 5),
      cell(kpiStat('abandonRate'), 6, 5),
      cell(kpiStat('transferRate'), 6, 5),
    ],
    [cell(contactsPanel(), 12, 8), cell(longestWaitPanel(config), 12, 8)],
    [cell(waitDistributionPanel(), 12, 9), cell(waitQuantilesPanel(config), 12, 9)],
    [cell(slaVsTargetPanel(), 12, 8), cell(abandonRatioPanel(), 12, 8)],
    [cell(handleTimePartsPanel(), 12, 8), cell(transfersAndFlowOutsPanel(), 12, 8)],
    [cell(trafficPanel(), 8, 8), cell(agentsByStatusPanel(), 8, 8), cell(agentsOnOffQueuePanel(), 8, 8)],
    [cell(membersByPresencePanel(), 24, 8)],
  ];
}

export function buildQueueDetail(config: AlertsConfig, layout: Layout = queueDetailLayout(config)): dashboard.Dashboard {
  return composeDashboard({
    key: 'queueDetail',
    title: 'Genesys Cloud: queue detail',
    description:
      'One queue: depth, wait distribution, SLA against its own target, handle time and its parts, speed of answer, abandons, transfers, flow-outs, agents and presence.',
    variables: [datasourceVariable(), clusterVariable(), singleQueueVariable(), mediaTypeVariable()],
    layout,
  });
}

export function queueDetailSource(config: AlertsConfig): DashboardSource {
  return { module: sourceModule(import.meta.url), fileName: 'queue-detail.json', build: () => buildQueueDetail(config) };
}
