// Grafana's variable interpolation for Prometheus panel queries, reproduced so that the e2e tests run
// exactly the PromQL a Grafana would send. The rules (Grafana 10/11, Prometheus data source):
//  - $__interval = the query step (Grafana derives it from the time range and panel width; the tests
//    choose a step and pass it here); $__interval_ms likewise in milliseconds;
//  - $__rate_interval = max($__interval + scrape interval, 4 × scrape interval), where the scrape interval
//    is the data source's "scrape interval" setting (https://grafana.com/docs/grafana/latest/datasources/prometheus/template-variables/);
//  - $__range = the dashboard's time range in whole seconds ('3600s'), $__range_s, $__range_ms;
//  - all of them are rendered as whole seconds with an 's' suffix, as Grafana does;
//  - user variables: a single-valued variable without multi/includeAll is inserted as is (backslashes and
//    single quotes escaped); a multi or includeAll variable has each value regex-escaped (a backslash
//    doubled again because it sits inside a PromQL string) and several values joined as `(a|b)`;
//    "All" inserts the variable's custom allValue verbatim, or, without one, every option as `(a|b|…)`;
//  - explicit formats `${var:regex}`, `${var:pipe}`, `${var:csv}`, `${var:raw}` as Grafana formats them.
// An unknown variable is an error naming it (Grafana would leave the text in place and the query would fail).

import { isPlainObject as isMap } from '../lib/plain-object.ts';

export interface VariableDefinition {
  readonly name: string;
  readonly multi: boolean;
  readonly includeAll: boolean;
  /** Custom "All" value, e.g. '.*'; undefined: All means every option. */
  readonly allValue?: string;
}

/** What is selected in a variable: some values, or "All" with the options Grafana would list. */
export type VariableSelection = { readonly values: readonly string[] } | { readonly all: true; readonly options: readonly string[] };

export interface InterpolationContext {
  readonly variables: Readonly<Record<string, { readonly definition: VariableDefinition; readonly selection: VariableSelection }>>;
  /** The query step Grafana would use ($__interval). */
  readonly intervalSeconds: number;
  /** The data source's scrape interval setting. */
  readonly scrapeIntervalSeconds: number;
  /** The dashboard time range (to − from). */
  readonly rangeSeconds: number;
}

/** Grafana's variable syntaxes: $name, [[name]], [[name:format]], ${name}, ${name:format}. */
const VARIABLE_PATTERN = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

/** Grafana's kbn.regexEscape, used by the `regex` format. */
const regexEscape = (value: string): string => value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
/** Prometheus data source: a plain value inside a PromQL string. */
const prometheusRegularEscape = (value: string): string => value.replace(/\\/g, '\\\\').replace(/'/g, "\\\\'");
/** Prometheus data source: a value inside a regex inside a PromQL string. */
const prometheusSpecialRegexEscape = (value: string): string => value.replace(/\\/g, '\\\\\\\\').replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');

/** The rate interval Grafana computes for a step and a scrape interval, in seconds. */
export function rateIntervalSeconds(intervalSeconds: number, scrapeIntervalSeconds: number): number {
  return Math.max(intervalSeconds + scrapeIntervalSeconds, 4 * scrapeIntervalSeconds);
}

function builtIns(context: InterpolationContext): Record<string, string> {
  const interval = context.intervalSeconds;
  const rateInterval = rateIntervalSeconds(interval, context.scrapeIntervalSeconds);
  const range = Math.round(context.rangeSeconds);
  return {
    __interval: `${interval}s`,
    __interval_ms: String(interval * 1000),
    __rate_interval: `${rateInterval}s`,
    __rate_interval_ms: String(rateInterval * 1000),
    __range: `${range}s`,
    __range_s: String(range),
    __range_ms: String(range * 1000),
  };
}

function selectedValues(definition: VariableDefinition, selection: VariableSelection): { values: readonly string[]; allValue?: string } {
  if ('all' in selection) {
    if (!definition.includeAll) throw new Error(`variable '${definition.name}' has no "All" option (includeAll is false)`);
    return definition.allValue !== undefined && definition.allValue !== '' ? { values: [], allValue: definition.allValue } : { values: selection.options };
  }
  if (selection.values.length > 1 && !definition.multi)
    throw new Error(`variable '${definition.name}' is not multi-valued but ${selection.values.length} values were selected`);
  return { values: selection.values };
}

function formatUserVariable(definition: VariableDefinition, selection: VariableSelection, format: string | undefined): string {
  const { values, allValue } = selectedValues(definition, selection);
  if (allValue !== undefined) return allValue; // Grafana inserts a custom all value unformatted
  switch (format) {
    case undefined: {
      if (!definition.multi && !definition.includeAll) return prometheusRegularEscape(values[0] ?? '');
      const escaped = values.map(prometheusSpecialRegexEscape);
      return escaped.length === 1 ? (escaped[0] ?? '') : `(${escaped.join('|')})`;
    }
    case 'regex':
      return values.length === 1 ? regexEscape(values[0] ?? '') : `(${values.map(regexEscape).join('|')})`;
    case 'pipe':
      return values.join('|');
    case 'csv':
      return values.join(',');
    case 'raw':
      return values.join(',');
    default:
      throw new Error(`variable '${definition.name}': format '${format}' is not supported here (use regex, pipe, csv or raw)`);
  }
}

/** `expr` with every Grafana variable replaced as Grafana would replace it before sending it to Prometheus. */
export function interpolate(expr: string, context: InterpolationContext): string {
  const builtIn = builtIns(context);
  return expr.replace(
    VARIABLE_PATTERN,
    (match, plain?: string, bracket?: string, bracketFormat?: string, braced?: string, _field?: string, bracedFormat?: string) => {
      const name = plain ?? bracket ?? braced ?? '';
      const format = bracketFormat ?? bracedFormat;
      const builtInValue = builtIn[name];
      if (builtInValue !== undefined) return builtInValue;
      const variable = context.variables[name];
      if (variable === undefined) throw new Error(`unknown Grafana variable '${match}' in query: ${expr}`);
      return formatUserVariable(variable.definition, variable.selection, format);
    },
  );
}

/** The templating variables of a dashboard JSON model (datasource variables included). */
export function dashboardVariables(dashboard: unknown): (VariableDefinition & { readonly type: string; readonly query: unknown })[] {
  const list = isMap(dashboard) && isMap(dashboard.templating) && Array.isArray(dashboard.templating.list) ? dashboard.templating.list : [];
  return list.filter(isMap).map((variable) => ({
    name: String(variable.name),
    type: String(variable.type),
    multi: variable.multi === true,
    includeAll: variable.includeAll === true,
    allValue: typeof variable.allValue === 'string' && variable.allValue !== '' ? variable.allValue : undefined,
    query: variable.query,
  }));
}
