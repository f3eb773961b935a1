// The Alertmanager configuration: critical → PagerDuty, warning → Slack, grouped per alert and queue, and
// queue alerts inhibited while the exporter is down, its data is stale, or it serves simulated data. Secrets are read by Alertmanager
// from files (routing_key_file needs Alertmanager ≥ 0.25, api_url_file ≥ 0.22): never inlined here.

import { sourceModule } from '../generator/contract.ts';
import type { AlertsConfig } from './config.ts';
import { UNTRUSTED_DATA_ALERTS } from './exporter-alerts.ts';

export const RECEIVERS = { pagerduty: 'pagerduty-critical', slack: 'slack-warning' } as const;

/** One notification per alert and queue: a surge on two queues pages twice, not once for both. `cluster`
 * keeps two Prometheus deployments (e.g. two Genesys orgs) apart when they share an Alertmanager. */
export const GROUP_BY = ['alertname', 'cluster', 'queue_name'] as const;

/**
 * Inhibition needs labels both sides share: `job` (the exporter's scrape job) and `cluster` (a target label
 * of the generated scrape config) are on every series the exporter serves, so on every alert built from
 * them, and matching on `cluster` keeps one deployment's outage from silencing another's queues when they
 * share an Alertmanager. A label missing on both sides counts as equal. GenesysExporterAbsent carries only
 * `job` (absent() knows no more), so it inhibits only where no cluster label is set; that is enough,
 * because a vanished target's series are marked stale at once and its queue alerts resolve on their own.
 * Only alerts with a `queue_name` are targets: the exporter alerts themselves keep notifying.
 */
const inhibitUntrustedData = {
  source_matchers: [`alertname=~"${UNTRUSTED_DATA_ALERTS.join('|')}"`],
  target_matchers: ['queue_name=~".+"'],
  equal: ['cluster', 'job'],
};

const title = '{{ .CommonLabels.alertname }}{{ if .CommonLabels.queue_name }} — {{ .CommonLabels.queue_name }}{{ end }}';

function pagerduty(config: AlertsConfig['alertmanager']['pagerduty']): Record<string, unknown> {
  return {
    routing_key_file: config.routingKeyFile,
    ...(config.url === undefined ? {} : { url: config.url }),
    send_resolved: true,
    severity: 'critical',
    description: `${title}: {{ .CommonAnnotations.summary }}`,
    links: [
      { href: '{{ .CommonAnnotations.runbook_url }}', text: 'Runbook' },
      { href: '{{ .CommonAnnotations.dashboard_url }}', text: 'Dashboard' },
    ],
  };
}

function slack(config: AlertsConfig['alertmanager']['slack']): Record<string, unknown> {
  return {
    api_url_file: config.apiUrlFile,
    ...(config.channel === undefined ? {} : { channel: config.channel }),
    send_resolved: true,
    title: `[{{ .Status | toUpper }}] ${title}`,
    title_link: '{{ .CommonAnnotations.dashboard_url }}',
    text: '{{ range .Alerts }}{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}',
  };
}

function alertmanagerConfig(config: AlertsConfig): Record<string, unknown> {
  const am = config.alertmanager;
  return {
    global: { resolve_timeout: am.resolveTimeout },
    route: {
      // Anything without a known severity still reaches people, on the quieter channel.
      receiver: RECEIVERS.slack,
      group_by: [...GROUP_BY],
      group_wait: am.groupWait,
      group_interval: am.groupInterval,
      repeat_interval: am.repeatInterval,
      routes: [
        { receiver: RECEIVERS.pagerduty, matchers: ['severity="critical"'] },
        { receiver: RECEIVERS.slack, matchers: ['severity="warning"'] },
      ],
    },
    inhibit_rules: [inhibitUntrustedData],
    receivers: [
      { name: RECEIVERS.pagerduty, pagerduty_configs: [pagerduty(am.pagerduty)] },
      { name: RECEIVERS.slack, slack_configs: [slack(am.slack)] },
    ],
  };
}

/** The Alertmanager configuration and the module that declares it (for the file header and errors). */
export function alertmanagerSource(config: AlertsConfig): { readonly module: string; readonly config: Record<string, unknown> } {
  return { module: sourceModule(import.meta.url), config: alertmanagerConfig(config) };
}
