// Grafana transformations the dashboards use, in the options format current Grafana writes (binary
// operands as `{ matcher: byName }` or `{ fixed }`, not the legacy bare strings it still migrates).

import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';

/** A field by display name (a query's legend, a table column, an earlier alias), or a constant. */
export type Operand = { readonly field: string } | { readonly constant: number };

export type BinaryOperator = '+' | '-' | '*' | '/';

function operand(value: Operand) {
  return 'field' in value ? { matcher: { id: 'byName', options: value.field } } : { fixed: String(value.constant) };
}

/**
 * "Add field from calculation", binary mode: `alias = left operator right`, row by row. Several time
 * series are first joined on time by the transformation itself.
 */
export function calculateField(alias: string, left: Operand, operator: BinaryOperator, right: Operand): dashboard.DataTransformerConfig {
  return { id: 'calculateField', options: { mode: 'binary', binary: { left: operand(left), operator, right: operand(right) }, alias } };
}

/** "Organize fields": hide some fields, rename others (by display name). */
export function organizeFields(hide: readonly string[], rename: Readonly<Record<string, string>>): dashboard.DataTransformerConfig {
  return {
    id: 'organize',
    options: { excludeByName: Object.fromEntries(hide.map((name) => [name, true])), renameByName: { ...rename } },
  };
}

/** "Merge": joins table frames on their common columns (instant table queries on queue_name). */
export function mergeFrames(): dashboard.DataTransformerConfig {
  return { id: 'merge', options: {} };
}
