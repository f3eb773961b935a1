// Panel factories: each one sets what every panel must have (id, title, description, unit, the
// datasource variable on the panel and on every query) and the visual defaults of its kind. Dashboard
// modules add what is specific to one panel by chaining on the returned SDK builder.

import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type * as units from '@grafana/grafana-foundation-sdk/units';
import { query } from './queries.ts';
import type { QuerySpec } from './queries.ts';
import { DATASOURCE } from './variables.ts';

/** A Grafana unit id known to the SDK ('s', 'percentunit', 'reqps', …): a typo is a compile error. */
// Extract: under Node's CJS interop the namespace also has a `default` key (the module object itself).
export type Unit = Extract<(typeof units)[keyof typeof units], string>;

export interface PanelSpec {
  /** Constant per dashboard, never derived from position: links, alerts and users' bookmarks keep working. */
  readonly id: number;
  readonly title: string;
  readonly description: string;
  readonly unit: Unit;
  readonly queries: readonly QuerySpec[];
  /** Text instead of "No data"; say why the panel can be empty. */
  readonly noValue?: string;
}

/**
 * What a time series does where its series are missing. 'gap': show the hole (absence is information:
 * an outage, or nothing to measure). 'bridge': connect holes shorter than BRIDGE_GAPS_UP_TO_MS (one
 * missed scrape or a stretched poll), still showing longer outages as holes. Neither draws a zero: a
 * true zero must come from the query itself (see orZeroForListedQueues).
 */
export type MissingData = 'gap' | 'bridge';

/** Longer than a stretched poll interval plus a missed scrape, shorter than an outage worth seeing. */
export const BRIDGE_GAPS_UP_TO_MS = 5 * 60 * 1000;

/** The builder methods every panel kind shares (each SDK panel builder is its own class). */
interface DescribablePanel<Self> {
  id(id: number): Self;
  title(title: string): Self;
  description(description: string): Self;
  datasource(datasource: common.DataSourceRef): Self;
  unit(unit: string): Self;
  noValue(noValue: string): Self;
  withTarget(target: cog.Builder<cog.Dataquery>): Self;
}

function describe<B extends DescribablePanel<B>>(builder: B, spec: PanelSpec): B {
  builder.id(spec.id).title(spec.title).description(spec.description).datasource(DATASOURCE).unit(spec.unit);
  if (spec.noValue !== undefined) builder.noValue(spec.noValue);
  for (const q of spec.queries) builder.withTarget(query(q));
  return builder;
}

function lastValueOf(calc: 'last' | 'lastNotNull'): common.ReduceDataOptionsBuilder {
  return new common.ReduceDataOptionsBuilder().calcs([calc]).values(false);
}

export function timeSeriesPanel(spec: PanelSpec & { readonly missing: MissingData }): timeseries.PanelBuilder {
  return describe(new timeseries.PanelBuilder(), spec)
    .spanNulls(spec.missing === 'bridge' ? BRIDGE_GAPS_UP_TO_MS : false)
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .calcs(['lastNotNull', 'max']),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
}

/**
 * One big number. `reduce` 'lastNotNull' keeps showing the last known value through a hole; 'last' shows
 * "No data" (or noValue) as soon as the newest point is missing.
 */
export function statPanel(spec: PanelSpec & { readonly reduce: 'last' | 'lastNotNull' }): stat.PanelBuilder {
  return describe(new stat.PanelBuilder(), spec)
    .reduceOptions(lastValueOf(spec.reduce))
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .textMode(common.BigValueTextMode.Auto);
}

/** One horizontal bar per series (per queue, per endpoint), last non-null value. */
export function barGaugePanel(spec: PanelSpec): bargauge.PanelBuilder {
  return describe(new bargauge.PanelBuilder(), spec)
    .reduceOptions(lastValueOf('lastNotNull'))
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .showUnfilled(true)
    .min(0);
}

export function tablePanel(spec: PanelSpec): table.PanelBuilder {
  return describe(new table.PanelBuilder(), spec).showHeader(true).cellHeight(common.TableCellHeight.Sm);
}

/** Pre-bucketed data (Prometheus `format: heatmap`): Grafana must not re-bucket it. `unit` is the cells'. */
export function heatmapPanel(spec: PanelSpec & { readonly yUnit: Unit }): heatmap.PanelBuilder {
  return describe(new heatmap.PanelBuilder(), spec)
    .calculate(false)
    .yAxis(new heatmap.YAxisConfigBuilder().unit(spec.yUnit))
    .cellValues(new heatmap.CellValuesBuilder().unit(spec.unit))
    .rowsFrame(new heatmap.RowsHeatmapOptionsBuilder().layout(common.HeatmapCellLayout.Le))
    .color(new heatmap.HeatmapColorOptionsBuilder().mode(heatmap.HeatmapColorMode.Scheme).scheme('Oranges').steps(64))
    .showLegend();
}

/** Display text and colour for each value of a 0/1 (or small enum) gauge. */
export type States = Readonly<Record<number, { readonly text: string; readonly color: string }>>;

export function stateMappings(states: States): dashboard.ValueMapping[] {
  const options: Record<string, dashboard.ValueMappingResult> = {};
  Object.entries(states).forEach(([value, state], index) => {
    options[value] = { text: state.text, color: state.color, index };
  });
  return [{ type: dashboard.MappingType.ValueToText, options }];
}

/** States over time (up/down, circuit open/closed), one row per series. */
export function stateTimelinePanel(spec: PanelSpec & { readonly states: States }): statetimeline.PanelBuilder {
  return describe(new statetimeline.PanelBuilder(), spec)
    .mappings(stateMappings(spec.states))
    .showValue(common.VisibilityMode.Never)
    .mergeValues(true)
    .fillOpacity(80);
}

/** Absolute thresholds; the first step's value is null (everything below the next step). */
export function thresholds(steps: readonly dashboard.Threshold[]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps.map((step) => ({ ...step })));
}

/** Colour values by the panel's thresholds. */
export function colorByThresholds(): dashboard.FieldColorBuilder {
  return new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds);
}

/** Draw a time series' thresholds as dashed lines, so "how close to the limit" is visible. */
export function dashedThresholdLines(): common.GraphThresholdsStyleConfigBuilder {
  return new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed);
}

/** An override property; Grafana's dashboard JSON schema admits only object values here. */
export interface OverrideProperty {
  readonly id: string;
  readonly value: object;
}

/**
 * An override for the fields with these display names (a series' legend, a table column). It uses the
 * `byNames` matcher because the schema admits only object matcher options (`byName` takes a string).
 */
export function overrideFields(
  names: readonly string[],
  properties: readonly OverrideProperty[],
): { matcher: dashboard.MatcherConfig; properties: dashboard.DynamicConfigValue[] } {
  return {
    matcher: { id: 'byNames', options: { mode: 'include', names: [...names], prefix: 'All except:', readOnly: true } },
    properties: properties.map((property) => ({ id: property.id, value: { ...property.value } })),
  };
}

/** A dashed line, for reference series (targets, budgets). */
export const DASHED_LINE: OverrideProperty = { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } };
