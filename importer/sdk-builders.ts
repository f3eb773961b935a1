// Which foundation SDK builder rebuilds which piece of a dashboard, and which JSON path each of its one-argument
// methods writes. The paths are learned from the SDK itself (call each method with a sentinel, find where the
// sentinel lands), so a new SDK version brings its new methods without a table here going stale.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as barchart from '@grafana/grafana-foundation-sdk/barchart';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as gauge from '@grafana/grafana-foundation-sdk/gauge';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as histogram from '@grafana/grafana-foundation-sdk/histogram';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as piechart from '@grafana/grafana-foundation-sdk/piechart';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as statushistory from '@grafana/grafana-foundation-sdk/statushistory';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as text from '@grafana/grafana-foundation-sdk/text';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

type AnyBuilder = { build(): unknown } & Record<string, unknown>;

/** One SDK builder class: where it is imported from and how it is constructed. */
export interface BuilderKind {
  /** The SDK sub-module, imported as `* as <module>`. */
  readonly module: string;
  readonly className: string;
  /** The JSON key passed to the constructor (the dashboard's title, a variable's name), not set by a method. */
  readonly constructorKey?: string;
  readonly create: (arg: string) => AnyBuilder;
}

const kind = (module: string, className: string, create: (arg: string) => unknown, constructorKey?: string): BuilderKind => ({
  module,
  className,
  create: create as (arg: string) => AnyBuilder,
  ...(constructorKey === undefined ? {} : { constructorKey }),
});

export const DASHBOARD = kind('dashboard', 'DashboardBuilder', (t) => new dashboard.DashboardBuilder(t), 'title');
export const ROW = kind('dashboard', 'RowBuilder', (t) => new dashboard.RowBuilder(t), 'title');
export const PROMETHEUS_QUERY = kind('prometheus', 'DataqueryBuilder', () => new prometheus.DataqueryBuilder());

/** Panel types the SDK has a builder for, by the `type` Grafana writes. */
export const PANELS: ReadonlyMap<string, BuilderKind> = new Map([
  ['timeseries', kind('timeseries', 'PanelBuilder', () => new timeseries.PanelBuilder())],
  ['stat', kind('stat', 'PanelBuilder', () => new stat.PanelBuilder())],
  ['table', kind('table', 'PanelBuilder', () => new table.PanelBuilder())],
  ['heatmap', kind('heatmap', 'PanelBuilder', () => new heatmap.PanelBuilder())],
  ['gauge', kind('gauge', 'PanelBuilder', () => new gauge.PanelBuilder())],
  ['bargauge', kind('bargauge', 'PanelBuilder', () => new bargauge.PanelBuilder())],
  ['barchart', kind('barchart', 'PanelBuilder', () => new barchart.PanelBuilder())],
  ['text', kind('text', 'PanelBuilder', () => new text.PanelBuilder())],
  ['state-timeline', kind('statetimeline', 'PanelBuilder', () => new statetimeline.PanelBuilder())],
  ['status-history', kind('statushistory', 'PanelBuilder', () => new statushistory.PanelBuilder())],
  ['piechart', kind('piechart', 'PanelBuilder', () => new piechart.PanelBuilder())],
  ['histogram', kind('histogram', 'PanelBuilder', () => new histogram.PanelBuilder())],
  ['logs', kind('logs', 'PanelBuilder', () => new logs.PanelBuilder())],
]);

/** Template variables by `type`. */
export const VARIABLES: ReadonlyMap<string, BuilderKind> = new Map([
  ['query', kind('dashboard', 'QueryVariableBuilder', (n) => new dashboard.QueryVariableBuilder(n), 'name')],
  ['custom', kind('dashboard', 'CustomVariableBuilder', (n) => new dashboard.CustomVariableBuilder(n), 'name')],
  ['datasource', kind('dashboard', 'DatasourceVariableBuilder', (n) => new dashboard.DatasourceVariableBuilder(n), 'name')],
  ['constant', kind('dashboard', 'ConstantVariableBuilder', (n) => new dashboard.ConstantVariableBuilder(n), 'name')],
  ['interval', kind('dashboard', 'IntervalVariableBuilder', (n) => new dashboard.IntervalVariableBuilder(n), 'name')],
  ['textbox', kind('dashboard', 'TextBoxVariableBuilder', (n) => new dashboard.TextBoxVariableBuilder(n), 'name')],
  ['adhoc', kind('dashboard', 'AdHocVariableBuilder', (n) => new dashboard.AdHocVariableBuilder(n), 'name')],
]);

const NAMESPACES: Readonly<Record<string, unknown>> = {
  bargauge,
  barchart,
  common,
  dashboard,
  gauge,
  heatmap,
  histogram,
  logs,
  piechart,
  prometheus,
  stat,
  statetimeline,
  statushistory,
  table,
  text,
  timeseries,
};
const nestedCache = new Map<string, BuilderKind | undefined>();

/**
 * The SDK builder of a type a method takes as `cog.Builder<module.Name>` (common.VizLegendOptions →
 * common.VizLegendOptionsBuilder), with no constructor argument or one that lands on a single key
 * (dashboard.DashboardLinkBuilder(title)).
 */
export function builderFor(typeText: string): BuilderKind | undefined {
  if (nestedCache.has(typeText)) return nestedCache.get(typeText);
  const [module, name] = typeText.split('.');
  const namespace = module === undefined ? undefined : (NAMESPACES[module] as Record<string, unknown> | undefined);
  const builderClass = name === undefined ? undefined : namespace?.[`${name}Builder`];
  let found: BuilderKind | undefined;
  if (typeof builderClass === 'function' && module !== undefined && builderClass.length <= 1) {
    const Builder = builderClass as new (argument?: string) => { build(): unknown };
    if (builderClass.length === 0) found = kind(module, `${name}Builder`, () => new Builder());
    else {
      const marker = 'importer-constructor-sentinel';
      const built = new Builder(marker).build();
      const key = typeof built === 'object' && built !== null ? Object.entries(built).find(([, v]) => v === marker)?.[0] : undefined;
      if (key !== undefined) found = kind(module, `${name}Builder`, (argument) => new Builder(argument), key);
    }
  }
  nestedCache.set(typeText, found);
  return found;
}

/** How a method takes its argument: the value itself, a builder of it, or an array of builders. */
export type ArgumentShape = 'value' | 'builder' | 'builders';

export interface Setter {
  readonly method: string;
  readonly shape: ArgumentShape;
  /** The parameter's declared type (from the SDK's .d.ts), to know whether a JSON literal fits it as is. */
  readonly parameterType: string;
}

const SENTINEL = Object.freeze({ importerSentinel: true });

// Methods that validate their number (fillOpacity ≤ 100, fiscalYearStartMonth ≤ 11) reject the object sentinel.
const NUMBER_SENTINEL = 7.0625;

function findSentinel(value: unknown, marker: unknown, path: string[] = []): string[] | undefined {
  if (value === marker) return path;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = findSentinel(child, marker, [...path, key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

function tryShape(kindOf: BuilderKind, method: string, argument: unknown, marker: unknown): string[] | undefined {
  const builder = kindOf.create('x');
  try {
    (builder[method] as (a: unknown) => unknown).call(builder, argument);
  } catch {
    return undefined;
  }
  return findSentinel(builder.build(), marker);
}

const parameterTypeCache = new Map<string, Map<string, string>>();
const require = createRequire(import.meta.url);

function parameterTypes(kindOf: BuilderKind): Map<string, string> {
  const key = `${kindOf.module}/${kindOf.className}`;
  const cached = parameterTypeCache.get(key);
  if (cached) return cached;
  const dir = dirname(require.resolve(`@grafana/grafana-foundation-sdk/${kindOf.module}`));
  const file = `${kindOf.className[0]?.toLowerCase()}${kindOf.className.slice(1)}.gen.d.ts`;
  const types = new Map<string, string>();
  for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/^\s{4}(\w+)\(\w+: ([^)]*)\): this;$/gm)) {
    if (match[1] !== undefined && match[2] !== undefined) types.set(match[1], match[2]);
  }
  parameterTypeCache.set(key, types);
  return types;
}

const settersCache = new Map<BuilderKind, Map<string, Setter>>();

/** The one-argument methods of a builder, by the dotted JSON path they write (`options.legend`, `fieldConfig.defaults.unit`). */
export function settersOf(kindOf: BuilderKind): Map<string, Setter> {
  const cached = settersCache.get(kindOf);
  if (cached) return cached;
  const setters = new Map<string, Setter>();
  const types = parameterTypes(kindOf);
  for (const [method, parameterType] of types) {
    const attempts: [ArgumentShape, unknown, unknown, (p: string[]) => string[] | undefined][] = [
      ['builder', { build: () => SENTINEL }, SENTINEL, (p) => p],
      ['value', SENTINEL, SENTINEL, (p) => p],
      ['builders', [{ build: () => SENTINEL }], SENTINEL, (p) => (p.at(-1) === '0' ? p.slice(0, -1) : undefined)],
      ['value', NUMBER_SENTINEL, NUMBER_SENTINEL, (p) => p],
    ];
    for (const [shape, argument, marker, toPath] of attempts) {
      const found = tryShape(kindOf, method, argument, marker);
      const path = found === undefined ? undefined : toPath(found);
      // A method that appends (withTarget, withOverride) lands on an index: the caller handles those arrays.
      if (path === undefined || path.length === 0 || path.some((p) => /^\d+$/.test(p))) continue;
      const dotted = path.join('.');
      if (!setters.has(dotted)) setters.set(dotted, { method, shape, parameterType });
      break;
    }
  }
  settersCache.set(kindOf, setters);
  return setters;
}

const switchesCache = new Map<BuilderKind, Map<string, Record<string, unknown>>>();

/** The methods without an argument (instant(), range(), editable()) and the top-level keys each one changes. */
export function switchesOf(kindOf: BuilderKind): Map<string, Record<string, unknown>> {
  const cached = switchesCache.get(kindOf);
  if (cached) return cached;
  const switches = new Map<string, Record<string, unknown>>();
  const dir = dirname(require.resolve(`@grafana/grafana-foundation-sdk/${kindOf.module}`));
  const file = `${kindOf.className[0]?.toLowerCase()}${kindOf.className.slice(1)}.gen.d.ts`;
  const before = defaultsOf(kindOf);
  for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/^\s{4}(\w+)\(\): this;$/gm)) {
    const method = match[1];
    if (method === undefined) continue;
    const builder = kindOf.create('');
    (builder[method] as () => unknown).call(builder);
    const after = JSON.parse(JSON.stringify(builder.build())) as Record<string, unknown>;
    const writes: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(after)) if (JSON.stringify(value) !== JSON.stringify(before[key])) writes[key] = value;
    if (Object.keys(writes).length > 0) switches.set(method, writes);
  }
  switchesCache.set(kindOf, switches);
  return switches;
}

/** What an empty builder of this kind produces: the defaults a JSON key may be missing for. */
export function defaultsOf(kindOf: BuilderKind): Record<string, unknown> {
  return JSON.parse(JSON.stringify(kindOf.create('').build())) as Record<string, unknown>;
}
