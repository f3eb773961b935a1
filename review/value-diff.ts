// Structural comparison of parsed JSON/YAML values. Key order never matters; array order does
// (threshold steps, routes and transformations are ordered), except where a caller names a key for
// the elements of an array, so that e.g. overrides are matched by what they match, not by position.

import { isPlainObject as isObject } from '../lib/plain-object.ts';
import type { ValueChange } from './model.ts';

export { isObject };

/** For the array at `path`, how to name each element; undefined compares by position. */
export type ElementKeys = (path: string) => ((element: unknown) => string) | undefined;

/** JSON with object keys sorted: equal values give equal strings whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}

const sameValue = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/** Elements keyed by `keyOf`; a key seen twice gets `#2`, `#3` so nothing is lost. */
export function keyedElements<T>(elements: readonly T[], keyOf: (element: T) => string): Map<string, T> {
  const result = new Map<string, T>();
  for (const element of elements) {
    const key = keyOf(element);
    let unique = key;
    for (let n = 2; result.has(unique); n++) unique = `${key}#${n}`;
    result.set(unique, element);
  }
  return result;
}

/** A string holding a JSON object (e.g. a dashboard inside a ConfigMap) is compared as that object. */
function parseEmbeddedJson(value: string): unknown {
  if (!value.trimStart().startsWith('{')) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

const isPrimitive = (value: unknown): boolean => value === null || typeof value !== 'object';

export function diffValues(before: unknown, after: unknown, path = '', keys: ElementKeys = () => undefined): ValueChange[] {
  if (sameValue(before, after)) return [];
  if (before === undefined) return [{ path, after }];
  if (after === undefined) return [{ path, before }];
  if (isObject(before) && isObject(after)) {
    const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return names.flatMap((name) => diffValues(before[name], after[name], join(path, name), keys));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const keyOf = keys(path);
    if (keyOf !== undefined) {
      const a = keyedElements(before, keyOf);
      const b = keyedElements(after, keyOf);
      const names = [...new Set([...a.keys(), ...b.keys()])];
      return names.flatMap((name) => diffValues(a.get(name), b.get(name), `${path}[${name}]`, keys));
    }
    if (before.every(isPrimitive) && after.every(isPrimitive)) return [{ path, before, after }];
    const length = Math.max(before.length, after.length);
    return Array.from({ length }, (_, i) => diffValues(before[i], after[i], `${path}[${i}]`, keys)).flat();
  }
  if (typeof before === 'string' && typeof after === 'string') {
    const a = parseEmbeddedJson(before);
    const b = parseEmbeddedJson(after);
    if (a !== undefined && b !== undefined) return diffValues(a, b, path, keys);
  }
  return [{ path, before, after }];
}

/** Drops the named top-level keys (identity and layout, compared separately). */
export function without(value: unknown, ...names: string[]): Record<string, unknown> {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([key]) => !names.includes(key)));
}
