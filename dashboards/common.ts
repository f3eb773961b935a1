// What the dashboard modules share, one concern per file under common/: variables and the datasource,
// selectors and the query factory, queue queries both queue dashboards use, SLA helpers, panel
// factories, transformations, colour levels matching the alerts, links, and the grid layout.

export * from './common/variables.ts';
export * from './common/queries.ts';
export * from './common/queue-queries.ts';
export * from './common/sla.ts';
export * from './common/panels.ts';
export * from './common/transformations.ts';
export * from './common/levels.ts';
export * from './common/links.ts';
export * from './common/layout.ts';
export * from './common/kpi-panels.ts';
