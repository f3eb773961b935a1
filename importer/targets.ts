// A Prometheus query (target) of an imported panel as TypeScript: its expr through the typed PromQL builder where it
// parses against the catalog (importer/promql.ts), and the whole target as this project's query() helper where the
// helper builds exactly this JSON (checked by calling it), else the SDK's DataqueryBuilder as before.

import { query } from '../dashboards/common.ts';
import type { QueryFormat, QuerySpec } from '../dashboards/common.ts';
import { raw } from '../metrics/promql.ts';
import { deepEqual } from './equivalence.ts';
import { translatePromql } from './promql.ts';

export interface TargetCode {
  /** `query({ refId: …, expr: … })` when the helper rebuilds the target exactly. */
  readonly query?: string;
  /** The QuerySpec of that call (its code, and its value with the input's expr), for the panel helpers' `queries`. */
  readonly spec?: { readonly code: string; readonly value: QuerySpec };
  /** The argument of `.expr(…)` for a DataqueryBuilder chain: `<builder>.text`, or the string literal. */
  readonly exprString: string;
  /** metrics/promql.ts functions the code calls. */
  readonly promqlCalls: ReadonlySet<string>;
  /** dashboards/common.ts selector helpers (queueMediaSeries, …) the code calls. */
  readonly helperCalls: ReadonlySet<string>;
  /** Why the expr stays raw PromQL (not the typed builder); undefined when it is built. */
  readonly rawReason?: string;
}

const FORMATS: readonly QueryFormat[] = ['time_series', 'table', 'heatmap'];
const js = (value: unknown) => JSON.stringify(value);

/** The QuerySpec query() would need to build this target, when the target has that shape at all. */
function specOf(target: Record<string, unknown>): QuerySpec | undefined {
  const { refId, expr, legendFormat, format, instant } = target;
  if (typeof refId !== 'string' || typeof expr !== 'string') return undefined;
  if (legendFormat !== undefined && typeof legendFormat !== 'string') return undefined;
  if (format !== undefined && !FORMATS.includes(format as QueryFormat)) return undefined;
  return {
    refId,
    expr: raw(expr),
    ...(legendFormat === undefined ? {} : { legend: legendFormat }),
    ...(format === undefined ? {} : { format: format as QueryFormat }),
    ...(instant === true ? { instant: true } : {}),
  };
}

export function targetCode(target: Record<string, unknown>): TargetCode {
  const expr = target.expr;
  if (typeof expr !== 'string') return { exprString: js(expr), promqlCalls: new Set(), helperCalls: new Set() };
  const translation = translatePromql(expr);
  const calls = new Set<string>(translation.kind === 'builder' ? translation.calls : []);
  const helperCalls = new Set<string>(translation.kind === 'builder' ? translation.helpers : []);
  const rawReason = translation.kind === 'raw' ? translation.reason : undefined;
  const vector = translation.kind === 'builder' ? translation.code : `raw(${js(expr)})`;
  const exprString = translation.kind === 'builder' ? `${translation.code}.text` : js(expr);
  const spec = specOf(target);
  if (spec === undefined || !deepEqual(JSON.parse(JSON.stringify(query(spec).build())), target)) {
    return { exprString, promqlCalls: calls, helperCalls, ...(rawReason === undefined ? {} : { rawReason }) };
  }
  if (translation.kind === 'raw') calls.add('raw');
  const fields = [
    `refId: ${js(spec.refId)}`,
    `expr: ${vector}`,
    ...(spec.legend === undefined ? [] : [`legend: ${js(spec.legend)}`]),
    ...(spec.format === undefined || spec.format === 'time_series' ? [] : [`format: ${js(spec.format)}`]),
    ...(spec.instant === true ? ['instant: true'] : []),
  ];
  const specCode = `{ ${fields.join(', ')} }`;
  return {
    query: `query(${specCode})`,
    spec: { code: specCode, value: spec },
    exprString,
    promqlCalls: calls,
    helperCalls,
    ...(rawReason === undefined ? {} : { rawReason }),
  };
}
