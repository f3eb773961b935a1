// The structured change list `npm run review` produces. The Markdown and the SVGs are renderings of
// it, and `--format json` prints it as is, so machines and people read the same facts.

/** One value that differs. `before`/`after` are absent when the value was added or removed. */
export interface ValueChange {
  /** Dotted path inside the compared object, e.g. `fieldConfig.defaults.unit` or `labels.severity`. */
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export type Status = 'added' | 'removed' | 'changed';

/** A named thing (variable, receiver, time interval, query) that appeared, disappeared or changed. */
export interface EntityChange {
  readonly key: string;
  readonly status: Status;
  /** For `changed`: what differs. For `added`/`removed`: the whole entity as one change at path ''. */
  readonly changes: readonly ValueChange[];
}

/** Where a panel sits: the row it belongs to (title, or null above the first row) and its grid box. */
export interface Place {
  readonly row: string | null;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface PanelChange {
  /** Panel id within the dashboard: what pairs a panel across the two sides (review/dashboards.ts). */
  readonly id: number;
  /** Set when the panel kept its title and type but got a new id. */
  readonly previousId?: number;
  readonly title: string;
  readonly type: string;
  readonly status: Status;
  /** Where the panel is (after; before for a removed panel). */
  readonly place: Place;
  /** Row or column change, or a new place in the reading order; never a y shift alone. */
  readonly moved?: { readonly from: Place; readonly to: Place };
  readonly resized?: { readonly from: Place; readonly to: Place };
  readonly queries: readonly EntityChange[];
  /** Everything else that differs: title, type, unit, thresholds, transformations, overrides, links, options. */
  readonly changes: readonly ValueChange[];
}

export interface DashboardChange {
  readonly uid: string;
  readonly status: Status;
  readonly title: string;
  /** Set when the title changed (the dashboard was renamed). */
  readonly previousTitle?: string;
  /** The file in out/ (after, or before when removed). */
  readonly file: string;
  readonly settings: readonly ValueChange[];
  readonly variables: readonly EntityChange[];
  readonly panels: readonly PanelChange[];
}

export interface RuleChange {
  readonly kind: 'alert' | 'record';
  readonly name: string;
  readonly group: string;
  readonly status: Status;
  /** For added/removed: the rule's own fields (expr, for, labels.*, annotations.*) as changes. */
  readonly changes: readonly ValueChange[];
}

export interface RuleGroupChange {
  readonly name: string;
  readonly status: Status;
  readonly changes: readonly ValueChange[];
}

export interface RouteChange {
  /** Matchers from the root down, e.g. ['root', 'severity="critical"']. */
  readonly path: readonly string[];
  readonly status: Status;
  readonly changes: readonly ValueChange[];
}

export interface RouteOrderChange {
  readonly parent: readonly string[];
  readonly before: readonly string[];
  readonly after: readonly string[];
}

export interface AlertmanagerChange {
  readonly routes: readonly RouteChange[];
  readonly routeOrder: readonly RouteOrderChange[];
  readonly receivers: readonly EntityChange[];
  readonly inhibitions: readonly EntityChange[];
  readonly timeIntervals: readonly EntityChange[];
  /** global, templates and anything else at the top level. */
  readonly other: readonly ValueChange[];
}

export interface FileChange {
  /** Path relative to out/. */
  readonly path: string;
  readonly status: Status;
  /** Structured changes when both sides parse as JSON or YAML; otherwise a unified diff. */
  readonly changes?: readonly ValueChange[];
  readonly unifiedDiff?: string;
}

export interface Review {
  readonly base: { readonly ref: string; readonly commit: string };
  readonly head: { readonly ref: string; readonly commit: string };
  readonly dashboards: readonly DashboardChange[];
  readonly ruleGroups: readonly RuleGroupChange[];
  readonly alerts: readonly RuleChange[];
  readonly recordingRules: readonly RuleChange[];
  readonly alertmanager: AlertmanagerChange | null;
  /** Deployment and provisioning files (out/deploy, out/grafana, the scrape config, anything else). */
  readonly files: readonly FileChange[];
}

export function isEmptyAlertmanagerChange(change: AlertmanagerChange): boolean {
  return (
    change.routes.length +
      change.routeOrder.length +
      change.receivers.length +
      change.inhibitions.length +
      change.timeIntervals.length +
      change.other.length ===
    0
  );
}

export function hasChanges(review: Review): boolean {
  return (
    review.dashboards.length + review.ruleGroups.length + review.alerts.length + review.recordingRules.length + review.files.length > 0 ||
    review.alertmanager !== null
  );
}
