// Alerts about the exporter and its access to Genesys Cloud: when these fire, the queue alerts cannot be
// trusted. Counters are read through rate/increase only, so an exporter restart (counters back to 0)
// never looks like a burst of errors.

import { type AlertingRule, type RuleSource, sourceModule } from '../generator/contract.ts';
import { staleLimitSeconds } from '../metrics/kpis.ts';
import { aggregateBy, increase, range, rate, raw, series, sumBy, up } from '../metrics/promql.ts';
import type { AlertName, AlertsConfig } from './config.ts';
import { alertingRule, EXPORTER_KEY, on } from './conventions.ts';
import { streamingAlerts } from './streaming-alerts.ts';

const MODULE = sourceModule(import.meta.url);

/** The alerts that mean the queue data cannot be trusted (none, frozen, or made up): Alertmanager
 * inhibits the queue alerts while one of them fires. */
export const UNTRUSTED_DATA_ALERTS = [
  'GenesysExporterDown',
  'GenesysExporterAbsent',
  'GenesysExporterDataStale',
  'GenesysExporterSimulatedData',
] as const satisfies readonly AlertName[];

const ENDPOINT_KEY = [...EXPORTER_KEY, 'endpoint'] as const;
const COLLECTOR_KEY = [...EXPORTER_KEY, 'collector'] as const;
const health = { key: 'exporterHealth', perQueue: false } as const;

function rules(config: AlertsConfig): AlertingRule[] {
  const { job } = config.selectors;
  const { rules: r } = config;
  const scrapeUp = up({ job });
  // The age of the oldest value each collector serves (values dropped as stale included): a batch that keeps
  // failing ages on its own even while the collector's other batches succeed.
  const dataAge = aggregateBy('max', COLLECTOR_KEY, series('genesys_exporter_collector_data_age_seconds', { job }));
  // missedPolls of each collector's own (possibly stretched) poll interval, never less than minAgeSeconds:
  // the same limit the exporter-health dashboard draws (metrics/kpis.ts).
  const pollInterval = aggregateBy('max', COLLECTOR_KEY, series('genesys_exporter_poll_interval_seconds', { job }));
  const staleLimit = staleLimitSeconds(r.GenesysExporterDataStale, pollInterval);
  const collectorSuccess = aggregateBy('max', COLLECTOR_KEY, series('genesys_exporter_collector_success', { job }));
  const rateLimited = sumBy(ENDPOINT_KEY, increase(range(series('genesys_exporter_api_rate_limited_total', { job }), r.GenesysApiRateLimited.window)));
  const requestRate = (statusCode: { nre: string } | undefined) =>
    sumBy(ENDPOINT_KEY, rate(range(series('genesys_exporter_api_requests_total', { job, status_code: statusCode }), r.GenesysApiErrors.window)));
  const tokenGrants = (result: 'success' | 'failure') =>
    sumBy(EXPORTER_KEY, increase(range(series('genesys_exporter_token_refreshes_total', { job, result }), r.GenesysAuthenticationFailing.window)));
  const circuitOpen = aggregateBy('max', EXPORTER_KEY, series('genesys_exporter_login_circuit_open', { job }));
  const simulated = aggregateBy('max', EXPORTER_KEY, series('genesys_exporter_simulated', { job }));
  // Both gauges exist only once the queue catalog has been listed: a starting exporter never fires.
  const queuesExported = aggregateBy('max', EXPORTER_KEY, series('genesys_exporter_queues', { job }));
  const queuesDropped = aggregateBy('max', EXPORTER_KEY, series('genesys_exporter_queues_dropped_by_cap', { job }));

  return [
    alertingRule(config, {
      alert: 'GenesysExporterDown',
      expr: raw(`${scrapeUp} == 0`),
      severity: 'critical',
      summary: 'Prometheus cannot scrape the Genesys Cloud exporter {{ $labels.instance }}',
      description:
        `Scrapes of {{ $labels.instance }} (job {{ $labels.job }}) have failed for at least ${r.GenesysExporterDown.for}: ` +
        'queue dashboards show no data and queue alerts are silenced until it is back.',
      dashboard: health,
    }),
    alertingRule(config, {
      alert: 'GenesysExporterAbsent',
      expr: raw(`absent(${scrapeUp})`),
      severity: 'critical',
      summary: 'Prometheus has no Genesys Cloud exporter target',
      description:
        `No target of job {{ $labels.job }} has existed for at least ${r.GenesysExporterAbsent.for}: ` +
        'the scrape config or service discovery lost the exporter, so nothing about the queues is monitored.',
      dashboard: health,
    }),
    alertingRule(config, {
      alert: 'GenesysExporterDataStale',
      expr: raw(`${dataAge} > ${on(COLLECTOR_KEY)} ${staleLimit}`),
      severity: 'critical',
      summary: 'Genesys Cloud data from collector {{ $labels.collector }} is stale',
      description:
        'The oldest value collector {{ $labels.collector }} on {{ $labels.instance }} serves (or dropped as stale) is {{ $value | humanizeDuration }} old ' +
        `(limit: ${r.GenesysExporterDataStale.missedPolls} poll intervals, at least ${r.GenesysExporterDataStale.minAgeSeconds} s): ` +
        'the queue metrics it feeds are frozen or gone.',
      dashboard: health,
    }),
    alertingRule(config, {
      alert: 'GenesysExporterCollectorFailing',
      expr: raw(`${collectorSuccess} == 0`),
      severity: 'warning',
      summary: 'Collector {{ $labels.collector }} of the Genesys Cloud exporter is failing',
      description:
        `Every run of collector {{ $labels.collector }} on {{ $labels.instance }} has failed for at least ` +
        `${r.GenesysExporterCollectorFailing.for}; its metrics keep their last values until they go stale.`,
      dashboard: health,
    }),
    alertingRule(config, {
      alert: 'GenesysExporterSimulatedData',
      expr: raw(`${simulated} == 1`),
      severity: 'critical',
      summary: 'The Genesys Cloud exporter {{ $labels.instance }} serves SIMULATED data',
      description:
        `{{ $labels.instance }} (job {{ $labels.job }}) has served its embedded simulated org for at least ` +
        `${r.GenesysExporterSimulatedData.for}: every queue number it reports is made up, real queues are not ` +
        'watched, and queue alerts from it are silenced. A demo (--simulator) is being scraped as production.',
      dashboard: health,
    }),
    alertingRule(config, {
      alert: 'GenesysExporterNoQueues',
      expr: raw(`${queuesExported} == 0`),
      severity: 'critical',
      summary: 'The Genesys Cloud exporter {{ $labels.instance }} watches no queue',
      description:
        `No queue visible to the exporter's OAuth client has matched the queue filters of {{ $labels.instance }} ` +
        `for at least ${r.GenesysExporterNoQueues.for}: no queue is monitored and no queue alert can fire.`,
      dashboard: health,
    }),
    alertingRule(config, {
      alert: 'GenesysExporterQueuesDroppedByCap',
      expr: raw(`${queuesDropped} > 0`),
      severity: 'warning',
      summary: 'The Genesys Cloud exporter {{ $labels.instance }} leaves out queues over its cap',
      description:
        `{{ $value }} queues matched the filters of {{ $labels.instance }} but were not exported because of ` +
        `--collector.queues.max, for at least ${r.GenesysExporterQueuesDroppedByCap.for}: they are not monitored.`,
      dashboard: health,
    }),
    alertingRule(config, {
      alert: 'GenesysApiRateLimited',
      expr: raw(`${rateLimited} > ${r.GenesysApiRateLimited.maxResponses}`),
      severity: 'warning',
      summary: 'Genesys Cloud API is rate limiting the exporter ({{ $labels.endpoint }})',
      description:
        `{{ $value | printf "%.0f" }} requests to {{ $labels.endpoint }} were answered 429 in the last ` +
        `${r.GenesysApiRateLimited.window} (threshold ${r.GenesysApiRateLimited.maxResponses}), ` +
        `for at least ${r.GenesysApiRateLimited.for}: polls are delayed and data lags.`,
      dashboard: health,
    }),
    alertingRule(config, {
      alert: 'GenesysApiErrors',
      expr: raw(`${requestRate({ nre: '2..|429' })} / ${requestRate(undefined)} > ${r.GenesysApiErrors.maxErrorRatio}`),
      severity: 'warning',
      summary: 'Genesys Cloud API requests to {{ $labels.endpoint }} are failing',
      description:
        `{{ $value | humanizePercentage }} of requests to {{ $labels.endpoint }} failed (errors, timeouts, network) ` +
        `over the last ${r.GenesysApiErrors.window} (threshold ${Number((r.GenesysApiErrors.maxErrorRatio * 100).toFixed(2))} %), ` +
        `for at least ${r.GenesysApiErrors.for}.`,
      dashboard: health,
    }),
    alertingRule(config, {
      alert: 'GenesysAuthenticationFailing',
      // Either the breaker has given up on the login host for now, or grants fail and none succeeds.
      expr: raw(`(${circuitOpen} == 1) or ` + `(${tokenGrants('failure')} > 0 unless ${on(EXPORTER_KEY)} ${tokenGrants('success')} > 0)`),
      severity: 'warning',
      summary: 'The Genesys Cloud exporter {{ $labels.instance }} cannot get an access token',
      description:
        `OAuth client-credentials grants of {{ $labels.instance }} have failed with no success in the last ` +
        `${r.GenesysAuthenticationFailing.window}, or the login circuit breaker is open, for at least ` +
        `${r.GenesysAuthenticationFailing.for}; data stops when the current token expires.`,
      dashboard: health,
    }),
    ...streamingAlerts(config),
  ];
}

export function exporterAlerts(config: AlertsConfig): RuleSource<AlertingRule> {
  return { module: MODULE, groups: [{ name: 'genesys-exporter-alerts', rules: rules(config) }] };
}
