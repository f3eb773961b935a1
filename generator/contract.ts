// What dashboard and rule modules hand to the generator. The generator renders, validates and writes;
// modules only declare. Every item names its module so that an error can point at the file to fix.

const REPO_ROOT = new URL('../', import.meta.url).href;

/** A module's path from the repository root ('alerts/queue-alerts.ts'), from its own `import.meta.url`:
 * what errors name, without the module spelling out its file name. */
export function sourceModule(moduleUrl: string): string {
  return moduleUrl.startsWith(REPO_ROOT) ? decodeURIComponent(moduleUrl.slice(REPO_ROOT.length)) : moduleUrl;
}

/** A dashboard module: `build()` returns the foundation SDK's built dashboard (plain JSON model). */
export interface DashboardSource {
  /** Source file, for error messages: 'dashboards/queue-overview.ts'. */
  readonly module: string;
  /** Output file name under out/dashboards/: 'queue-overview.json'. */
  readonly fileName: string;
  build(): unknown;
}

export type Severity = 'critical' | 'warning' | 'info';

export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  /** Prometheus duration, e.g. '5m'. Required: no alert fires on a single evaluation. */
  readonly for: string;
  /** Prometheus duration (≥ 2.42): the alert keeps firing this long after its condition stops holding, e.g.
   * because its series vanished with a failed scrape. Unset: it resolves at once. */
  readonly keep_firing_for?: string;
  readonly labels: { readonly severity: Severity } & Readonly<Record<string, string>>;
  readonly annotations: {
    readonly summary: string;
    readonly description: string;
    readonly runbook_url: string;
    readonly dashboard_url: string;
  } & Readonly<Record<string, string>>;
}

export interface RecordingRule {
  /** `level:metric:operations`, e.g. 'queue_name:genesys_queue_wait_time_seconds:p95_rate5m'. */
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface RuleGroup<R extends AlertingRule | RecordingRule = AlertingRule | RecordingRule> {
  readonly name: string;
  readonly interval?: string;
  readonly rules: readonly R[];
}

/** One rule module (one file under alerts/) and the groups it declares. */
export interface RuleSource<R extends AlertingRule | RecordingRule = AlertingRule | RecordingRule> {
  readonly module: string;
  readonly groups: readonly RuleGroup<R>[];
}

/** A file the generator writes: path relative to the output folder, and its exact bytes. */
export interface Artifact {
  readonly path: string;
  readonly content: string;
}

/** Uid of the example Prometheus datasource that out/grafana/provisioning/datasources/prometheus.yaml
 * provisions. A dashboard's datasource variable can default to it; panels may name it directly. */
export const PROMETHEUS_DATASOURCE_UID = 'genesys-prometheus';
