// The Alertmanager configuration, built so a team keeps it: one notification per queue incident (grouped by
// the queue, every alert of the incident listed in it), critical → PagerDuty and the team's Slack channel,
// warning → Slack, a queue's critical alert inhibits its warnings, queue warnings are delivered only in
// opening hours, and queue alerts are inhibited while the exporter is down, its data is stale, or it serves
// simulated data. Secrets are read by Alertmanager from files (routing_key_file needs Alertmanager ≥ 0.25,
// api_url_file ≥ 0.22): never inlined here. `time_intervals` with a `location` needs Alertmanager ≥ 0.25.

import { sourceModule } from '../generator/contract.ts';
import type { AlertsConfig } from './config.ts';
import { parseClockRanges, splitList } from './config-override.ts';
import { QUEUE_KEY } from './conventions.ts';
import { UNTRUSTED_DATA_ALERTS } from './exporter-alerts.ts';

export const RECEIVERS = { pagerduty: 'pagerduty-critical', slackCritical: 'slack-critical', slack: 'slack-warning' } as const;

/** The `time_intervals` entry the opening hours are rendered as. */
export const OPENING_HOURS_INTERVAL = 'opening-hours';

/**
 * One notification per queue incident: every alert of one queue (depth, wait, SLA, no agents, any media type)
 * lands in one group, so a surge pages once, not once per alert name. Not `alertname`: that split one
 * incident into up to four notifications. `cluster` keeps two Prometheus deployments (e.g. two Genesys orgs)
 * apart when they share an Alertmanager. The exporter's own alerts carry no queue label: they group per
 * cluster and job, i.e. one exporter incident is one notification too.
 */
export const GROUP_BY = [...QUEUE_KEY] as const;

/** Matches alerts about one queue (the exporter's own alerts carry no queue_id). */
const IS_QUEUE_ALERT = 'queue_id=~".+"';

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

/** A critical alert of one queue and media type silences that queue's warnings for the same media type
 * (e.g. QueueDepthCritical on voice hides WaitTimeDegradation on voice, not the queue's email warnings). */
const inhibitWarningsOfSameQueueAndMedia = {
  source_matchers: ['severity="critical"', IS_QUEUE_ALERT, 'media_type=~".+"'],
  target_matchers: ['severity="warning"', IS_QUEUE_ALERT],
  equal: [...QUEUE_KEY, 'media_type'],
};

/** A queue-wide critical alert (no media_type: it counts every media type) silences all the queue's warnings. */
const inhibitWarningsOfSameQueue = {
  source_matchers: ['severity="critical"', IS_QUEUE_ALERT, 'media_type=""'],
  target_matchers: ['severity="warning"', IS_QUEUE_ALERT],
  equal: [...QUEUE_KEY],
};

/** The queue (when the group is one queue's) and every alert of the group, with its media type: a notification
 * says everything that is wrong with the queue, not just the first alert's name. */
const alertList =
  '{{ range $i, $a := .Alerts.Firing }}{{ if $i }}, {{ end }}{{ $a.Labels.alertname }}' +
  '{{ with $a.Labels.media_type }} ({{ . }}){{ end }}{{ end }}' +
  '{{ if not .Alerts.Firing }}{{ range $i, $a := .Alerts.Resolved }}{{ if $i }}, {{ end }}{{ $a.Labels.alertname }}' +
  '{{ with $a.Labels.media_type }} ({{ . }}){{ end }}{{ end }}{{ end }}';
const title = `{{ if .CommonLabels.queue_name }}Queue {{ .CommonLabels.queue_name }}: {{ end }}${alertList}`;
const details =
  '{{ range .Alerts }}[{{ .Status | toUpper }}] {{ .Annotations.summary }}: {{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}';

function pagerduty(config: AlertsConfig['alertmanager']['pagerduty']): Record<string, unknown> {
  return {
    routing_key_file: config.routingKeyFile,
    ...(config.url === undefined ? {} : { url: config.url }),
    send_resolved: true,
    severity: 'critical',
    // Alertmanager's default custom_details (every firing alert with its labels and annotations) stay.
    description: title,
    links: [
      { href: '{{ (index .Alerts 0).Annotations.runbook_url }}', text: 'Runbook' },
      { href: '{{ (index .Alerts 0).Annotations.dashboard_url }}', text: 'Dashboard' },
    ],
  };
}

function slack(config: AlertsConfig['alertmanager']['slack']): Record<string, unknown> {
  return {
    api_url_file: config.apiUrlFile,
    ...(config.channel === undefined ? {} : { channel: config.channel }),
    send_resolved: true,
    title: `[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] ${title}`,
    title_link: '{{ (index .Alerts 0).Annotations.dashboard_url }}',
    text: details,
  };
}

/** Alertmanager's time_intervals entry for the configured opening hours. */
function openingHours(config: AlertsConfig['alertmanager']['openingHours']): Record<string, unknown> {
  const times = parseClockRanges(config.times);
  // parseAlertsConfigOverride checks the override; the default is checked by the config tests.
  if (typeof times === 'string') throw new Error(`alerts config: alertmanager.openingHours.times: ${times}`);
  return {
    name: OPENING_HOURS_INTERVAL,
    time_intervals: [{ weekdays: splitList(config.weekdays), times, location: config.location }],
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
        // `continue`: the same critical group is also posted to the team's Slack channel (next route).
        { receiver: RECEIVERS.pagerduty, matchers: ['severity="critical"'], continue: true },
        { receiver: RECEIVERS.slackCritical, matchers: ['severity="critical"'] },
        // Queue warnings only while the contact center is open; outside, Alertmanager holds them silently
        // (they are delivered if still firing when it opens). The exporter's warnings are not muted.
        { receiver: RECEIVERS.slack, matchers: ['severity="warning"', IS_QUEUE_ALERT], active_time_intervals: [OPENING_HOURS_INTERVAL] },
        { receiver: RECEIVERS.slack, matchers: ['severity="warning"'] },
      ],
    },
    inhibit_rules: [inhibitUntrustedData, inhibitWarningsOfSameQueueAndMedia, inhibitWarningsOfSameQueue],
    time_intervals: [openingHours(am.openingHours)],
    receivers: [
      { name: RECEIVERS.pagerduty, pagerduty_configs: [pagerduty(am.pagerduty)] },
      { name: RECEIVERS.slackCritical, slack_configs: [slack(am.slack)] },
      { name: RECEIVERS.slack, slack_configs: [slack(am.slack)] },
    ],
  };
}

/** The Alertmanager configuration and the module that declares it (for the file header and errors). */
export function alertmanagerSource(config: AlertsConfig): { readonly module: string; readonly config: Record<string, unknown> } {
  return { module: sourceModule(import.meta.url), config: alertmanagerConfig(config) };
}
