// Queue overview: every selected queue at a glance (depth, waits, SLA, traffic, agent capacity), with
// data links to the queue detail dashboard. Each panel says what it does where data is missing and why.

import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as common from '@grafana/grafana-foundation-sdk/common';
import type { AlertsConfig } from '../alerts/config.ts';
import { type DashboardSource, sourceModule } from '../generator/contract.ts';
import {
  type ContactKpi,
  contactKpiPanels,
  barGaugePanel,
  breachesInWindow,
  calculateField,
  cell,
  colorByThresholds,
  clusterVariable,
  composeDashboard,
  dashedThresholdLines,
  datasourceVariable,
  depthOverrides,
  depthSteps,
  depthPerQueue,
  longestWaitPerQueue,
  mediaTypeVariable,
  mergeFrames,
  offersInWindowIfAny,
  organizeFields,
  orZeroForListedQueues,
  overrideFields,
  QUEUE_MEDIA_LEGEND,
  queueDetailDataLink,
  queueSeries,
  queuesVariable,
  slaCompliancePerQueue,
  slaComplianceThresholds,
  statPanel,
  tablePanel,
  thresholds,
  timeSeriesPanel,
  trafficQueries,
  waitOverrides,
  waitSteps,
  waitQuantilePerQueue,
  withThresholdOverrides,
} from './common.ts';
import { sumBy } from '../metrics/promql.ts';
import { routingStatusLabel } from '../metrics/vocabulary.ts';
import type { Layout } from './common.ts';
import { SLA_WINDOW_MINUTES } from '../metrics/kpis.ts';

/** Panel ids: constant, so reordering the layout renumbers nothing. Never reuse a retired id. */
export const PANEL = {
  slaCompliance: 1,
  slaComplianceByQueue: 2,
  waitingNow: 3,
  longestWaitNow: 4,
  depthByQueue: 5,
  p95WaitByQueue: 6,
  traffic: 7,
  agentCapacity: 8,
  averageHandleTime: 9,
  averageSpeedOfAnswer: 10,
  abandonRate: 11,
  transferRate: 12,
  membersByPresence: 13,
} as const;

const SELECTED = 'selected';

/**
 * The overview's SLA stat computes 1 - breaches / offers in Grafana, from the two queries (whose PromQL comes
 * from metrics/kpis.ts like every other SLA expression), step by step: calculateField joins them on time by
 * itself; the first calculateField is breaches / offers, the second 1 - that (Grafana's binary mode takes one
 * operator, so `1 - (breaches / offers)` is two steps); Organize fields hides the inputs and renames the
 * result to "SLA Compliance %"; the stat reduces with Last. The offers query drops 0 (no point), so an empty
 * window shows "No data", never a division by zero.
 */
export const SLA_TRANSFORMATIONS: readonly dashboard.DataTransformerConfig[] = [
  calculateField('breach ratio', { field: 'breaches' }, '/', { field: 'offers' }),
  calculateField('SLA compliance', { constant: 1 }, '-', { field: 'breach ratio' }),
  organizeFields(['breaches', 'offers', 'breach ratio'], { 'SLA compliance': 'SLA Compliance %' }),
];

// No data when no contact was offered in the window: `> 0` on the offers drops the 0/0 point, the
// joined ratio is then null and Last shows "No data" (with the reason as noValue), never 0 %.
// Breaches fall back to 0 × offers: a queue with offers but no breach counter yet is 100 %, not empty.
function slaCompliancePanel() {
  return statPanel({
    id: PANEL.slaCompliance,
    title: `SLA compliance, rolling ${SLA_WINDOW_MINUTES} min`,
    description:
      `Share of contacts offered to the selected queues in the last ${SLA_WINDOW_MINUTES} minutes that were answered within their ` +
      "queue's service-level target: 1 - breaches / offers, where a breach is answered late or abandoned. " +
      'All selected media types together, each contact judged against the target of its own queue and media type ' +
      '(per media type: the next panel). Empty when nothing was offered.',
    unit: 'percentunit',
    noValue: `No contacts offered in ${SLA_WINDOW_MINUTES} min`,
    reduce: 'last',
    queries: [
      { refId: 'breaches', expr: breachesInWindow(SELECTED), legend: 'breaches' },
      { refId: 'offers', expr: offersInWindowIfAny(SELECTED), legend: 'offers' },
    ],
  })
    .transformations([...SLA_TRANSFORMATIONS])
    .thresholds(slaComplianceThresholds())
    .colorScheme(colorByThresholds())
    .min(0)
    .max(1);
}

// Per queue, same rule as above in PromQL: a queue with no offers in the window has no bar (no data),
// not a 0 % bar.
function slaComplianceByQueuePanel() {
  return barGaugePanel({
    id: PANEL.slaComplianceByQueue,
    title: `SLA compliance by queue and media type, rolling ${SLA_WINDOW_MINUTES} min`,
    description:
      `1 - breaches / offers per queue over the last ${SLA_WINDOW_MINUTES} minutes, one bar per media type: each media type ` +
      'has its own target, so calls and emails are not averaged. Queues with no contact offered in the ' +
      'window have no bar. Click a bar for the queue detail.',
    unit: 'percentunit',
    noValue: `No contacts offered in ${SLA_WINDOW_MINUTES} min`,
    queries: [{ refId: 'compliance', expr: slaCompliancePerQueue(SELECTED), legend: QUEUE_MEDIA_LEGEND, instant: true }],
  })
    .thresholds(slaComplianceThresholds())
    .colorScheme(colorByThresholds())
    .max(1)
    .dataLinks([queueDetailDataLink()]);
}

// A true 0 for a listed queue with nothing waiting (zero-filled from genesys_queue_info while the poll
// succeeds); when the exporter or its poll is down the queue has no bar rather than a false 0.
function waitingNowPanel(config: AlertsConfig) {
  const panel = barGaugePanel({
    id: PANEL.waitingNow,
    title: 'Contacts waiting now',
    description: 'Contacts waiting in each selected queue now. Click a bar for the queue detail.',
    unit: 'short',
    noValue: 'No data from the exporter',
    queries: [{ refId: 'waiting', expr: depthPerQueue(SELECTED), legend: '{{queue_name}}', instant: true }],
  })
    .thresholds(thresholds(depthSteps(config)))
    .colorScheme(colorByThresholds())
    .dataLinks([queueDetailDataLink()]);
  // Bars are named by queue: each queue with its own QueueDepthCritical limit colours against that limit.
  for (const { regexp, steps } of depthOverrides(config)) panel.overrideByRegexp(regexp, [{ id: 'thresholds', value: thresholds(steps).build() }]);
  return panel;
}

// Same zero-fill as "Contacts waiting now": the exporter reports 0 s when nobody waits, and a listed
// queue without the series has nobody waiting; no bar while the poll fails.
function longestWaitNowPanel(config: AlertsConfig) {
  const panel = barGaugePanel({
    id: PANEL.longestWaitNow,
    title: 'Longest wait now',
    description:
      'How long the oldest contact now waiting in each queue has waited, one bar per media type (an email waiting an ' +
      "hour says nothing about callers). Colours: each media type's wait limit, a queue's own where it has one.",
    unit: 's',
    noValue: 'No data from the exporter',
    queries: [
      {
        refId: 'longestWait',
        expr: longestWaitPerQueue(SELECTED),
        legend: QUEUE_MEDIA_LEGEND,
        instant: true,
      },
    ],
  })
    .dataLinks([queueDetailDataLink()])
    .thresholds(thresholds(waitSteps(config)))
    .colorScheme(colorByThresholds());
  return withThresholdOverrides(panel, waitOverrides(config, 'queueMedia'));
}

// Depth per queue for the $media_type variable. Zero-filled like "Contacts waiting now" so a quiet
// queue draws 0; gaps shorter than a few polls are bridged (a failed scrape marks every series stale),
// longer ones stay visible as gaps: an outage never draws as an empty queue.
function depthByQueuePanel() {
  return timeSeriesPanel({
    id: PANEL.depthByQueue,
    title: 'Contacts waiting by queue',
    description: 'Contacts waiting in each selected queue (genesys_queue_depth, the selected media types added up).',
    unit: 'short',
    missing: 'bridge',
    queries: [{ refId: 'depth', expr: depthPerQueue(SELECTED), legend: '{{queue_name}}' }],
  })
    .min(0)
    .dataLinks([queueDetailDataLink()]);
}

// A window with no answered or abandoned contact has no wait to measure: histogram_quantile gives NaN,
// which withoutNaN drops, so the line has a gap there; not 0 s, which would look like perfect service.
function p95WaitByQueuePanel(config: AlertsConfig) {
  const panel = timeSeriesPanel({
    id: PANEL.p95WaitByQueue,
    title: 'Wait time p95 by queue and media type',
    description:
      '95th percentile of the time contacts waited before being answered or abandoning, per queue and media type ' +
      '(one percentile over calls and emails together would describe neither), estimated from the histogram ' +
      'buckets (10 s … 4 h). Gaps: no contact left the queue.',
    unit: 's',
    missing: 'gap',
    queries: [{ refId: 'p95', expr: waitQuantilePerQueue(0.95, SELECTED), legend: QUEUE_MEDIA_LEGEND }],
  })
    .min(0)
    .thresholds(thresholds(waitSteps(config)))
    .thresholdsStyle(dashedThresholdLines())
    .dataLinks([queueDetailDataLink()]);
  return withThresholdOverrides(panel, waitOverrides(config, 'queueMedia'));
}

// The counters exist from the first contact on and rate() of an idle counter is a true 0. Before a counter
// exists there is nothing to rate: a gap, not a zero, because it may equally mean the exporter is down.
function trafficPanel() {
  return timeSeriesPanel({
    id: PANEL.traffic,
    title: 'Offered, answered, abandoned',
    description: 'Contacts per second offered to, answered in and abandoned from the selected queues.',
    unit: 'cps',
    missing: 'gap',
    queries: trafficQueries(SELECTED),
  }).min(0);
}

/** Table columns after merging the three instant queries on queue_name. */
const CAPACITY_COLUMNS = {
  queue_name: 'Queue',
  'Value #waiting': 'Contacts waiting',
  'Value #idle': 'Idle agents',
  'Value #onQueue': 'Agents on queue',
} as const;
const SPARE_AGENTS = 'Spare agents';
/** Red when contacts outnumber idle agents. */
const SPARE_AGENT_STEPS = [
  { value: null, color: 'red' },
  { value: 0, color: 'green' },
] as const satisfies readonly dashboard.Threshold[];

// Every cell is a true 0 for a listed queue while the poll succeeds (zero-fill from genesys_queue_info:
// no idle agent, nobody waiting); while it fails the queue has no row rather than a row of false zeros.
function agentCapacityPanel() {
  const idle = sumBy(['queue_name'], queueSeries('genesys_queue_agents', SELECTED, { routing_status: routingStatusLabel('IDLE') }));
  const onQueue = sumBy(['queue_name'], queueSeries('genesys_queue_agents_on_queue', SELECTED));
  return tablePanel({
    id: PANEL.agentCapacity,
    title: 'Agent capacity',
    description:
      'Per queue: contacts waiting now (selected media types) against agents available for a contact (idle) and ' +
      'on queue (all media). Spare agents = idle - waiting; below 0, contacts wait for an agent.',
    unit: 'short',
    noValue: 'No data from the exporter',
    queries: [
      { refId: 'waiting', expr: depthPerQueue(SELECTED), format: 'table', instant: true },
      { refId: 'idle', expr: orZeroForListedQueues(idle, SELECTED), format: 'table', instant: true },
      { refId: 'onQueue', expr: orZeroForListedQueues(onQueue, SELECTED), format: 'table', instant: true },
    ],
  })
    .transformations([
      mergeFrames(),
      calculateField(SPARE_AGENTS, { field: 'Value #idle' }, '-', { field: 'Value #waiting' }),
      organizeFields(['Time'], CAPACITY_COLUMNS),
    ])
    .sortBy([new common.TableSortByFieldStateBuilder().displayName(SPARE_AGENTS).desc(false)])
    .withOverride(
      overrideFields(
        [SPARE_AGENTS],
        [
          { id: 'thresholds', value: thresholds(SPARE_AGENT_STEPS).build() },
          { id: 'custom.cellOptions', value: { type: common.TableCellDisplayMode.ColorBackground } },
        ],
      ),
    );
}

// The contact KPIs (metrics/kpis.ts, the same definitions the alerts use) per queue and media type over
// $__rate_interval: a queue and media type with nothing to average in the window (no handled, answered or
// offered contact) has no bar, never 0 s or 0 %. Per media type because an email's handle time or speed of
// answer is hours where a call's is minutes.
const KPI_PANELS = contactKpiPanels(SELECTED);

function kpiBarPanel(kpi: ContactKpi) {
  const spec = KPI_PANELS[kpi];
  return barGaugePanel({
    id: PANEL[kpi],
    title: spec.title,
    description: `${spec.description} One bar per queue and media type. Click a bar for the queue detail.`,
    unit: spec.unit,
    noValue: spec.noValue,
    queries: [{ refId: spec.refId, expr: spec.expr, legend: QUEUE_MEDIA_LEGEND, instant: true }],
  }).dataLinks([queueDetailDataLink()]);
}

// A presence nobody is in may have no series: its band is absent, never a fake count. Short scrape gaps bridged.
function membersByPresencePanel() {
  return timeSeriesPanel({
    id: PANEL.membersByPresence,
    title: 'Members by presence',
    description:
      'Member agents of the selected queues by presence (on queue, available, break, meal, training, meeting, away, …): ' +
      'members on break, meal or training are capacity the queues do not have now. An agent in several selected queues ' +
      'counts once per queue.',
    unit: 'short',
    missing: 'bridge',
    queries: [{ refId: 'byPresence', expr: sumBy(['presence'], queueSeries('genesys_queue_members_by_presence', SELECTED)), legend: '{{presence}}' }],
  })
    .min(0)
    .stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal))
    .fillOpacity(60);
}

/** The layout, line by line: the only place positions come from. */
export function queueOverviewLayout(config: AlertsConfig): Layout {
  return [
    [cell(slaCompliancePanel(), 5, 8), cell(slaComplianceByQueuePanel(), 7, 8), cell(waitingNowPanel(config), 6, 8), cell(longestWaitNowPanel(config), 6, 8)],
    [cell(depthByQueuePanel(), 12, 9), cell(p95WaitByQueuePanel(config), 12, 9)],
    [
      cell(kpiBarPanel('averageHandleTime'), 6, 8),
      cell(kpiBarPanel('averageSpeedOfAnswer'), 6, 8),
      cell(kpiBarPanel('abandonRate'), 6, 8),
      cell(kpiBarPanel('transferRate'), 6, 8),
    ],
    [cell(trafficPanel(), 12, 9), cell(agentCapacityPanel(), 12, 9)],
    [cell(membersByPresencePanel(), 24, 8)],
  ];
}

export function buildQueueOverview(config: AlertsConfig, layout: Layout = queueOverviewLayout(config)): dashboard.Dashboard {
  return composeDashboard({
    key: 'queueOverview',
    title: 'Genesys Cloud: queue overview',
    description:
      'Depth, waits, SLA compliance, handle time, speed of answer, abandons, transfers, traffic, agent capacity and presence of the selected queues.',
    variables: [datasourceVariable(), clusterVariable(), queuesVariable(), mediaTypeVariable()],
    layout,
  });
}

export function queueOverviewSource(config: AlertsConfig): DashboardSource {
  return { module: sourceModule(import.meta.url), fileName: 'queue-overview.json', build: () => buildQueueOverview(config) };
}
