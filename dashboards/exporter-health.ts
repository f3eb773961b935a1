// Exporter health: is the exporter scraped, does its Genesys Cloud poll succeed, how fresh is the data,
// and how it uses the API (requests, errors, 429s, latency, budget, tokens, login circuit, queue cap).

import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { AlertsConfig } from '../alerts/config.ts';
import { type DashboardSource, sourceModule } from '../generator/contract.ts';
import { staleLimitSeconds } from '../metrics/kpis.ts';
import type { CollectorName } from '../exporter/collectors/collector.ts';
import { aggregate, aggregateBy, histogramQuantile, increase, range, rate, raw, sum, sumBy, up } from '../metrics/promql.ts';
import type { Vector } from '../metrics/promql.ts';
import {
  DASHED_LINE,
  DATA_AGE_SHARE_STEPS,
  RATE_INTERVAL,
  VAR,
  cell,
  clusterSeries,
  clusterVariable,
  colorByThresholds,
  composeDashboard,
  dashedThresholdLines,
  datasourceVariable,
  overrideFields,
  stateMappings,
  statPanel,
  stateTimelinePanel,
  thresholds,
  timeSeriesPanel,
  withoutNaN,
} from './common.ts';
import type { Layout, States } from './common.ts';

/** Panel ids: constant, so reordering the layout renumbers nothing. Never reuse a retired id. */
export const PANEL = {
  scrapeUp: 1,
  pollOk: 2,
  freshness: 3,
  tokenExpiry: 4,
  loginCircuit: 5,
  queues: 6,
  upTimeline: 7,
  collectorSuccess: 8,
  freshnessByCollector: 9,
  collectorDuration: 10,
  pollInterval: 11,
  pollStretched: 12,
  apiRequests: 13,
  apiErrors: 14,
  rateLimited: 15,
  apiLatency: 16,
  requestBudget: 17,
  tokenRefreshes: 18,
  loginCircuitTimeline: 19,
  dataSource: 20,
  queuesDataAge: 21,
  observationsDataAge: 22,
  aggregatesDataAge: 23,
} as const;

const UP_DOWN: States = { 0: { text: 'down', color: 'red' }, 1: { text: 'up', color: 'green' } };
const OK_FAILING: States = { 0: { text: 'failing', color: 'red' }, 1: { text: 'ok', color: 'green' } };
const CIRCUIT: States = { 0: { text: 'closed', color: 'green' }, 1: { text: 'open: backing off', color: 'red' } };
const DATA_SOURCE: States = { 0: { text: 'Genesys Cloud', color: 'green' }, 1: { text: 'SIMULATED', color: 'red' } };
const STRETCHED: States = { 0: { text: 'on schedule', color: 'green' }, 1: { text: 'stretched', color: 'yellow' } };

/** Prometheus' own `up` for the exporter's scrape job (the job the alerts select). */
const scrapeUp = (config: AlertsConfig) => up({ job: config.selectors.job, cluster: { re: `$${VAR.cluster}` } });

/** Age of the oldest value each collector serves (values dropped as stale included): what GenesysExporterDataStale reads. */
const dataAge = (collector?: CollectorName) =>
  aggregateBy('max', ['collector'], clusterSeries('genesys_exporter_collector_data_age_seconds', collector === undefined ? {} : { collector }));

/** Each collector's data age as a share of GenesysExporterDataStale's limit (metrics/kpis.ts, with the
 * alert's own settings). One scale for collectors that poll every 10 s and every 5 min. */
function ageShareOfStaleLimit(config: AlertsConfig, collector?: CollectorName): Vector<'collector'> {
  const pollInterval = aggregateBy('max', ['collector'], clusterSeries('genesys_exporter_poll_interval_seconds', collector === undefined ? {} : { collector }));
  return raw(`${dataAge(collector)} / on(collector) ${staleLimitSeconds(config.rules.GenesysExporterDataStale, pollInterval)}`);
}

/** API requests per second per endpoint (all statuses): which endpoints the exporter is calling. */
function requestsPerEndpoint(): Vector<'endpoint'> {
  return sumBy(['endpoint'], rate(range(clusterSeries('genesys_exporter_api_requests_total'), RATE_INTERVAL)));
}

/**
 * `perEndpoint or on(endpoint) 0 for every endpoint the exporter calls`: an error or 429 series only
 * exists after its first occurrence, so "no series" for an endpoint being called is a true 0. When the
 * exporter is down there are no requests either, and the panel shows no data rather than a reassuring 0.
 */
function orZeroForCalledEndpoints<L extends string>(perEndpoint: Vector<'endpoint' | L>): Vector<'endpoint' | L> {
  return raw(`${perEndpoint} or on(endpoint) (${requestsPerEndpoint()} * 0)`);
}

// Up/down is 0 or 1 whenever Prometheus knows the target; no data means the job or cluster is wrong.
function scrapeUpPanel(config: AlertsConfig) {
  return statPanel({
    id: PANEL.scrapeUp,
    title: 'Exporter scraped',
    description: `Whether Prometheus scrapes the exporter (up{job="${config.selectors.job}"}), worst instance.`,
    unit: 'none',
    noValue: 'Target not found',
    reduce: 'lastNotNull',
    queries: [{ refId: 'scrapeUp', expr: aggregate('min', scrapeUp(config)), legend: 'scrape' }],
  })
    .mappings(stateMappings(UP_DOWN))
    .colorScheme(colorByThresholds())
    .thresholds(
      thresholds([
        { value: null, color: 'red' },
        { value: 1, color: 'green' },
      ]),
    );
}

// genesys_up disappears with the exporter: no data, said plainly, never a green "1".
function pollOkPanel() {
  return statPanel({
    id: PANEL.pollOk,
    title: 'Genesys Cloud poll',
    description: 'Whether the last poll of the Genesys Cloud API succeeded for every collector (genesys_up).',
    unit: 'none',
    noValue: 'No data from the exporter',
    reduce: 'last',
    queries: [{ refId: 'pollOk', expr: aggregate('min', clusterSeries('genesys_up')), legend: 'poll' }],
  })
    .mappings(stateMappings(OK_FAILING))
    .colorScheme(colorByThresholds())
    .thresholds(
      thresholds([
        { value: null, color: 'red' },
        { value: 1, color: 'green' },
      ]),
    );
}

// Age of the stalest collector's data. Grows by itself while polls fail; gone only with the exporter.
function freshnessPanel(config: AlertsConfig) {
  const { missedPolls, minAgeSeconds } = config.rules.GenesysExporterDataStale;
  return statPanel({
    id: PANEL.freshness,
    title: 'Data age vs stale limit',
    description:
      "The stalest collector's data age as a share of its stale limit (GenesysExporterDataStale: " +
      `${missedPolls} of its poll intervals, at least ${minAgeSeconds} s). 100 % = the alert's condition.`,
    unit: 'percentunit',
    noValue: 'No data from the exporter',
    reduce: 'last',
    queries: [{ refId: 'freshness', expr: aggregate('max', ageShareOfStaleLimit(config)), legend: 'age / limit' }],
  })
    .thresholds(thresholds(DATA_AGE_SHARE_STEPS))
    .colorScheme(colorByThresholds());
}

// Before the first successful grant there is no token and no expiry: "No token yet", not 1970.
function tokenExpiryPanel() {
  return statPanel({
    id: PANEL.tokenExpiry,
    title: 'Access token expires',
    description: 'When the current OAuth access token expires; the exporter renews it before then.',
    unit: 'dateTimeFromNow',
    noValue: 'No token yet',
    reduce: 'last',
    queries: [
      {
        refId: 'tokenExpiry',
        // dateTimeFromNow takes milliseconds.
        expr: raw(`${aggregate('max', clusterSeries('genesys_exporter_token_expiry_timestamp_seconds'))} * 1000`),
        legend: 'expires',
      },
    ],
  }).graphMode(common.BigValueGraphMode.None);
}

// 0 or 1 while the exporter runs; no data only without the exporter.
function loginCircuitPanel() {
  return statPanel({
    id: PANEL.loginCircuit,
    title: 'Login circuit',
    description: 'Open: the login endpoint kept failing and the exporter is backing off instead of retrying.',
    unit: 'none',
    noValue: 'No data from the exporter',
    reduce: 'last',
    queries: [{ refId: 'circuit', expr: aggregate('max', clusterSeries('genesys_exporter_login_circuit_open')), legend: 'circuit' }],
  })
    .mappings(stateMappings(CIRCUIT))
    .colorScheme(colorByThresholds())
    .thresholds(
      thresholds([
        { value: null, color: 'green' },
        { value: 1, color: 'red' },
      ]),
    );
}

// A demo (--simulator) scraped as production must be obvious on the dashboard too, not only in an alert.
function dataSourcePanel() {
  return statPanel({
    id: PANEL.dataSource,
    title: 'Data source',
    description:
      'Genesys Cloud, or SIMULATED when the exporter serves its embedded demo org (--simulator): every queue ' +
      'number is then made up, and GenesysExporterSimulatedData fires (genesys_exporter_simulated).',
    unit: 'none',
    noValue: 'No data from the exporter',
    reduce: 'last',
    queries: [{ refId: 'simulated', expr: aggregate('max', clusterSeries('genesys_exporter_simulated')), legend: 'simulated' }],
  })
    .mappings(stateMappings(DATA_SOURCE))
    .colorScheme(colorByThresholds())
    .thresholds(
      thresholds([
        { value: null, color: 'green' },
        { value: 1, color: 'red' },
      ]),
    );
}

// Gauges the exporter always sets (0 when nothing is dropped); no data only without the exporter.
function queuesPanel() {
  return statPanel({
    id: PANEL.queues,
    title: 'Queues exported, dropped by cap',
    description:
      'Queues exported after the include/exclude filters and the cap, and queues that matched but were ' +
      'dropped by --collector.queues.max (raise the cap or narrow the filters).',
    unit: 'short',
    noValue: 'No data from the exporter',
    reduce: 'lastNotNull',
    queries: [
      { refId: 'exported', expr: sum(clusterSeries('genesys_exporter_queues')), legend: 'exported' },
      { refId: 'droppedByCap', expr: sum(clusterSeries('genesys_exporter_queues_dropped_by_cap')), legend: 'dropped by cap' },
    ],
  }).withOverride(
    overrideFields(
      ['dropped by cap'],
      [
        {
          id: 'thresholds',
          value: thresholds([
            { value: null, color: 'green' },
            { value: 1, color: 'orange' },
          ]).build(),
        },
        { id: 'color', value: colorByThresholds().build() },
      ],
    ),
  );
}

// A gap is information here: the exporter or Prometheus was not there. Never filled.
function upTimelinePanel(config: AlertsConfig) {
  return stateTimelinePanel({
    id: PANEL.upTimeline,
    title: 'Scrape and poll over time',
    description: 'Prometheus scrape of the exporter (up) and success of its Genesys Cloud poll (genesys_up).',
    unit: 'none',
    states: UP_DOWN,
    queries: [
      { refId: 'scrapeUp', expr: aggregate('min', scrapeUp(config)), legend: 'scrape' },
      { refId: 'pollOk', expr: aggregate('min', clusterSeries('genesys_up')), legend: 'Genesys Cloud poll' },
    ],
  });
}

// One row per collector; gaps mean no exporter.
function collectorSuccessPanel() {
  return stateTimelinePanel({
    id: PANEL.collectorSuccess,
    title: 'Collector runs',
    description: "Whether each collector's last run succeeded. One failing collector does not blank the others.",
    unit: 'none',
    states: OK_FAILING,
    queries: [
      {
        refId: 'success',
        expr: aggregateBy('min', ['collector'], clusterSeries('genesys_exporter_collector_success')),
        legend: '{{collector}}',
      },
    ],
  });
}

// The exporter's own age gauge: it keeps growing while a collector (or one batch of it) fails; gaps mean no exporter.
function freshnessByCollectorPanel() {
  return (
    timeSeriesPanel({
      id: PANEL.freshnessByCollector,
      title: 'Data age by collector',
      description:
        'Age of the oldest value each collector serves, in seconds. Polled batch by batch, it stays near the poll ' +
        'interval plus one batch; a ramp is a failing collector or batch.',
      unit: 's',
      missing: 'gap',
      queries: [{ refId: 'age', expr: dataAge(), legend: '{{collector}}' }],
    })
      // No threshold lines: each collector has its own limit (see the "Data age vs stale limit" stat).
      .min(0)
  );
}

const DATA_AGE_PANELS: readonly { readonly collector: CollectorName; readonly id: number; readonly what: string }[] = [
  { collector: 'queues', id: PANEL.queuesDataAge, what: 'queue list' },
  { collector: 'observations', id: PANEL.observationsDataAge, what: 'real-time queue state' },
  { collector: 'aggregates', id: PANEL.aggregatesDataAge, what: 'offers, answers, abandons and waits' },
];

// One panel per collector, its age as a share of its own stale limit, so one threshold line (100 %) is the
// alert's condition whatever the collector's interval; gaps mean no exporter (or nothing published yet).
function dataAgePanel(config: AlertsConfig, panel: (typeof DATA_AGE_PANELS)[number]) {
  const { missedPolls, minAgeSeconds } = config.rules.GenesysExporterDataStale;
  return timeSeriesPanel({
    id: panel.id,
    title: `Data age vs stale limit: ${panel.collector}`,
    description:
      `Age of the oldest ${panel.what} value the ${panel.collector} collector serves, as a share of its stale limit ` +
      `(GenesysExporterDataStale: ${missedPolls} of its poll intervals, at least ${minAgeSeconds} s). ` +
      'Above the 100 % line the alert is pending.',
    unit: 'percentunit',
    missing: 'gap',
    queries: [{ refId: 'ageShare', expr: ageShareOfStaleLimit(config, panel.collector), legend: '{{collector}}' }],
  })
    .min(0)
    .thresholds(thresholds(DATA_AGE_SHARE_STEPS))
    .thresholdsStyle(dashedThresholdLines());
}

// A gauge per collector; short scrape gaps bridged.
function collectorDurationPanel() {
  return timeSeriesPanel({
    id: PANEL.collectorDuration,
    title: 'Collector run duration',
    description: "How long each collector's last run took, including retries and rate-limit waits.",
    unit: 's',
    missing: 'bridge',
    queries: [
      {
        refId: 'duration',
        expr: aggregateBy('max', ['collector'], clusterSeries('genesys_exporter_collector_duration_seconds')),
        legend: '{{collector}}',
      },
    ],
  }).min(0);
}

// A configuration-like gauge; short scrape gaps bridged.
function pollIntervalPanel() {
  return timeSeriesPanel({
    id: PANEL.pollInterval,
    title: 'Effective poll interval',
    description: 'Interval between runs of each collector, after stretching to fit the rate budget.',
    unit: 's',
    missing: 'bridge',
    queries: [
      {
        refId: 'interval',
        expr: aggregateBy('max', ['collector'], clusterSeries('genesys_exporter_poll_interval_seconds')),
        legend: '{{collector}}',
      },
    ],
  }).min(0);
}

function pollStretchedPanel() {
  return stateTimelinePanel({
    id: PANEL.pollStretched,
    title: 'Poll schedule stretched',
    description:
      'Stretched: the configured interval would exceed the API rate budget, so the collector runs less ' +
      'often than configured (fewer queues or a longer interval avoid it).',
    unit: 'none',
    states: STRETCHED,
    queries: [
      {
        refId: 'stretched',
        expr: aggregateBy('max', ['collector'], clusterSeries('genesys_exporter_poll_schedule_stretched')),
        legend: '{{collector}}',
      },
    ],
  });
}

// Request counters exist from the first request; a gap means no exporter (or no request yet).
function apiRequestsPanel() {
  const requests = rate(range(clusterSeries('genesys_exporter_api_requests_total'), RATE_INTERVAL));
  return timeSeriesPanel({
    id: PANEL.apiRequests,
    title: 'API requests by endpoint and status',
    description: 'Requests per second to the Genesys Cloud API, by endpoint and HTTP status (or timeout, network_error).',
    unit: 'reqps',
    missing: 'gap',
    queries: [{ refId: 'requests', expr: sumBy(['endpoint', 'status_code'], requests), legend: '{{endpoint}} {{status_code}}' }],
  }).min(0);
}

// Zero-filled per called endpoint (see orZeroForCalledEndpoints): a true 0 while requests succeed.
function apiErrorsPanel() {
  const failed = clusterSeries('genesys_exporter_api_requests_total', { status_code: { nre: '2..' } });
  return timeSeriesPanel({
    id: PANEL.apiErrors,
    title: 'API errors by endpoint and status',
    description:
      'Requests per second that did not get a 2xx response (4xx, 5xx, timeout, network_error), by endpoint ' +
      'and status; 0 for an endpoint called without errors.',
    unit: 'reqps',
    missing: 'gap',
    queries: [
      {
        refId: 'errors',
        expr: orZeroForCalledEndpoints(sumBy(['endpoint', 'status_code'], rate(range(failed, RATE_INTERVAL)))),
        legend: '{{endpoint}} {{status_code}}',
      },
    ],
  }).min(0);
}

// Zero-filled per called endpoint: a 429 counter only exists after the first 429.
function rateLimitedPanel() {
  const limited = sumBy(['endpoint'], rate(range(clusterSeries('genesys_exporter_api_rate_limited_total'), RATE_INTERVAL)));
  return timeSeriesPanel({
    id: PANEL.rateLimited,
    title: '429 rate limited',
    description: 'Responses per second with status 429 (over the org limit of 300 requests/min per token), by endpoint.',
    unit: 'reqps',
    missing: 'gap',
    queries: [{ refId: 'rateLimited', expr: orZeroForCalledEndpoints(limited), legend: '{{endpoint}}' }],
  }).min(0);
}

// No request to an endpoint in the window → NaN, dropped: a gap, not 0 s.
function apiLatencyPanel() {
  const buckets = rate(range(clusterSeries('genesys_exporter_api_request_duration_seconds_bucket'), RATE_INTERVAL));
  return timeSeriesPanel({
    id: PANEL.apiLatency,
    title: 'API latency p95 by endpoint',
    description: '95th percentile latency of Genesys Cloud API requests, by endpoint.',
    unit: 's',
    missing: 'gap',
    queries: [{ refId: 'p95', expr: withoutNaN(histogramQuantile(0.95, sumBy(['le', 'endpoint'], buckets))), legend: '{{endpoint}}' }],
  }).min(0);
}

// Both series exist while the exporter runs; gaps mean no exporter.
function requestBudgetPanel() {
  const budgetPerSecond = raw(`${aggregate('max', clusterSeries('genesys_exporter_rate_budget_requests_per_minute'))} / 60`);
  return timeSeriesPanel({
    id: PANEL.requestBudget,
    title: 'API request rate vs budget',
    description: 'All requests per second against the budget the exporter keeps to (dashed).',
    unit: 'reqps',
    missing: 'gap',
    queries: [
      { refId: 'requests', expr: sum(rate(range(clusterSeries('genesys_exporter_api_requests_total'), RATE_INTERVAL))), legend: 'requests' },
      { refId: 'budget', expr: budgetPerSecond, legend: 'budget' },
    ],
  })
    .min(0)
    .withOverride(overrideFields(['budget'], [DASHED_LINE]));
}

// Grants are rare (one per token lifetime): most windows have none, a true 0 from increase() of the
// existing counter; before the first grant the counter does not exist and the panel has no data.
function tokenRefreshesPanel() {
  const grants = increase(range(clusterSeries('genesys_exporter_token_refreshes_total'), RATE_INTERVAL));
  return timeSeriesPanel({
    id: PANEL.tokenRefreshes,
    title: 'Token refreshes',
    description: 'OAuth client-credentials grants by result, counted over each $__rate_interval window.',
    unit: 'short',
    missing: 'gap',
    queries: [{ refId: 'refreshes', expr: sumBy(['result'], grants), legend: '{{result}}' }],
  }).min(0);
}

// 0 or 1 while the exporter runs; a gap means no exporter.
function loginCircuitTimelinePanel() {
  return stateTimelinePanel({
    id: PANEL.loginCircuitTimeline,
    title: 'Login circuit over time',
    description: 'When the circuit breaker on the login endpoint was open (not calling it, backing off).',
    unit: 'none',
    states: CIRCUIT,
    queries: [{ refId: 'circuit', expr: aggregate('max', clusterSeries('genesys_exporter_login_circuit_open')), legend: 'login' }],
  });
}

/** The layout, line by line: the only place positions come from. */
export function exporterHealthLayout(config: AlertsConfig): Layout {
  return [
    [
      cell(scrapeUpPanel(config), 3, 4),
      cell(pollOkPanel(), 3, 4),
      cell(dataSourcePanel(), 3, 4),
      cell(freshnessPanel(config), 4, 4),
      cell(tokenExpiryPanel(), 4, 4),
      cell(loginCircuitPanel(), 3, 4),
      cell(queuesPanel(), 4, 4),
    ],
    [cell(upTimelinePanel(config), 12, 6), cell(collectorSuccessPanel(), 12, 6)],
    [cell(freshnessByCollectorPanel(), 12, 8), cell(collectorDurationPanel(), 12, 8)],
    DATA_AGE_PANELS.map((panel) => cell(dataAgePanel(config, panel), 8, 7)),
    [cell(pollIntervalPanel(), 12, 7), cell(pollStretchedPanel(), 12, 7)],
    [cell(apiRequestsPanel(), 12, 8), cell(apiErrorsPanel(), 12, 8)],
    [cell(rateLimitedPanel(), 12, 8), cell(apiLatencyPanel(), 12, 8)],
    [cell(requestBudgetPanel(), 8, 8), cell(tokenRefreshesPanel(), 8, 8), cell(loginCircuitTimelinePanel(), 8, 8)],
  ];
}

export function buildExporterHealth(config: AlertsConfig, layout: Layout = exporterHealthLayout(config)): dashboard.Dashboard {
  return composeDashboard({
    key: 'exporterHealth',
    title: 'Genesys Cloud: exporter health',
    description: 'Scrape and poll status, data freshness, Genesys Cloud API usage, tokens and the login circuit.',
    variables: [datasourceVariable(), clusterVariable()],
    layout,
  });
}

export function exporterHealthSource(config: AlertsConfig): DashboardSource {
  return { module: sourceModule(import.meta.url), fileName: 'exporter-health.json', build: () => buildExporterHealth(config) };
}
