// Which Grafana schemas the generator checks against, shared by the validators' compiler
// (grafana-validator-source.ts) and their use (grafana-schemas.ts).

/** Panel plugins whose schema we ship in generator/schemas/grafana/. Others (row, text) have no numbers and no schema to check. */
export const PANEL_SCHEMAS = ['bargauge', 'gauge', 'heatmap', 'histogram', 'stat', 'statetimeline', 'table', 'timeseries'] as const;

/** The export of a panel schema's definition in the validators module, e.g. statOptions. */
export const validatorName = (schema: string, definition: 'Options' | 'FieldConfig'): string => `${schema}${definition}`;
