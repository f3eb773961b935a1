// The Genesys Cloud API client the collectors use: typed calls over one token manager and one rate
// budget. Construction does no I/O; `start()` obtains the first token.

import type { ApiRequestContext } from './api-request.ts';
import { TokenManager } from './auth.ts';
import { resolveClientOptions, type GenesysClientOptions } from './client-options.ts';
import { queryConversationAggregates, type AggregationQuery, type AggregationQueryResponse } from './conversation-aggregates.ts';
import { createNotificationChannel, setChannelTopics, type ChannelTopic, type NotificationChannel } from './notification-channels.ts';
import { queryQueueObservations, type ObservationQuery, type ObservationQueryResponse } from './queue-observations.ts';
import { RateLimiter } from './rate-limit.ts';
import { listQueues, type QueueListFilter, type RoutingQueue } from './routing-queues.ts';

export type { GenesysClientOptions } from './client-options.ts';

export interface GenesysClient {
  /** Obtains the first token; throws AuthenticationError on bad credentials, LoginCircuitOpenError when login keeps failing. */
  start(): Promise<void>;
  /** Stops background refresh timers; pending and later requests reject with ClientClosedError. */
  close(): Promise<void>;
  /** Every page (pageSize 100), de-duplicated by id. */
  listQueues(filter?: QueueListFilter): Promise<RoutingQueue[]>;
  queryQueueObservations(query: ObservationQuery): Promise<ObservationQueryResponse>;
  queryConversationAggregates(query: AggregationQuery): Promise<AggregationQueryResponse>;
  /** Notification service (streaming mode): a new channel. */
  createNotificationChannel(): Promise<NotificationChannel>;
  /** Replaces a channel's topics; each comes back Permitted or with a rejection reason. */
  setChannelTopics(channelId: string, topics: readonly string[]): Promise<ChannelTopic[]>;
  readonly requestsPerMinute: number;
}

export function createGenesysClient(options: GenesysClientOptions): GenesysClient {
  const resolved = resolveClientOptions(options);
  const closer = new AbortController();
  const limiter = new RateLimiter({ requestsPerMinute: resolved.requestsPerMinute, maxConcurrency: resolved.maxConcurrency, closeSignal: closer.signal });
  const tokens = new TokenManager({
    loginUrl: resolved.loginUrl,
    credentials: resolved.credentials,
    requestTimeoutMs: resolved.requestTimeoutMs,
    closeSignal: closer.signal,
    telemetry: resolved.telemetry,
    logger: resolved.logger,
    backoff: resolved.backoff,
    circuit: resolved.loginCircuit,
    refreshMarginRatio: resolved.tokenRefreshMarginRatio,
  });
  const context: ApiRequestContext = { ...resolved, limiter, tokens, closeSignal: closer.signal };

  return {
    requestsPerMinute: limiter.requestsPerMinute,
    async start() {
      await tokens.refresh();
    },
    async close() {
      closer.abort();
    },
    listQueues: (filter = {}) => listQueues(context, filter),
    queryQueueObservations: (query) => queryQueueObservations(context, query),
    queryConversationAggregates: (query) => queryConversationAggregates(context, query),
    createNotificationChannel: () => createNotificationChannel(context),
    setChannelTopics: (channelId, topics) => setChannelTopics(context, channelId, topics),
  };
}
