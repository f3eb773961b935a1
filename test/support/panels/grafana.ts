// A dashboard panel as Grafana shows it, computed by Grafana's own data library (@grafana/data, Apache-2.0):
// Prometheus results framed as Grafana's Prometheus data source frames them, the panel's transformations
// run by transformDataFrame, its field config applied by applyFieldOverrides, and the values reduced and
// formatted by getFieldDisplayValues (what stat, bar gauge and table panels call), thresholds included.
// Nothing here re-implements a transformation: a wrong field name in a dashboard produces the same
// "No data" as in Grafana, and referencePanelProblems() reports it, since Grafana itself only shows it.
import { createRequire } from 'node:module';
import type {
  DataFrame,
  DataTransformerConfig,
  DataTransformerInfo,
  Field,
  FieldConfigPropertyItem,
  FieldConfigSource,
  FieldDisplay,
  ReduceDataOptions,
  ThresholdsConfig,
  TransformerRegistryItem,
} from '@grafana/data';
import type { InstantSample } from '../../../stack/prometheus-api.ts';

// The package's ESM build cannot be loaded by Node (a named import from moment-timezone's CommonJS), so
// load its CommonJS build; the types are the package's own.
const grafana = createRequire(import.meta.url)('@grafana/data') as typeof import('@grafana/data');
const { FieldType } = grafana;

// ---- Registries, as Grafana's app fills them at start-up ------------------------------------------------
// Transformations: Grafana registers every standard transformer (public/app/features/transformers/
// standardTransformers.ts, `standardTransformersRegistry.setInit(getStandardTransformers)` in app.ts), each
// with an editor; here the same DataTransformerInfo objects with no editor, as Grafana's own
// mockTransformationsRegistry does in its tests. Some are listed under two names (seriesToColumns is
// joinByField's old id, registered as its alias), so one entry per id.
grafana.standardTransformersRegistry.setInit(() =>
  [...new Map(Object.values(grafana.standardTransformers).map((info: DataTransformerInfo) => [info.id, info])).values()].map(
    (info): TransformerRegistryItem => ({
      id: info.id,
      aliasIds: info.aliasIds,
      name: info.name,
      description: info.description,
      transformation: () => Promise.resolve(info),
      editor: () => null,
      imageDark: '',
      imageLight: '',
    }),
  ),
);
// Field config: the standard options with the processors Grafana uses for them
// (public/app/core/components/OptionsUI/registry.tsx, getAllStandardFieldConfigs; its editors are React).
const standardOption = (
  id: string,
  process: FieldConfigPropertyItem['process'],
  shouldApply: (field: Field) => boolean = () => true,
  defaultValue?: unknown,
): FieldConfigPropertyItem =>
  ({
    id,
    path: id,
    name: id,
    process,
    shouldApply,
    defaultValue,
    override: () => null,
    editor: () => null,
    settings: {},
  }) as unknown as FieldConfigPropertyItem;
const isNumber = (field: Field): boolean => field.type === FieldType.number;
grafana.standardFieldConfigEditorRegistry.setInit(() => [
  standardOption('unit', grafana.stringOverrideProcessor),
  standardOption('min', grafana.numberOverrideProcessor, isNumber),
  standardOption('max', grafana.numberOverrideProcessor, isNumber),
  standardOption('decimals', grafana.numberOverrideProcessor, isNumber),
  standardOption('displayName', grafana.displayNameOverrideProcessor),
  standardOption('color', grafana.identityOverrideProcessor),
  standardOption('noValue', grafana.stringOverrideProcessor),
  standardOption('links', grafana.dataLinksOverrideProcessor),
  standardOption('mappings', grafana.valueMappingsOverrideProcessor, (field) => field.type !== FieldType.time, []),
  standardOption('thresholds', grafana.thresholdsOverrideProcessor, () => true, {
    mode: grafana.ThresholdsMode.Absolute,
    steps: [
      { value: -Infinity, color: 'green' },
      { value: 80, color: 'red' },
    ],
  }),
]);

const theme = grafana.createTheme();
const noVariables = (text: string): string => text; // queries are interpolated before they run (stack/grafana-vars.ts)

/**
 * Browser globals @grafana/data reads while it runs (not when it loads): `window.__grafanaSceneContext` in
 * transformDataFrame, `navigator.languages` for date formats. Defined only for the call: defined while
 * other modules load, they would make libraries think they run in a browser.
 */
async function withBrowserGlobals<T>(run: () => T | Promise<T>): Promise<T> {
  const globals = globalThis as { window?: unknown; navigator?: unknown };
  const had = { window: 'window' in globalThis, navigator: globals.navigator !== undefined };
  if (!had.window) globals.window = {};
  if (!had.navigator)
    Object.defineProperty(globalThis, 'navigator', { value: { language: 'en-US', languages: ['en-US'] }, configurable: true, writable: true });
  try {
    return await run();
  } finally {
    if (!had.window) delete globals.window;
    if (!had.navigator) delete globals.navigator;
  }
}

// ---- Framing, as Grafana's Prometheus data source does ---------------------------------------------------
/** The parts of a dashboard target that decide how its result is framed. */
export interface PanelTarget {
  readonly refId: string;
  readonly expr: string;
  readonly legendFormat?: string;
  readonly format?: string;
}

/** Prometheus' model.Metric.String(): `name{a="1", b="2"}`, `{}` for no labels. */
function metricName(labels: Readonly<Record<string, string>>): string {
  const { __name__: name = '', ...rest } = labels;
  const pairs = Object.entries(rest)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .sort();
  if (pairs.length === 0) return name === '' ? '{}' : name;
  return `${name}{${pairs.join(', ')}}`;
}

/**
 * The series name Grafana gives a result (pkg/promlib/querydata/response.go, getName): the legend format with
 * `{{label}}` replaced (a missing label by ''), `__auto` → '' when there are labels, no legend → the
 * metric's name and labels; `{}` → the query expression.
 */
export function seriesName(target: PanelTarget, labels: Readonly<Record<string, string>>): string {
  let legend = metricName(labels);
  if (target.legendFormat === '__auto') {
    if (Object.keys(labels).length > 0) legend = '';
  } else if (target.legendFormat !== undefined && target.legendFormat !== '') {
    legend = target.legendFormat.replace(/\{\{\s*(.+?)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
  }
  return legend === '{}' ? target.expr : legend;
}

/**
 * One frame per series, [Time, Value], the labels on Value, `displayNameFromDS` and the frame name from the
 * legend (pkg/promlib/converter/prom.go readMatrixOrVectorMulti; querydata/response.go
 * addMetadataToMultiFrame). Targets with format=table are then merged per refId into one table frame,
 * [Time, one field per label (sorted), Value], the value column named "Value #<refId>" when the panel has
 * several table queries and "Value" otherwise (packages/grafana-prometheus/src/result_transformer.ts,
 * transformDFToTable and getValueText). Heatmap targets stay time series here: Grafana would also
 * de-accumulate their buckets for the heatmap panel, which shows no single value to compare.
 */
export function framesFromPrometheus(results: readonly { readonly target: PanelTarget; readonly samples: readonly InstantSample[] }[]): DataFrame[] {
  const series: DataFrame[] = [];
  const tables = results.filter(({ target }) => target.format === 'table');
  for (const { target, samples } of results) {
    if (target.format === 'table') continue;
    for (const sample of samples) {
      const name = seriesName(target, sample.metric);
      series.push({
        name,
        refId: target.refId,
        length: 1,
        fields: [
          { name: 'Time', type: FieldType.time, config: {}, values: [sample.value[0] * 1000] },
          {
            name: 'Value',
            type: FieldType.number,
            config: name === '' ? {} : { displayNameFromDS: name },
            labels: { ...sample.metric },
            values: [parsePrometheusValue(sample.value[1])],
          },
        ],
      });
    }
  }
  const tableFrames = tables.map(({ target, samples }): DataFrame => {
    const labelNames = [...new Set(samples.flatMap((s) => Object.keys(s.metric)))].sort();
    return {
      refId: target.refId,
      length: samples.length,
      fields: [
        { name: 'Time', type: FieldType.time, config: {}, values: samples.map((s) => s.value[0] * 1000) },
        ...labelNames.map(
          (label): Field => ({ name: label, type: FieldType.string, config: { filterable: true }, values: samples.map((s) => s.metric[label] ?? '') }),
        ),
        {
          name: tables.length > 1 ? `Value #${target.refId}` : 'Value',
          type: FieldType.number,
          config: {},
          values: samples.map((s) => parsePrometheusValue(s.value[1])),
        },
      ],
    };
  });
  return [...series, ...tableFrames];
}

/** Prometheus' sample values: numbers as strings, infinities as ±Inf (result_transformer.ts parseSampleValue). */
function parsePrometheusValue(value: string): number {
  if (/^[+-]?inf(inity)?$/i.test(value)) return value.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return Number.parseFloat(value);
}

// ---- The panel ------------------------------------------------------------------------------------------
/** The parts of a dashboard panel that decide what it shows. */
export interface PanelModel {
  readonly type: string;
  readonly transformations?: readonly DataTransformerConfig[];
  readonly fieldConfig?: FieldConfigSource;
  readonly options?: { readonly reduceOptions?: ReduceDataOptions };
}

/** One value a user sees on the panel: a stat, a bar, a table cell, a series' last value in the legend. */
export interface ShownValue {
  /** The field's display name (legend, column header, stat title). */
  readonly name: string;
  /** The field's name in the frame ("Value", "Value #idle", a calculated field's alias). */
  readonly fieldName: string;
  /** The query the value comes from, when it can be told: the frame's refId, or "Value #<refId>" in a table. */
  readonly refId: string | undefined;
  /** The series' labels, and in a table the row's text cells by column name. */
  readonly labels: Readonly<Record<string, string>>;
  readonly numeric: number;
  /** As formatted for the user (unit, decimals, no-value text). */
  readonly text: string;
  /** The colour the value is drawn in (thresholds, or the field's fixed colour), as a CSS colour. */
  readonly color: string;
  /** The thresholds that colour it, when its colour comes from thresholds (Grafana's default colour mode). */
  readonly thresholds?: ThresholdsConfig;
}

export interface RenderedPanel {
  readonly values: readonly ShownValue[];
  /** Transformations naming fields their input lacks, a panel left with no value: what Grafana shows as "No data". */
  readonly problems: readonly string[];
  /** The frames after the transformations, before field config (for messages). */
  readonly frames: readonly DataFrame[];
}

/** Field names a transformation's options refer to: byName/byNames matchers, organize's keys, calculateField's operands. */
export function referencedFieldNames(transformation: DataTransformerConfig): string[] {
  const names: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const object = value as Record<string, unknown>;
    if (object.id === grafana.FieldMatcherID.byName && typeof object.options === 'string') names.push(object.options);
    if (object.id === grafana.FieldMatcherID.byNames && typeof object.options === 'object' && object.options !== null) {
      const listed = (object.options as { names?: unknown }).names;
      if (Array.isArray(listed)) names.push(...listed.filter((n): n is string => typeof n === 'string'));
    }
    for (const [key, child] of Object.entries(object)) {
      if (['renameByName', 'excludeByName', 'indexByName'].includes(key) && typeof child === 'object' && child !== null) names.push(...Object.keys(child));
      else if (key === 'binary' && typeof child === 'object' && child !== null) {
        // calculateField's operands: { matcher } or { fixed } objects, or in the older format a field name or a number as a string.
        for (const operand of [(child as Record<string, unknown>).left, (child as Record<string, unknown>).right]) {
          if (typeof operand === 'string' && Number.isNaN(Number(operand))) names.push(operand);
          else visit(operand);
        }
      } else visit(child);
    }
  };
  visit(transformation.options);
  return [...new Set(names)];
}

function fieldExists(name: string, frames: readonly DataFrame[]): boolean {
  const matches = grafana.fieldMatchers.get(grafana.FieldMatcherID.byName).get(name);
  return frames.some((frame) => frame.fields.some((field) => matches(field, frame, [...frames])));
}

const displayNames = (frames: readonly DataFrame[]): string[] =>
  frames.flatMap((frame) => frame.fields.map((field) => grafana.getFieldDisplayName(field, frame, [...frames])));

function runTransformation(config: DataTransformerConfig, frames: DataFrame[]): Promise<DataFrame[]> {
  // transformDataFrame returns an rxjs Observable that emits once for data that does not stream.
  return new Promise((resolve, reject) => {
    const subscription = grafana.transformDataFrame([config], frames).subscribe({
      next: (value) => {
        resolve(value);
        queueMicrotask(() => subscription.unsubscribe());
      },
      error: reject,
      complete: () => reject(new Error(`transformation ${config.id} completed without output`)),
    });
  });
}

/** The panel as Grafana would show it for these frames (see the top of this file). `where` prefixes problems. */
export function renderPanel(panel: PanelModel, frames: readonly DataFrame[], where: string): Promise<RenderedPanel> {
  return withBrowserGlobals(async () => {
    const problems: string[] = [];
    let current = [...frames];
    for (const [index, transformation] of (panel.transformations ?? []).entries()) {
      if (transformation.disabled === true) continue;
      if (grafana.standardTransformersRegistry.getIfExists(transformation.id) === undefined) {
        problems.push(`${where}: transformation ${index + 1} "${transformation.id}" is not one of Grafana's transformations`);
        continue;
      }
      for (const name of referencedFieldNames(transformation)) {
        if (!fieldExists(name, current)) {
          problems.push(
            `${where}: transformation ${index + 1} (${transformation.id}) names the field "${name}", which its input does not have (fields: ${JSON.stringify(displayNames(current))})`,
          );
        }
      }
      current = await runTransformation(transformation, current);
    }
    const fieldConfig = panel.fieldConfig ?? { defaults: {}, overrides: [] };
    const data = grafana.applyFieldOverrides({ data: current, fieldConfig, replaceVariables: noVariables, theme, timeZone: 'utc' });
    const reduceOptions: ReduceDataOptions = panel.options?.reduceOptions ?? { calcs: ['lastNotNull'], values: panel.type === 'table' };
    const displayed: FieldDisplay[] = grafana.getFieldDisplayValues({
      data,
      reduceOptions: { limit: 1000, ...reduceOptions },
      fieldConfig,
      replaceVariables: noVariables,
      theme,
      timeZone: 'utc',
    });
    const values: ShownValue[] = [];
    for (const shown of displayed) {
      const frame = shown.view?.dataFrame;
      const field = shown.colIndex === undefined ? undefined : frame?.fields[shown.colIndex];
      if (frame === undefined || field === undefined) continue; // Grafana's "no values" placeholder
      const row: Record<string, string> = {};
      if (reduceOptions.values === true && shown.rowIndex !== undefined) {
        for (const other of frame.fields)
          if (other.type === FieldType.string) row[grafana.getFieldDisplayName(other, frame, data)] = String(other.values[shown.rowIndex]);
      }
      const valueColumn = /^Value #(.+)$/.exec(field.name);
      values.push({
        name: grafana.getFieldDisplayName(field, frame, data),
        fieldName: field.name,
        refId: valueColumn?.[1] ?? ((panel.transformations ?? []).length === 0 ? frame.refId : undefined),
        labels: { ...field.labels, ...row },
        numeric: shown.display.numeric,
        text: `${shown.display.prefix ?? ''}${shown.display.text}${shown.display.suffix ?? ''}`,
        color: shown.display.color ?? '',
        ...((field.config.color?.mode ?? grafana.FieldColorModeId.Thresholds) === grafana.FieldColorModeId.Thresholds && field.config.thresholds !== undefined
          ? { thresholds: field.config.thresholds }
          : {}),
      });
    }
    if (values.length === 0)
      problems.push(
        `${where}: Grafana shows no value ("${fieldConfig.defaults.noValue ?? 'No data'}") from the fields ${JSON.stringify(displayNames(current))}`,
      );
    return { values, problems, frames: current };
  });
}

/** The colours Grafana draws values in [low, high] with these absolute thresholds (the steps the interval touches). */
export function thresholdColours(
  thresholds: { readonly steps: readonly { readonly value: number | null; readonly color: string }[] },
  low: number,
  high: number,
): string[] {
  const steps = thresholds.steps.map((s) => ({ ...s, value: s.value ?? -Infinity }));
  const colours = new Set<string>();
  for (const [index, step] of steps.entries()) {
    const next = steps[index + 1]?.value ?? Infinity;
    if (step.value <= high && next > low) colours.add(theme.visualization.getColorByName(step.color));
  }
  return [...colours];
}
