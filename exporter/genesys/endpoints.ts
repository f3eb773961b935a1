// The Genesys Cloud endpoints the exporter calls, keyed by their telemetry label. One table so that
// paths, error messages and the permission hints cannot drift apart.

import type { Endpoint } from './telemetry.ts';

export interface EndpointSpec {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  /** The OAuth client permission Genesys checks; named in 403 errors so the fix is obvious. */
  readonly permission: string | undefined;
}

export const ENDPOINTS: Readonly<Record<Endpoint, EndpointSpec>> = {
  oauth_token: { method: 'POST', path: '/oauth/token', permission: undefined },
  routing_queues: { method: 'GET', path: '/api/v2/routing/queues', permission: 'routing:queue:view' },
  queue_observations: {
    method: 'POST',
    path: '/api/v2/analytics/queues/observations/query',
    permission: 'analytics:queueObservation:view',
  },
  conversation_aggregates: {
    method: 'POST',
    path: '/api/v2/analytics/conversations/aggregates/query',
    permission: 'analytics:conversationAggregate:view',
  },
  // Channels and their subscriptions (streaming mode); each channel's own paths share this label.
  notifications: { method: 'POST', path: '/api/v2/notifications/channels', permission: 'analytics:queueObservation:view' },
};

/** "POST /api/v2/analytics/queues/observations/query": how errors name an endpoint. */
export function describeEndpoint(endpoint: Endpoint): string {
  const spec = ENDPOINTS[endpoint];
  return `${spec.method} ${spec.path}`;
}
