// This project's panel factories (dashboards/common/panels.ts: timeSeriesPanel, statPanel, barGaugePanel, tablePanel,
// heatmapPanel, stateTimelinePanel) for an imported panel that contains exactly what the factory produces: the
// factory's PanelSpec is read from the panel, the factory is called, and the panel must hold every value it set.
// What the panel has beyond that or instead (grid position, thresholds, links, a fill opacity of its own) is chained on
// as setters, the way the hand-written modules do. The factory plus those setters is replayed here and compared with
// the panel, so the round trip holds by construction.

import * as units from '@grafana/grafana-foundation-sdk/units';
import {
  BRIDGE_GAPS_UP_TO_MS,
  DATASOURCE,
  type PanelSpec,
  type States,
  type Unit,
  barGaugePanel,
  heatmapPanel,
  statPanel,
  stateTimelinePanel,
  tablePanel,
  timeSeriesPanel,
} from '../dashboards/common.ts';
import { deepEqual, valueDifferences } from './equivalence.ts';
import { type BuilderKind, type Setter, defaultsOf, settersOf } from './sdk-builders.ts';
import type { TargetCode } from './targets.ts';

type Json = Record<string, unknown>;
type Builder = { build(): unknown } & Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);
const js = (value: unknown) => JSON.stringify(value);

/** What a factory needs beyond PanelSpec, read from the panel: its code and its value. */
interface Extra {
  readonly fields: readonly string[];
  readonly value: Json;
}

interface Factory {
  readonly name: string;
  /** The factory's own argument, read from the panel (undefined: the panel cannot be this factory's). */
  readonly extra: (panel: Json) => Extra | undefined;
  readonly build: (spec: PanelSpec, extra: Json) => Builder;
}

// Under Node's CJS interop the namespace also holds `default` (the module itself): only the strings are units.
const UNITS = new Set<string>(Object.values(units as Record<string, unknown>).filter((v): v is string => typeof v === 'string'));

const at = (value: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, key) => (isObject(v) ? v[key] : undefined), value);
const none: Extra = { fields: [], value: {} };

const FACTORIES: ReadonlyMap<string, Factory> = new Map<string, Factory>([
  [
    'timeseries',
    {
      name: 'timeSeriesPanel',
      extra: (panel) => {
        const spanNulls = at(panel, 'fieldConfig', 'defaults', 'custom', 'spanNulls');
        const missing = spanNulls === BRIDGE_GAPS_UP_TO_MS ? 'bridge' : spanNulls === false ? 'gap' : undefined;
        return missing === undefined ? undefined : { fields: [`missing: ${js(missing)}`], value: { missing } };
      },
      build: (spec, extra) => timeSeriesPanel({ ...spec, missing: extra.missing as 'gap' | 'bridge' }) as unknown as Builder,
    },
  ],
  [
    'stat',
    {
      name: 'statPanel',
      extra: (panel) => {
        const calcs = at(panel, 'options', 'reduceOptions', 'calcs');
        const reduce = Array.isArray(calcs) && calcs.length === 1 && (calcs[0] === 'last' || calcs[0] === 'lastNotNull') ? calcs[0] : undefined;
        return reduce === undefined ? undefined : { fields: [`reduce: ${js(reduce)}`], value: { reduce } };
      },
      build: (spec, extra) => statPanel({ ...spec, reduce: extra.reduce as 'last' | 'lastNotNull' }) as unknown as Builder,
    },
  ],
  ['bargauge', { name: 'barGaugePanel', extra: () => none, build: (spec) => barGaugePanel(spec) as unknown as Builder }],
  ['table', { name: 'tablePanel', extra: () => none, build: (spec) => tablePanel(spec) as unknown as Builder }],
  [
    'heatmap',
    {
      name: 'heatmapPanel',
      extra: (panel) => {
        const yUnit = at(panel, 'options', 'yAxis', 'unit');
        return typeof yUnit === 'string' && UNITS.has(yUnit) ? { fields: [`yUnit: ${js(yUnit)}`], value: { yUnit } } : undefined;
      },
      build: (spec, extra) => heatmapPanel({ ...spec, yUnit: extra.yUnit as Unit }) as unknown as Builder,
    },
  ],
  [
    'state-timeline',
    {
      name: 'stateTimelinePanel',
      extra: (panel) => {
        const mappings = at(panel, 'fieldConfig', 'defaults', 'mappings');
        const options = Array.isArray(mappings) && mappings.length === 1 ? at(mappings[0], 'options') : undefined;
        if (!isObject(options)) return undefined;
        const states: Record<string, { text: string; color: string }> = {};
        for (const [value, result] of Object.entries(options)) {
          if (!/^\d+$/.test(value) || !isObject(result) || typeof result.text !== 'string' || typeof result.color !== 'string') return undefined;
          states[value] = { text: result.text, color: result.color };
        }
        const code = Object.entries(states).map(([value, state]) => `${value}: { text: ${js(state.text)}, color: ${js(state.color)} }`);
        return { fields: [`states: { ${code.join(', ')} }`], value: { states } };
      },
      build: (spec, extra) => stateTimelinePanel({ ...spec, states: extra.states as States }) as unknown as Builder,
    },
  ],
]);

export interface PanelFactoryCall {
  /** The factory imported from dashboards/common.ts. */
  readonly name: string;
  /** `timeSeriesPanel({ … })`, one field a line, each raw query preceded by its comment. */
  readonly code: string;
  /** The setters to chain after it, with the value each writes. */
  readonly setters: readonly (readonly [Setter, unknown])[];
}

/**
 * The setters that turn the factory's panel (`base`) into `panel`, or undefined when the panel has a key no setter
 * writes (then the panel is not one the factory and the SDK's methods produce).
 */
function settersOnTop(kindOf: BuilderKind, panel: Json, base: unknown, defaults: unknown, prefix = ''): [Setter, unknown][] | undefined {
  const setters = settersOf(kindOf);
  const out: [Setter, unknown][] = [];
  for (const [key, value] of Object.entries(panel)) {
    const path = prefix + key;
    if (prefix === '' && (key === 'type' || key === 'targets' || key === 'pluginVersion')) continue;
    const was = isObject(base) ? base[key] : undefined;
    const fallback = isObject(defaults) ? defaults[key] : undefined;
    if (deepEqual(value, was)) continue;
    const setter = setters.get(path);
    if (setter !== undefined && !(setter.shape === 'builders' && !Array.isArray(value))) {
      out.push([setter, value]);
    } else if (isObject(value) && [...setters.keys()].some((p) => p.startsWith(`${path}.`))) {
      const nested = settersOnTop(kindOf, value, was, fallback, `${path}.`);
      if (nested === undefined) return undefined;
      out.push(...nested);
    } else return undefined;
  }
  return out;
}

function replay(builder: Builder, setters: readonly (readonly [Setter, unknown])[]): unknown {
  for (const [setter, value] of setters) {
    const argument =
      setter.shape === 'builder' ? { build: () => value } : setter.shape === 'builders' ? (value as unknown[]).map((v) => ({ build: () => v })) : value;
    (builder[setter.method] as (a: unknown) => unknown).call(builder, argument);
  }
  return JSON.parse(JSON.stringify(builder.build()));
}

/** The factory call for a panel of this project's kind, with the setters to chain after it; undefined otherwise. */
export function panelFactoryFor(panel: Json, kindOf: BuilderKind, targets: readonly TargetCode[]): PanelFactoryCall | undefined {
  const factory = FACTORIES.get(String(panel.type));
  if (factory === undefined || !deepEqual(panel.datasource, DATASOURCE)) return undefined;
  const { id, title, description } = panel;
  const unit = at(panel, 'fieldConfig', 'defaults', 'unit');
  const noValue = at(panel, 'fieldConfig', 'defaults', 'noValue');
  if (typeof id !== 'number' || typeof title !== 'string' || typeof description !== 'string') return undefined;
  if (typeof unit !== 'string' || !UNITS.has(unit) || (noValue !== undefined && typeof noValue !== 'string')) return undefined;
  const specs = targets.map((t) => t.spec);
  if (specs.some((s) => s === undefined)) return undefined;
  const extra = factory.extra(panel);
  if (extra === undefined) return undefined;
  const spec: PanelSpec = {
    id,
    title,
    description,
    unit: unit as Unit,
    queries: specs.map((s) => s?.value).filter((s) => s !== undefined),
    ...(noValue === undefined ? {} : { noValue }),
  };
  const base = JSON.parse(JSON.stringify(factory.build(spec, extra.value).build())) as unknown;
  const setters = settersOnTop(kindOf, panel, base, defaultsOf(kindOf));
  if (setters === undefined) return undefined;
  const expected = { ...panel };
  delete expected.pluginVersion;
  if (valueDifferences(expected, replay(factory.build(spec, extra.value), setters), defaultsOf(kindOf)).length > 0) return undefined;
  const queries = targets.map(
    (t) => `${t.rawReason === undefined ? '' : `// Raw PromQL, not the typed builder: ${t.rawReason.replaceAll('\n', ' ')}.\n`}${t.spec?.code},`,
  );
  const fields = [
    `id: ${id},`,
    `title: ${js(title)},`,
    `description: ${js(description)},`,
    `unit: ${js(unit)},`,
    ...(noValue === undefined ? [] : [`noValue: ${js(noValue)},`]),
    `queries: [\n${queries.join('\n')}\n],`,
    ...extra.fields.map((f) => `${f},`),
  ];
  return { name: factory.name, code: `${factory.name}({\n${fields.join('\n')}\n})`, setters };
}
