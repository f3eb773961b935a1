// Grafana's JSON schemas (copied into generator/schemas/grafana/ with their NOTICE) compiled once with ajv:
// the whole dashboard document, each Prometheus target, and each panel plugin's options and custom
// field config. Formats (date-time) are not checked: generated dashboards carry no timestamps.

import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

const SCHEMA_FOLDER = new URL('./schemas/grafana/', import.meta.url);

/** Panel plugins whose schema we ship. Others (row, text) have no numbers and no schema to check. */
export const PANEL_SCHEMAS = ['bargauge', 'gauge', 'heatmap', 'histogram', 'stat', 'statetimeline', 'table', 'timeseries'] as const;
/** Grafana plugin ids whose schema file is named differently. */
const SCHEMA_OF_PLUGIN: Readonly<Record<string, string>> = { 'state-timeline': 'statetimeline' };
const schemaName = (pluginType: string): string => SCHEMA_OF_PLUGIN[pluginType] ?? pluginType;
export const PANELS_WITHOUT_SCHEMA = new Set(['row', 'text']);

/** Fields that Grafana's CUE declares as `_` (any value) but the JSON schema renders as "object": a
 * `byName` matcher's options and an override property's value are strings or numbers in every real
 * dashboard. The files stay unmodified; these two are relaxed when loaded. */
const CUE_ANY_FIELDS = [
  ['MatcherConfig', 'options'],
  ['DynamicConfigValue', 'value'],
] as const;

type SchemaDocument = { definitions: Record<string, { properties?: Record<string, unknown> }> };

function relaxCueAnyFields(schema: SchemaDocument): SchemaDocument {
  for (const [definition, field] of CUE_ANY_FIELDS) {
    const properties = schema.definitions[definition]?.properties;
    if (properties?.[field] !== undefined) properties[field] = {};
  }
  return schema;
}

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

function run(validate: ValidateFunction | undefined, value: unknown): string[] | undefined {
  if (validate === undefined) return undefined;
  return validate(value) ? [] : describe(validate.errors);
}

let cached: GrafanaSchemas | undefined;

export function grafanaSchemas(): GrafanaSchemas {
  if (cached !== undefined) return cached;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const load = (name: string): void => {
    const schema = JSON.parse(readFileSync(new URL(`${name}.jsonschema.json`, SCHEMA_FOLDER), 'utf8')) as SchemaDocument;
    ajv.addSchema(name === 'dashboard' ? relaxCueAnyFields(schema) : schema, name);
  };
  ['dashboard', 'prometheus', ...PANEL_SCHEMAS].forEach(load);
  const get = (ref: string): ValidateFunction | undefined => ajv.getSchema(ref);
  const hasDefinition = (type: string, definition: string): boolean =>
    (PANEL_SCHEMAS as readonly string[]).includes(type) &&
    (ajv.getSchema(type)?.schema as { definitions?: Record<string, unknown> } | undefined)?.definitions?.[definition] !== undefined;
  const dashboard = get('dashboard');
  const prometheus = get('prometheus');
  const panel = get('dashboard#/definitions/Panel');
  const row = get('dashboard#/definitions/RowPanel');
  const withoutPanels = (value: unknown): unknown => (value !== null && typeof value === 'object' && 'panels' in value ? { ...value, panels: [] } : value);
  cached = {
    dashboard: (value) => run(dashboard, withoutPanels(value)) ?? [],
    panel: (value) => {
      const isRow = (value as { type?: unknown } | null)?.type === 'row';
      return run(isRow ? row : panel, isRow ? withoutPanels(value) : value) ?? [];
    },
    prometheusTarget: (value) => run(prometheus, value) ?? [],
    panelOptions: (plugin, value) => {
      const type = schemaName(plugin);
      return hasDefinition(type, 'Options') ? run(get(`${type}#/definitions/Options`), value) : undefined;
    },
    panelCustomFieldConfig: (plugin, value) => {
      const type = schemaName(plugin);
      return hasDefinition(type, 'FieldConfig') ? run(get(`${type}#/definitions/FieldConfig`), value) : undefined;
    },
  };
  return cached;
}
