// Checks one built dashboard: Grafana's JSON schemas, then our conventions (every panel names the
// datasource, has a description and a unit, unique ids and refIds) and every query's PromQL.

import { PROMETHEUS_DATASOURCE_UID, type DashboardSource } from './contract.ts';
import { grafanaSchemas, PANELS_WITHOUT_SCHEMA } from './grafana-schemas.ts';
import { multiValueEqualityProblems, substituteVariables, type TemplateVariable } from './grafana-variables.ts';
import { placeProblems, type ExprProblem, type Problem } from './problems.ts';
import { analyzePromql } from './promql-analysis.ts';
import type { SeriesRegistry } from './series-registry.ts';
import { didYouMean } from './suggest.ts';
import { isPlainObject } from '../lib/plain-object.ts';

/** Panel types that display numbers and so need a unit. */
const NUMERIC_PANELS = new Set(['timeseries', 'stat', 'gauge', 'bargauge', 'histogram', 'heatmap', 'table']);

type Json = Record<string, unknown>;
const objects = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isPlainObject) : []);
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export interface CheckedDashboard {
  readonly uid: string | undefined;
  readonly model: unknown;
  readonly problems: readonly Problem[];
}

export function buildDashboard(source: DashboardSource): { model: unknown } | { problem: Problem } {
  try {
    // Validate exactly what is written: the JSON form (the SDK's objects carry marker functions).
    return { model: JSON.parse(JSON.stringify(source.build())) as unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { problem: { module: source.module, item: 'dashboard', message: `build() threw: ${message}` } };
  }
}

function templateVariables(dashboard: Json): TemplateVariable[] {
  const list = isPlainObject(dashboard['templating']) ? objects(dashboard['templating']['list']) : [];
  return list.map((variable) => {
    const query = text(variable['query']) ?? '';
    const current = isPlainObject(variable['current']) ? text(variable['current']['value']) : undefined;
    return {
      name: text(variable['name']) ?? '',
      type: text(variable['type']) ?? '',
      multiValued: variable['multi'] === true || variable['includeAll'] === true,
      sample: current ?? query.split(',')[0]?.split(' : ').pop()?.trim() ?? 'value',
    };
  });
}

/** Panels in layout order, rows' nested panels included. */
function allPanels(dashboard: Json): Json[] {
  return objects(dashboard['panels']).flatMap((panel) => [panel, ...objects(panel['panels'])]);
}

class DashboardChecker {
  readonly problems: Problem[] = [];
  private readonly variables: TemplateVariable[];
  private readonly datasourceVariables: string[];

  constructor(
    private readonly module: string,
    private readonly dashboard: Json,
    private readonly registry: SeriesRegistry,
  ) {
    this.variables = templateVariables(dashboard);
    this.datasourceVariables = this.variables.filter((v) => v.type === 'datasource').map((v) => v.name);
  }

  private add(item: string, problems: readonly ExprProblem[]): void {
    this.problems.push(...placeProblems(this.module, item, problems));
  }

  run(): void {
    const schemaErrors = grafanaSchemas().dashboard(this.dashboard);
    this.add(
      'dashboard',
      schemaErrors.map((error) => ({ message: `does not match Grafana's dashboard schema: ${error}` })),
    );
    if (text(this.dashboard['uid']) === undefined)
      this.add('dashboard', [{ message: 'has no uid', hint: 'use a fixed uid from config/project.ts DASHBOARD_UIDS' }]);
    if (this.datasourceVariables.length === 0) {
      this.add('dashboard', [
        { message: 'defines no datasource variable', hint: "add a Prometheus datasource variable named 'datasource' and use it in every panel" },
      ]);
    }
    const list = isPlainObject(this.dashboard['templating']) ? objects(this.dashboard['templating']['list']) : [];
    for (const variable of list) this.checkVariable(variable);
    const annotations = isPlainObject(this.dashboard['annotations']) ? objects(this.dashboard['annotations']['list']) : [];
    for (const annotation of annotations) {
      const expr = text(annotation['expr']);
      if (expr !== undefined) this.checkQuery(`annotation ${text(annotation['name']) ?? '?'}`, expr);
    }
    const seenIds = new Map<number, string>();
    for (const panel of allPanels(this.dashboard)) this.checkPanel(panel, seenIds);
  }

  private datasourceProblem(what: string, datasource: unknown): ExprProblem | undefined {
    const uid = isPlainObject(datasource) ? text(datasource['uid']) : undefined;
    const accepted = [PROMETHEUS_DATASOURCE_UID, ...this.datasourceVariables.flatMap((name) => [`\${${name}}`, `$${name}`])];
    if (uid !== undefined && accepted.includes(uid)) return undefined;
    return {
      message: uid === undefined ? `${what} names no datasource` : `${what} uses datasource "${uid}", not the dashboard's Prometheus datasource`,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the Grafana variable the hint suggests, literally
      hint: `set datasource { type: 'prometheus', uid: '${accepted[1] ?? '${datasource}'}' }`,
    };
  }

  private checkQuery(item: string, query: string, labelOfInterest?: string, legendFormat?: string): void {
    const substituted = substituteVariables(query, this.variables);
    const problems: ExprProblem[] = [...substituted.problems, ...multiValueEqualityProblems(query, this.variables)];
    const analysis = analyzePromql(substituted.promql, this.registry);
    problems.push(...analysis.problems);
    if (labelOfInterest !== undefined && analysis.outputLabels.known && !analysis.outputLabels.labels.has(labelOfInterest)) {
      problems.push({
        message: `label_values(…, ${labelOfInterest}): the selected series have no label "${labelOfInterest}"`,
        hint: didYouMean(labelOfInterest, analysis.outputLabels.labels) ?? `they have: ${[...analysis.outputLabels.labels].sort().join(', ')}`,
      });
    }
    if (legendFormat !== undefined && analysis.outputLabels.known) {
      const labels = analysis.outputLabels.labels;
      for (const match of legendFormat.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) {
        const label = match[1] ?? '';
        if (labels.has(label)) continue;
        problems.push({
          message: `legendFormat uses {{${label}}}, but the query's result has no label "${label}" (it keeps: ${[...labels].sort().join(', ') || 'no labels'})`,
          hint: didYouMean(label, labels) ?? 'group by that label or change the legend',
        });
      }
    }
    this.add(item, problems);
  }

  private checkVariable(variable: Json): void {
    if (variable['type'] !== 'query') return;
    const item = `variable ${text(variable['name']) ?? '?'}`;
    const problem = this.datasourceProblem('the query', variable['datasource']);
    if (problem !== undefined) this.add(item, [problem]);
    const rawQuery = variable['query'];
    const query = (isPlainObject(rawQuery) ? text(rawQuery['query']) : text(rawQuery)) ?? '';
    const labelValues = /^\s*label_values\(\s*(.*?)\s*,\s*(\w+)\s*\)\s*$/s.exec(query);
    if (labelValues !== null) {
      this.checkQuery(item, labelValues[1] ?? '', labelValues[2]);
      return;
    }
    const bareLabel = /^\s*label_values\(\s*(\w+)\s*\)\s*$/.exec(query)?.[1];
    if (bareLabel !== undefined) {
      this.checkLabelExistsAnywhere(item, bareLabel);
      return;
    }
    if (/^\s*(metrics|label_names)\(/.test(query)) return;
    const queryResult = /^\s*query_result\((.*)\)\s*$/s.exec(query);
    this.checkQuery(item, queryResult?.[1] ?? query);
  }

  private checkLabelExistsAnywhere(item: string, label: string): void {
    const labels = new Set(
      this.registry.names().flatMap((name) => {
        const info = this.registry.lookup(name);
        return info?.labels.known === true ? [...info.labels.labels] : [];
      }),
    );
    if (labels.has(label)) return;
    this.add(item, [
      {
        message: `label_values(${label}): no series in the catalog has the label "${label}"`,
        hint: didYouMean(label, labels) ?? 'use a label from metrics/catalog.ts',
      },
    ]);
  }

  private checkPanel(panel: Json, seenIds: Map<number, string>): void {
    const type = text(panel['type']) ?? '';
    const id = panel['id'];
    const item = `panel "${text(panel['title']) ?? ''}" (id ${typeof id === 'number' ? id : '?'})`;
    if (typeof id !== 'number' || !Number.isInteger(id)) {
      this.add(item, [{ message: 'has no integer id', hint: 'give every panel a fixed id so a reorder does not renumber them' }]);
    } else if (seenIds.has(id)) {
      this.add(item, [{ message: `id ${id} is also used by ${seenIds.get(id) ?? ''}`, hint: 'panel ids must be unique within a dashboard' }]);
    } else {
      seenIds.set(id, item);
    }
    this.add(
      item,
      grafanaSchemas()
        .panel(panel)
        .map((e) => ({ message: `does not match Grafana's ${type === 'row' ? 'row' : 'panel'} schema: ${e}` })),
    );
    if (type === 'row') return;
    if ((text(panel['description']) ?? '').trim() === '') {
      this.add(item, [{ message: 'has no description', hint: 'say what the panel shows and how to read it' }]);
    }
    this.checkSchemas(item, type, panel);
    if (type === 'text') return;
    if (NUMERIC_PANELS.has(type) && !hasUnit(panel)) {
      this.add(item, [{ message: 'has no unit', hint: "set fieldConfig.defaults.unit, e.g. 'short', 's', 'percentunit', 'reqps'" }]);
    }
    const panelDatasource = this.datasourceProblem('the panel', panel['datasource']);
    if (panelDatasource !== undefined) this.add(item, [panelDatasource]);
    const targets = objects(panel['targets']);
    if (targets.length === 0) this.add(item, [{ message: 'has no queries' }]);
    const refIds = new Set<string>();
    for (const target of targets) this.checkTarget(item, target, refIds);
  }

  private checkTarget(panelItem: string, target: Json, refIds: Set<string>): void {
    const refId = text(target['refId']);
    const item = `${panelItem} target ${refId ?? '?'}`;
    if (refId === undefined || refId === '') this.add(item, [{ message: 'has no refId', hint: "set a fixed refId such as 'A'" }]);
    else if (refIds.has(refId)) this.add(item, [{ message: `refId ${refId} is used twice in this panel`, hint: 'refIds must be unique per panel' }]);
    else refIds.add(refId);
    const datasource = this.datasourceProblem('the target', target['datasource']);
    if (datasource !== undefined) this.add(item, [datasource]);
    this.add(
      item,
      grafanaSchemas()
        .prometheusTarget(target)
        .map((e) => ({ message: `does not match Grafana's Prometheus query schema: ${e}` })),
    );
    const expr = text(target['expr']);
    if (expr === undefined) this.add(item, [{ message: 'has no expr' }]);
    else this.checkQuery(item, expr, undefined, text(target['legendFormat']));
  }

  private checkSchemas(item: string, type: string, panel: Json): void {
    const schemas = grafanaSchemas();
    const options = schemas.panelOptions(type, panel['options'] ?? {});
    if (options === undefined && !PANELS_WITHOUT_SCHEMA.has(type)) {
      this.add(item, [
        {
          message: `panel type "${type}" has no schema in generator/schemas/grafana/`,
          hint: 'use timeseries, stat, gauge, bargauge, table, heatmap, histogram or state-timeline',
        },
      ]);
      return;
    }
    this.add(
      item,
      (options ?? []).map((e) => ({ message: `options do not match Grafana's ${type} schema: ${e}` })),
    );
    const fieldConfig = isPlainObject(panel['fieldConfig']) ? panel['fieldConfig'] : {};
    const defaults = isPlainObject(fieldConfig['defaults']) ? fieldConfig['defaults'] : {};
    const custom = schemas.panelCustomFieldConfig(type, defaults['custom'] ?? {});
    this.add(
      item,
      (custom ?? []).map((e) => ({ message: `fieldConfig.defaults.custom does not match Grafana's ${type} schema: ${e}` })),
    );
  }
}

function hasUnit(panel: Json): boolean {
  const fieldConfig = isPlainObject(panel['fieldConfig']) ? panel['fieldConfig'] : {};
  const defaults = isPlainObject(fieldConfig['defaults']) ? fieldConfig['defaults'] : {};
  if ((text(defaults['unit']) ?? '') !== '') return true;
  const options = isPlainObject(panel['options']) ? panel['options'] : {};
  const yAxis = isPlainObject(options['yAxis']) ? options['yAxis'] : {};
  if ((text(yAxis['unit']) ?? '') !== '') return true;
  // A table mixes text and number columns: a unit on the number columns (overrides) is enough.
  return objects(fieldConfig['overrides']).some((override) => objects(override['properties']).some((property) => property['id'] === 'unit'));
}

export function checkDashboard(source: DashboardSource, model: unknown, registry: SeriesRegistry): CheckedDashboard {
  if (!isPlainObject(model)) {
    return { uid: undefined, model, problems: [{ module: source.module, item: 'dashboard', message: 'build() did not return a dashboard object' }] };
  }
  const checker = new DashboardChecker(source.module, model, registry);
  checker.run();
  return { uid: text(model['uid']), model, problems: checker.problems };
}

/** Links between dashboards (`/d/<uid>` in dashboard, panel and data links) must reach a generated dashboard. */
export function linkProblems(module: string, model: unknown, knownUids: ReadonlySet<string>): Problem[] {
  const problems: Problem[] = [];
  const reported = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      for (const match of value.matchAll(/\/d\/([A-Za-z0-9_-]+)/g)) {
        const uid = match[1] ?? '';
        if (knownUids.has(uid) || reported.has(uid)) continue;
        reported.add(uid);
        problems.push({
          module,
          item: 'dashboard',
          message: `links to dashboard uid "${uid}", which no dashboard module builds`,
          hint: `known uids: ${[...knownUids].sort().join(', ')}`,
        });
      }
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item);
    } else if (isPlainObject(value)) {
      for (const key of Object.keys(value).sort()) visit(value[key]);
    }
  };
  visit(model);
  return problems;
}
