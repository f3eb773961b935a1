// Grafana's JSON schemas as precompiled validators (generator/schemas/grafana-validators.js, compiled by
// generator/grafana-validator-source.ts): the whole dashboard document, each Prometheus target, and each panel
// plugin's options and custom field config.

import type { ErrorObject } from 'ajv';
import * as validators from './schemas/grafana-validators.js';
import type { Validator } from './schemas/grafana-validators.js';
import { PANEL_SCHEMAS, validatorName } from './grafana-schema-names.ts';

/** Grafana plugin ids whose schema file is named differently. */
const SCHEMA_OF_PLUGIN: Readonly<Record<string, string>> = { 'state-timeline': 'statetimeline' };
export const PANELS_WITHOUT_SCHEMA = new Set(['row', 'text']);

export interface GrafanaSchemas {
  /** The dashboard document; its panels are checked one by one with `panel` for readable errors. */
  dashboard(value: unknown): string[];
  /** One panel (a row when its type is 'row'), without the panels nested in a row. */
  panel(value: unknown): string[];
  prometheusTarget(value: unknown): string[];
  /** undefined when the panel type has no schema here. */
  panelOptions(type: string, value: unknown): string[] | undefined;
  panelCustomFieldConfig(type: string, value: unknown): string[] | undefined;
}

function describe(errors: readonly ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    const where = error.instancePath === '' ? '(root)' : error.instancePath;
    const extra = error.keyword === 'additionalProperties' ? ` "${String(error.params['additionalProperty'])}"` : '';
    return `${where} ${error.message ?? error.keyword}${extra}`;
  });
}

function run(validate: Validator | undefined, value: unknown): string[] | undefined {
  if (validate === undefined) return undefined;
  return validate(value) ? [] : describe(validate.errors);
}

const byName: Readonly<Record<string, Validator | undefined>> = validators;
const panelValidator = (plugin: string, definition: 'Options' | 'FieldConfig'): Validator | undefined => {
  const schema = SCHEMA_OF_PLUGIN[plugin] ?? plugin;
  return (PANEL_SCHEMAS as readonly string[]).includes(schema) ? byName[validatorName(schema, definition)] : undefined;
};
const withoutPanels = (value: unknown): unknown => (value !== null && typeof value === 'object' && 'panels' in value ? { ...value, panels: [] } : value);

const schemas: GrafanaSchemas = {
  dashboard: (value) => run(validators.dashboard, withoutPanels(value)) ?? [],
  panel: (value) => {
    const isRow = (value as { type?: unknown } | null)?.type === 'row';
    return run(isRow ? validators.row : validators.panel, isRow ? withoutPanels(value) : value) ?? [];
  },
  prometheusTarget: (value) => run(validators.prometheus, value) ?? [],
  panelOptions: (plugin, value) => run(panelValidator(plugin, 'Options'), value),
  panelCustomFieldConfig: (plugin, value) => run(panelValidator(plugin, 'FieldConfig'), value),
};

export function grafanaSchemas(): GrafanaSchemas {
  return schemas;
}
