// This project's dashboard helpers (dashboards/common.ts) that the imported module calls instead of a literal,
// where the helper's own output equals the value exactly: the datasource variable, thresholds, colour by
// thresholds, dashed threshold lines, the merge transformation. The match is checked by calling the helper, so
// the round trip holds by construction.

import { DATASOURCE, colorByThresholds, dashedThresholdLines, mergeFrames, thresholds } from '../dashboards/common.ts';
import { deepEqual } from './equivalence.ts';

export interface HelperCall {
  /** The name imported from dashboards/common.ts. */
  readonly name: string;
  /** The TypeScript expression, e.g. `thresholds([...])`. */
  readonly expression: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A helper expression for a value passed as is (`datasource(...)`, an element of `transformations([...])`). */
export function helperForValue(value: unknown): HelperCall | undefined {
  if (deepEqual(value, DATASOURCE)) return { name: 'DATASOURCE', expression: 'DATASOURCE' };
  if (deepEqual(value, mergeFrames())) return { name: 'mergeFrames', expression: 'mergeFrames()' };
  return undefined;
}

/** A helper expression for a value passed as a builder (`thresholds(...)`, `colorScheme(...)`, `thresholdsStyle(...)`). */
export function helperForBuilder(value: unknown): HelperCall | undefined {
  if (deepEqual(value, colorByThresholds().build())) return { name: 'colorByThresholds', expression: 'colorByThresholds()' };
  if (deepEqual(value, dashedThresholdLines().build())) return { name: 'dashedThresholdLines', expression: 'dashedThresholdLines()' };
  if (isObject(value) && Array.isArray(value.steps)) {
    const steps = value.steps as Parameters<typeof thresholds>[0];
    const valid = steps.every((s) => isObject(s) && typeof s.color === 'string' && (typeof s.value === 'number' || s.value === null));
    if (valid && deepEqual(value, thresholds(steps).build())) return { name: 'thresholds', expression: `thresholds(${JSON.stringify(steps)})` };
  }
  return undefined;
}
