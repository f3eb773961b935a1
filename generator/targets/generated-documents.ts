// The documents every delivery target wraps, read back from the plain files the generator has just
// rendered (out/dashboards/*.json, out/prometheus/*_rules.yaml): a wrapper is an exact copy of what is
// committed next to it by construction, never a second rendering that could drift.

import { load } from 'js-yaml';
import type { Artifact } from '../contract.ts';
import { ALERTING_RULES_PATH, RECORDING_RULES_PATH } from '../render-rules.ts';

export interface GeneratedDashboard {
  /** 'queue-overview.json' */
  readonly fileName: string;
  /** 'queue-overview' */
  readonly stem: string;
  readonly model: Record<string, unknown>;
  /** The file's exact text (the model rendered): wrappers embed it as it is instead of rendering it again. */
  readonly json: string;
}

export interface GeneratedDocuments {
  readonly dashboards: readonly GeneratedDashboard[];
  /** Recording groups first, then alerting groups, each in its file's order. */
  readonly ruleGroups: readonly Record<string, unknown>[];
}

/** The header's "Generated … from" for a wrapper of the rules / of one dashboard. */
export const RULES_FROM = 'alerts/ (the groups of out/prometheus/*_rules.yaml)';
export const dashboardFrom = (dashboard: GeneratedDashboard): string => `dashboards/ (a copy of out/dashboards/${dashboard.fileName})`;

const DASHBOARD_PREFIX = 'dashboards/';

function groupsOf(artifacts: readonly Artifact[], path: string): Record<string, unknown>[] {
  const file = artifacts.find((a) => a.path === path);
  if (file === undefined) throw new Error(`generator/targets: ${path} was not generated`);
  return (load(file.content) as { groups: Record<string, unknown>[] }).groups;
}

export function generatedDocuments(artifacts: readonly Artifact[]): GeneratedDocuments {
  const dashboards = artifacts
    .filter((a) => a.path.startsWith(DASHBOARD_PREFIX) && a.path.endsWith('.json'))
    .map((a) => {
      const fileName = a.path.slice(DASHBOARD_PREFIX.length);
      return { fileName, stem: fileName.replace(/\.json$/, ''), model: JSON.parse(a.content) as Record<string, unknown>, json: a.content };
    });
  return { dashboards, ruleGroups: [...groupsOf(artifacts, RECORDING_RULES_PATH), ...groupsOf(artifacts, ALERTING_RULES_PATH)] };
}
