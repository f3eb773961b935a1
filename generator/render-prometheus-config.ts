// An example prometheus.yml for the exporter: scrape settings, rule files next to it, Alertmanager,
// and the exporter's job. A starting point to copy into an existing Prometheus configuration.

import { EXPORTER_DEFAULT_PORT, EXPORTER_JOB, SCRAPE, TRANSIENT_QUEUE_NAMES } from '../config/project.ts';
import { generatedHeader, renderYaml } from './stable-render.ts';

export const SCRAPE_CONFIG_PATH = 'prometheus/scrape_config.yaml';

/** The value of the `cluster` target label in the example; dashboards filter on it. */
export const EXAMPLE_CLUSTER = 'local';

export function renderScrapeConfig(): string {
  const config = {
    global: {
      scrape_interval: '15s',
      scrape_timeout: '10s',
      evaluation_interval: '15s',
      // Added to alerts and federated/remote-written series, so that several Prometheus servers
      // feeding one Alertmanager stay distinguishable. Not added to local series.
      external_labels: { monitor: 'genesys-queue-observability' },
    },
    // Relative paths resolve against this file's folder.
    rule_files: ['alerting_rules.yaml', 'recording_rules.yaml'],
    alerting: { alertmanagers: [{ static_configs: [{ targets: ['localhost:9093'] }] }] },
    scrape_configs: [
      {
        job_name: EXPORTER_JOB,
        scrape_interval: SCRAPE.interval,
        scrape_timeout: SCRAPE.timeout,
        static_configs: [{ targets: [`localhost:${EXPORTER_DEFAULT_PORT}`], labels: { cluster: EXAMPLE_CLUSTER } }],
        metric_relabel_configs: [
          {
            source_labels: ['queue_name'],
            regex: TRANSIENT_QUEUE_NAMES,
            action: 'drop',
          },
        ],
      },
    ],
  };
  return renderYaml(config, [
    ...generatedHeader(['generator/render-prometheus-config.ts', 'config/project.ts']),
    '',
    'An example Prometheus configuration for the Genesys Cloud exporter. Copy the scrape job into your own',
    'prometheus.yml and point rule_files at alerting_rules.yaml and recording_rules.yaml (paths are relative',
    'to this file). Check it with: promtool check config scrape_config.yaml',
    '',
    '- scrape every 15 s with a 10 s timeout: the exporter serves cached values (it polls Genesys Cloud in',
    '  the background), so a scrape is cheap and never waits for the Genesys API.',
    '- the `cluster` target label tells several contact-center orgs or environments apart; the dashboards',
    '  have a cluster variable built on it.',
    '- metric_relabel_configs: transient queues. Temporary and test queues (names starting with tmp-, temp-',
    '  or test-) come and go; every one of them creates a new set of series (queue_id, queue_name,',
    "  media_type) that lingers in the TSDB and in the dashboards' queue picker. The example drops them",
    '  at scrape time, before they are stored. Adapt the regex to your naming, or remove the rule.',
    '  Do not labeldrop queue_id or queue_name: every dashboard and alert groups by them.',
    '- sharded exporters (--collector.queues.shard=i/N, README "Sharding: past one exporter"): list every',
    '  replica as a target of this one job with the same labels, e.g.',
    `    targets: [exporter-0:${EXPORTER_DEFAULT_PORT}, exporter-1:${EXPORTER_DEFAULT_PORT}]   # shards 0/2 and 1/2`,
    '  Each queue is on one replica only, so the alerts and dashboards work unchanged (they aggregate by',
    '  queue, not by instance) and "exporter down" fires per replica. On Kubernetes the ServiceMonitor (or',
    '  kubernetes_sd_configs, role: endpoints, on the Service) finds every replica behind the one Service.',
  ]);
}
