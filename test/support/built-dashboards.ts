// The dashboards as the generator writes them (JSON round trip), and small accessors for the tests.

import { defaultAlertsConfig } from '../../alerts/config.ts';
import { dashboardSources } from '../../dashboards/index.ts';
import type { DashboardSource } from '../../generator/contract.ts';

export interface JsonPanel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly description?: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly targets?: readonly JsonTarget[];
  readonly transformations?: readonly { readonly id: string; readonly options: unknown }[];
  readonly options?: Record<string, unknown>;
  readonly fieldConfig: {
    readonly defaults: Record<string, unknown> & { readonly links?: readonly { readonly url?: string; readonly title: string }[] };
    readonly overrides: readonly unknown[];
  };
}

export interface JsonTarget {
  readonly refId: string;
  readonly expr: string;
  readonly legendFormat?: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly format?: string;
  readonly instant?: boolean;
}

export interface JsonVariable {
  readonly name: string;
  readonly type: string;
  readonly query?: unknown;
  readonly multi?: boolean;
  readonly includeAll?: boolean;
  readonly allValue?: string;
  readonly current?: { readonly value: unknown };
  readonly datasource?: { readonly uid?: string };
}

export interface JsonDashboard {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly panels: readonly JsonPanel[];
  readonly templating: { readonly list: readonly JsonVariable[] };
  readonly links: readonly { readonly type: string; readonly tags: readonly string[]; readonly keepTime: boolean; readonly includeVars: boolean }[];
}

export function toJson(model: unknown): JsonDashboard {
  return JSON.parse(JSON.stringify(model)) as JsonDashboard;
}

export interface BuiltDashboard {
  readonly source: DashboardSource;
  readonly model: JsonDashboard;
}

export function builtDashboards(): BuiltDashboard[] {
  return dashboardSources(defaultAlertsConfig).map((source) => ({ source, model: toJson(source.build()) }));
}

export function dashboardByFile(fileName: string): JsonDashboard {
  const found = builtDashboards().find((built) => built.source.fileName === fileName);
  if (found === undefined) throw new Error(`no dashboard writes ${fileName}`);
  return found.model;
}

export function panelById(dashboard: JsonDashboard, id: number): JsonPanel {
  const panel = dashboard.panels.find((p) => p.id === id);
  if (panel === undefined) throw new Error(`dashboard ${dashboard.uid} has no panel ${id}`);
  return panel;
}

export function targetOf(panel: JsonPanel, refId: string): JsonTarget {
  const target = panel.targets?.find((t) => t.refId === refId);
  if (target === undefined) throw new Error(`panel "${panel.title}" has no query ${refId}`);
  return target;
}
