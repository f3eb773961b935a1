// Named things (variables, queries, receivers, time intervals) compared by name.

import type { EntityChange } from './model.ts';
import { diffValues, type ElementKeys, keyedElements, without } from './value-diff.ts';

export function diffEntities(
  before: readonly Record<string, unknown>[],
  after: readonly Record<string, unknown>[],
  keyOf: (entity: Record<string, unknown>) => string,
  ignore: readonly string[] = [],
  keys?: ElementKeys,
): EntityChange[] {
  const a = keyedElements(before, keyOf);
  const b = keyedElements(after, keyOf);
  const result: EntityChange[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])]) {
    const old = a.get(key);
    const now = b.get(key);
    if (old === undefined) result.push({ key, status: 'added', changes: [{ path: '', after: now }] });
    else if (now === undefined) result.push({ key, status: 'removed', changes: [{ path: '', before: old }] });
    else {
      const changes = diffValues(without(old, ...ignore), without(now, ...ignore), '', keys);
      if (changes.length > 0) result.push({ key, status: 'changed', changes });
    }
  }
  return result;
}
