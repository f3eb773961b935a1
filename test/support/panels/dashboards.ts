// The panel queries of generated dashboards, as Grafana would run them: every target with a PromQL
// expression, in every panel (rows' nested panels included), and each panel's own model (transformations,
// field config, options) for rendering it with Grafana's engine (grafana.ts).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { dashboardVariables, type VariableDefinition } from '../../../stack/grafana-vars.ts';
import type { PanelModel } from './grafana.ts';
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
  readonly legendFormat?: string;
  /** time_series, table or heatmap: how Grafana frames the result. */
  readonly format?: string;
  /** Grafana runs an instant query (value at the end of the range) instead of a range query. */
  readonly instant: boolean;
}

export interface LoadedDashboard {
  readonly uid: string;
  readonly file: string;
  readonly variables: readonly (VariableDefinition & { readonly type: string; readonly query: unknown })[];
  readonly queries: readonly PanelQuery[];
  readonly panels: readonly LoadedPanel[];
}

export interface LoadedPanel {
  readonly id: number;
  readonly title: string;
  /** The panel's JSON as generated: type, transformations, fieldConfig, options. */
  readonly model: PanelModel;
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
  const panels = panelsOf(model).flatMap((panel): LoadedPanel[] => {
    const targets = Array.isArray(panel.targets) ? panel.targets.filter(isJson) : [];
    const queries = targets
      .filter((target) => typeof target.expr === 'string' && target.expr !== '')
      .map(
        (target): PanelQuery => ({
          dashboardUid: uid,
          dashboardFile: basename(file),
          panelId: Number(panel.id),
          panelTitle: String(panel.title ?? ''),
          panelType: String(panel.type ?? ''),
          refId: String(target.refId ?? ''),
          expr: String(target.expr),
          ...(typeof target.legendFormat === 'string' ? { legendFormat: target.legendFormat } : {}),
          ...(typeof target.format === 'string' ? { format: target.format } : {}),
          instant: target.instant === true && target.range !== true,
        }),
      );
    if (queries.length === 0) return [];
    return [{ id: Number(panel.id), title: String(panel.title ?? ''), model: panel as unknown as PanelModel, queries }];
  });
  const queries = panels.flatMap((panel) => panel.queries);
  return { uid, file, variables: dashboardVariables(model), queries, panels };
}
