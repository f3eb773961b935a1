// The panel queries of generated dashboards, as Grafana would run them: every target with a PromQL
// expression, in every panel (rows' nested panels included), with the panel's transformations.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { dashboardVariables, type VariableDefinition } from '../../../stack/grafana-vars.ts';
import { isPlainObject as isJson } from '../../../lib/plain-object.ts';

type Json = Record<string, unknown>;

export interface PanelQuery {
  readonly dashboardUid: string;
  readonly dashboardFile: string;
  readonly panelId: number;
  readonly panelTitle: string;
  readonly panelType: string;
  readonly refId: string;
  readonly expr: string;
  /** Grafana runs an instant query (value at the end of the range) instead of a range query. */
  readonly instant: boolean;
  readonly transformations: readonly Json[];
}

export interface LoadedDashboard {
  readonly uid: string;
  readonly file: string;
  readonly variables: readonly (VariableDefinition & { readonly type: string; readonly query: unknown })[];
  readonly queries: readonly PanelQuery[];
}

/** `uid/panelId/refId`: the stable key the e2e tests declare their checks under. */
export const queryKey = (q: Pick<PanelQuery, 'dashboardUid' | 'panelId' | 'refId'>): string => `${q.dashboardUid}/${q.panelId}/${q.refId}`;

function panelsOf(container: Json): Json[] {
  const panels = Array.isArray(container.panels) ? container.panels.filter(isJson) : [];
  return panels.flatMap((panel) => [panel, ...panelsOf(panel)]);
}

export function loadDashboard(file: string): LoadedDashboard {
  const model = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!isJson(model) || typeof model.uid !== 'string') throw new Error(`${file}: not a dashboard model with a uid`);
  const uid = model.uid;
  const queries = panelsOf(model).flatMap((panel): PanelQuery[] => {
    const targets = Array.isArray(panel.targets) ? panel.targets.filter(isJson) : [];
    return targets
      .filter((target) => typeof target.expr === 'string' && target.expr !== '')
      .map((target) => ({
        dashboardUid: uid,
        dashboardFile: basename(file),
        panelId: Number(panel.id),
        panelTitle: String(panel.title ?? ''),
        panelType: String(panel.type ?? ''),
        refId: String(target.refId ?? ''),
        expr: String(target.expr),
        instant: target.instant === true && target.range !== true,
        transformations: Array.isArray(panel.transformations) ? panel.transformations.filter(isJson) : [],
      }));
  });
  return { uid, file, variables: dashboardVariables(model), queries };
}
