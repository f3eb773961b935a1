// When is a dashboard rebuilt by an imported module "the same" as the JSON it was imported from?
//
// Equivalent means: after ignoring the dashboard's own `id`, `version` and `iteration` (Grafana's bookkeeping,
// set per instance and per save) and `schemaVersion` (the SDK writes the schema version it models; Grafana
// migrates an older dashboard to it on load, so the imported one says what it is at once), and each panel's
// `pluginVersion` (the version of the plugin that last saved it, rewritten by Grafana on every load), every key present on both sides has a structurally equal value (objects by
// key, arrays element by element in order, numbers/strings/booleans/null by ===), and a key present on one side
// only is allowed only when its value equals the SDK's default for that key (what an empty builder of the same
// kind produces: the dashboard, a row, a panel of that type, a variable of that type, a Prometheus query). Panel
// ids are compared (the importer keeps them), and panels are matched by id when every panel has a unique one, so
// a panel the module does not rebuild is one difference (`panels[id=2]`), not a shift of all that follow. A query's
// `expr` is compared as PromQL (importer/promql.ts canonicalPromql): the typed builder spells a query its own way
// (`sum by (a) (x)` for `sum(x) by (a)`, double quotes, one space after commas), which is the same query.
// Anything else is a difference, reported with its path.

import { samePromql } from './promql.ts';
import { DASHBOARD, PANELS, PROMETHEUS_QUERY, ROW, VARIABLES, defaultsOf } from './sdk-builders.ts';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

export interface Difference {
  readonly path: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

const IGNORED_AT_ROOT = new Set(['id', 'version', 'iteration', 'schemaVersion']);
const IGNORED_IN_PANELS = new Set(['pluginVersion']);

/** The defaults for the elements of the arrays whose elements are builders of their own. */
function elementDefaults(parentPath: string, key: string, element: unknown): unknown {
  if (!isObject(element)) return undefined;
  if (key === 'panels') {
    if (element.type === 'row') return defaultsOf(ROW);
    const panel = PANELS.get(String(element.type));
    return panel === undefined ? undefined : defaultsOf(panel);
  }
  if (key === 'list' && parentPath.endsWith('templating')) {
    const variable = VARIABLES.get(String(element.type));
    return variable === undefined ? undefined : defaultsOf(variable);
  }
  if (key === 'targets') return defaultsOf(PROMETHEUS_QUERY);
  return undefined;
}

/** Panels paired by id, when both sides give every panel a unique numeric id. */
function panelsById(expected: unknown[], actual: unknown[]): Map<number, [unknown, unknown]> | undefined {
  const ids = (panels: unknown[]) => panels.map((p) => (isObject(p) && typeof p.id === 'number' ? p.id : undefined));
  const before = ids(expected);
  const after = ids(actual);
  for (const list of [before, after]) if (list.includes(undefined) || new Set(list).size !== list.length) return undefined;
  const pairs = new Map<number, [unknown, unknown]>();
  expected.forEach((panel, i) => {
    pairs.set(before[i] as number, [panel, undefined]);
  });
  actual.forEach((panel, i) => {
    const id = after[i] as number;
    pairs.set(id, [pairs.get(id)?.[0], panel]);
  });
  return pairs;
}

function compare(expected: unknown, actual: unknown, defaults: unknown, path: string, out: Difference[]): void {
  if (isObject(expected) && isObject(actual)) {
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      if (path === '' && IGNORED_AT_ROOT.has(key)) continue;
      if (/panels(\[id=\d+\]|\.\d+)$/.test(path) && IGNORED_IN_PANELS.has(key)) continue;
      const fallback = isObject(defaults) ? defaults[key] : undefined;
      const childPath = path === '' ? key : `${path}.${key}`;
      if (!(key in actual)) {
        if (!deepEqual(expected[key], fallback)) out.push({ path: childPath, expected: expected[key], actual: undefined });
      } else if (!(key in expected)) {
        if (!deepEqual(actual[key], fallback)) out.push({ path: childPath, expected: undefined, actual: actual[key] });
      } else if (key === 'expr' && typeof expected[key] === 'string' && typeof actual[key] === 'string') {
        if (!samePromql(expected[key], actual[key])) out.push({ path: childPath, expected: expected[key], actual: actual[key] });
      } else if (Array.isArray(expected[key]) && Array.isArray(actual[key])) {
        const e = expected[key] as unknown[];
        const a = actual[key] as unknown[];
        const byId = key === 'panels' ? panelsById(e, a) : undefined;
        if (byId !== undefined) {
          for (const [id, [before, after]] of byId) {
            const panelPath = `${childPath}[id=${id}]`;
            if (before === undefined || after === undefined) out.push({ path: panelPath, expected: before, actual: after });
            else compare(before, after, elementDefaults(path, key, before), panelPath, out);
          }
          continue;
        }
        if (e.length !== a.length) out.push({ path: `${childPath}.length`, expected: e.length, actual: a.length });
        for (let i = 0; i < Math.min(e.length, a.length); i++) compare(e[i], a[i], elementDefaults(path, key, e[i]), `${childPath}.${i}`, out);
      } else compare(expected[key], actual[key], fallback, childPath, out);
    }
    return;
  }
  if (!deepEqual(expected, actual)) out.push({ path, expected, actual });
}

/** The differences between one value (a panel) and its rebuild, a key missing on one side allowed at its `defaults`. */
export function valueDifferences(expected: unknown, actual: unknown, defaults: unknown): Difference[] {
  const out: Difference[] = [];
  compare(expected, actual, defaults, '', out);
  return out;
}

/** The differences between the imported JSON (`expected`) and what the module rebuilt (`actual`); empty when equivalent. */
export function dashboardDifferences(expected: unknown, actual: unknown): Difference[] {
  const out: Difference[] = [];
  const model = isObject(expected) && isObject(expected.dashboard) ? expected.dashboard : expected;
  compare(model, actual, defaultsOf(DASHBOARD), '', out);
  return out;
}
