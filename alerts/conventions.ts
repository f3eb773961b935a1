// The one place that turns an alert's specifics into a full rule: `for` from the config, runbook_url and
// dashboard_url from the config's base URLs. Rule modules cannot forget them or spell them differently.

import { DASHBOARD_UIDS, type DashboardKey } from '../config/project.ts';
import type { AlertingRule, Severity } from '../generator/contract.ts';
import type { Vector } from '../metrics/promql.ts';
import type { AlertName, AlertsConfig, Duration } from './config.ts';

/** Labels that identify one queue in every queue alert (target labels kept so inhibition can match on them). */
export const QUEUE_KEY = ['cluster', 'job', 'queue_id', 'queue_name'] as const;
/** A queue and one of its media types: SLA targets are set per media type. */
export const QUEUE_MEDIA_KEY = [...QUEUE_KEY, 'media_type'] as const;
/** One exporter process. */
export const EXPORTER_KEY = ['cluster', 'job', 'instance'] as const;

/** `on(a, b)` for vector matching between two built expressions. */
export const on = (labels: readonly string[]): string => `on(${labels.join(', ')})`;

export interface AlertSpec {
  readonly alert: AlertName;
  readonly expr: Vector<string>;
  readonly severity: Severity;
  readonly summary: string;
  readonly description: string;
  /** keep_firing_for: how long the alert outlives its condition (e.g. its series vanishing). */
  readonly keepFiringFor?: Duration;
  /** Queue alerts link to the queue's detail dashboard with the queue preselected. */
  readonly dashboard: { readonly key: DashboardKey; readonly perQueue: boolean };
}

/** Grafana link; Go's `urlquery` escapes queue names with spaces or '&'. */
function dashboardUrl(config: AlertsConfig, dashboard: AlertSpec['dashboard']): string {
  const base = `${config.grafanaBaseUrl.replace(/\/+$/, '')}/d/${DASHBOARD_UIDS[dashboard.key]}`;
  return dashboard.perQueue ? `${base}?var-queue={{ $labels.queue_name | urlquery }}` : base;
}

/** GitHub's heading anchor of `## <AlertName>` in docs/runbooks.md. */
export function runbookAnchor(alert: AlertName): string {
  return alert.toLowerCase();
}

export function alertingRule(config: AlertsConfig, spec: AlertSpec): AlertingRule {
  return {
    alert: spec.alert,
    expr: spec.expr.text,
    for: config.rules[spec.alert].for,
    ...(spec.keepFiringFor === undefined ? {} : { keep_firing_for: spec.keepFiringFor }),
    labels: { severity: spec.severity },
    annotations: {
      summary: spec.summary,
      description: spec.description,
      runbook_url: `${config.runbookBaseUrl}#${runbookAnchor(spec.alert)}`,
      dashboard_url: dashboardUrl(config, spec.dashboard),
    },
  };
}
