// Names shared by the dashboards, the alerts and the exporter. One place, so a renamed dashboard uid
// or job name cannot leave a dangling link in an alert.

/** Default listen port of the exporter. The 9100–9999 exporter range is fully allocated upstream; 9813 is
 * not used by any exporter we know of on a contact-center monitoring host. */
export const EXPORTER_DEFAULT_PORT = 9813;

/** The scrape job name; alerts select `up{job="…"}` with it. */
export const EXPORTER_JOB = 'genesys-cloud-exporter';

/** Dashboard uids are fixed strings (never derived from titles or order) so links and bookmarks survive edits. */
export const DASHBOARD_UIDS = {
  queueOverview: 'genesys-queue-overview',
  queueDetail: 'genesys-queue-detail',
  exporterHealth: 'genesys-exporter-health',
} as const;
export type DashboardKey = keyof typeof DASHBOARD_UIDS;

/** Grafana folder the provisioned dashboards land in. */
export const GRAFANA_FOLDER = 'Genesys Cloud';

/** Tag on every dashboard; dashboard links use it to list the family. */
export const DASHBOARD_TAG = 'genesys-cloud';

/** How often Prometheus scrapes the exporter and the scrape timeout: the example scrape config and the
 * Kubernetes ServiceMonitor both use these (the exporter serves cached values, so a scrape is cheap). */
export const SCRAPE = { interval: '15s', timeout: '10s' } as const;

/** Names of temporary and test queues (tmp-, temp-, test-), dropped at scrape time by the example scrape
 * config and the ServiceMonitor: each short-lived queue would leave a set of series behind. */
export const TRANSIENT_QUEUE_NAMES = '(?i)(tmp|temp|test)[-_ ].*';
