// What the dashboard modules share: variables, selectors and queries, panel factories, SLA helpers,
// links and the layout. Each concern lives in its own file under common/.

export * from './common/variables.ts';
export * from './common/queries.ts';
export * from './common/panels.ts';
export * from './common/sla.ts';
export * from './common/links.ts';
export * from './common/layout.ts';
export * from './common/queue-queries.ts';
export * from './common/transformations.ts';
