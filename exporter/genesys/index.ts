// The client's public surface, for the collectors and main.ts.
export { createGenesysClient, DEFAULT_REQUESTS_PER_MINUTE, type GenesysClient, type GenesysClientOptions } from './client.ts';
export { regionUrls, isGenesysRegion, GENESYS_REGIONS, type GenesysRegion } from './regions.ts';
export * from './errors/index.ts';
export { QUEUE_PAGE_SIZE, type QueueMediaSettingKey, type ServiceLevel, type QueueMediaSetting, type RoutingQueue, type QueueListFilter } from './routing-queues.ts';
export {
  OBSERVATION_METRICS, queueObservationQuery,
  type ObservationMetric, type ObservationPredicate, type ObservationFilter,
  type ObservationQuery, type Observation, type ObservationDatum, type ObservationResult, type ObservationQueryResponse,
} from './queue-observations.ts';
export {
  TIMER_METRICS, COUNT_METRICS, MAX_AGGREGATION_VIEWS,
  type TimerMetric, type CountMetric, type AggregationMetric, type AggregationDimension, type AggregationPredicate,
  type AggregationFilter, type AggregationView, type AggregationQuery, type TimerStats, type CountStats, type ServiceLevelStats,
  type AggregateMetricDatum, type AggregateViewDatum, type AggregateInterval, type AggregateResult, type AggregationQueryResponse,
} from './conversation-aggregates.ts';
export { noTelemetry, type ApiTelemetry, type Endpoint, type RequestOutcome } from './telemetry.ts';
