// The client's public surface, for the collectors and main.ts.
export { createGenesysClient, DEFAULT_REQUESTS_PER_MINUTE, type GenesysClient, type GenesysClientOptions } from './client.ts';
export { regionUrls, isGenesysRegion, GENESYS_REGIONS, type GenesysRegion } from './regions.ts';
export * from './errors/index.ts';
export * from './routing-queues.ts';
export * from './queue-observations.ts';
export * from './conversation-aggregates.ts';
export * from './telemetry.ts';
