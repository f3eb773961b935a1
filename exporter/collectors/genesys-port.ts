// What the collectors need from the Genesys API client (exporter/genesys/client.ts): the three calls
// and the request budget. Collectors depend on this narrow view so tests and main.ts plug in the client.
import type { AggregationQuery, AggregationQueryResponse } from '../genesys/conversation-aggregates.ts';
import type { ObservationQuery, ObservationQueryResponse } from '../genesys/queue-observations.ts';
import type { QueueListFilter, RoutingQueue } from '../genesys/routing-queues.ts';

export interface GenesysPort {
  listQueues(filter?: QueueListFilter): Promise<readonly RoutingQueue[]>;
  queryQueueObservations(query: ObservationQuery): Promise<ObservationQueryResponse>;
  queryConversationAggregates(query: AggregationQuery): Promise<AggregationQueryResponse>;
  readonly requestsPerMinute: number;
}
