// The Genesys Cloud API client the collectors use: typed calls over one token manager and one rate
// budget. Construction does no I/O; `start()` obtains the first token.

import { silentLogger, type Logger } from '../log.ts';
import { apiRequest, type ApiRequestContext } from './api-request.ts';
import { TokenManager } from './auth.ts';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { DEFAULT_LOGIN_CIRCUIT, type CircuitBreakerOptions } from './circuit-breaker.ts';
import {
  aggregationQueryProblem,
  parseAggregationResponse,
  type AggregationQuery,
  type AggregationQueryResponse,
} from './conversation-aggregates.ts';
import { ENDPOINTS } from './endpoints.ts';
import { BadRequestError, MalformedResponseError } from './errors/index.ts';
import { parseObservationResponse, type ObservationQuery, type ObservationQueryResponse } from './queue-observations.ts';
import { RateLimiter } from './rate-limit.ts';
import { ShapeError } from './response-shape.ts';
import {
  MAX_QUEUE_PAGES,
  QUEUE_PAGE_SIZE,
  nextQueuePageUrl,
  parseQueuePage,
  queuePageUrl,
  type QueueListFilter,
  type RoutingQueue,
} from './routing-queues.ts';
import { noTelemetry, type ApiTelemetry } from './telemetry.ts';

export interface GenesysClientOptions {
  /** e.g. https://api.mypurecloud.ie or the simulator's URL. */
  apiUrl: string;
  /** e.g. https://login.mypurecloud.ie. */
  loginUrl: string;
  credentials: { clientId: string; clientSecret: string };
  /** Shared budget of the client, default 240 (the org limit is 300 per token). */
  requestsPerMinute?: number;
  /** Attempts in flight at once, default 4. */
  maxConcurrency?: number;
  /** Per attempt, headers and body, default 10 000. */
  requestTimeoutMs?: number;
  /** Per request, default 3 (so at most 4 attempts, plus one after a 401). */
  maxRetries?: number;
  /** Cap on an honoured Retry-After, default 60. */
  maxRetryAfterSeconds?: number;
  telemetry?: ApiTelemetry;
  logger?: Logger;
  /** Backoff between retries (full jitter), default {baseMs: 500, maxMs: 30 000}. */
  backoff?: BackoffOptions;
  /** Login circuit breaker, default {failureThreshold: 3, openBaseMs: 5 000, openMaxMs: 300 000}. */
  loginCircuit?: CircuitBreakerOptions;
  /** Fraction of a token's lifetime left when the background refresh starts, default 0.15. */
  tokenRefreshMarginRatio?: number;
}

export interface GenesysClient {
  /** Obtains the first token; throws AuthenticationError on bad credentials, LoginCircuitOpenError when login keeps failing. */
  start(): Promise<void>;
  /** Stops background refresh timers; pending and later requests reject with ClientClosedError. */
  close(): Promise<void>;
  /** Every page (pageSize 100), de-duplicated by id. */
  listQueues(filter?: QueueListFilter): Promise<RoutingQueue[]>;
  queryQueueObservations(query: ObservationQuery): Promise<ObservationQueryResponse>;
  queryConversationAggregates(query: AggregationQuery): Promise<AggregationQueryResponse>;
  readonly requestsPerMinute: number;
}

export const DEFAULT_REQUESTS_PER_MINUTE = 240;

export function createGenesysClient(options: GenesysClientOptions): GenesysClient {
  const apiUrl = baseUrl(options.apiUrl, 'apiUrl');
  const loginUrl = baseUrl(options.loginUrl, 'loginUrl');
  checkCredentials(options.credentials);
  const requestTimeoutMs = positive(options.requestTimeoutMs ?? 10_000, 'requestTimeoutMs');
  const maxRetries = nonNegativeInteger(options.maxRetries ?? 3, 'maxRetries');
  const maxRetryAfterSeconds = positive(options.maxRetryAfterSeconds ?? 60, 'maxRetryAfterSeconds');
  const telemetry = options.telemetry ?? noTelemetry;
  const logger = (options.logger ?? silentLogger).child({ component: 'genesys-client' });
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const closer = new AbortController();

  const limiter = new RateLimiter({
    requestsPerMinute: options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE,
    maxConcurrency: options.maxConcurrency ?? 4,
    closeSignal: closer.signal,
  });
  const tokens = new TokenManager({
    loginUrl,
    credentials: options.credentials,
    requestTimeoutMs,
    closeSignal: closer.signal,
    telemetry,
    logger,
    backoff,
    circuit: options.loginCircuit ?? DEFAULT_LOGIN_CIRCUIT,
    ...(options.tokenRefreshMarginRatio === undefined ? {} : { refreshMarginRatio: options.tokenRefreshMarginRatio }),
  });
  const context: ApiRequestContext = {
    limiter, tokens, requestTimeoutMs, maxRetries, maxRetryAfterSeconds, backoff, closeSignal: closer.signal, telemetry, logger,
  };

  async function listQueues(filter: QueueListFilter = {}): Promise<RoutingQueue[]> {
    const ids = filter.ids ?? [];
    if (ids.length <= QUEUE_PAGE_SIZE) return listQueuePages(filter);
    // Keeps URLs short: one listing per hundred ids.
    const lists: RoutingQueue[][] = [];
    for (let start = 0; start < ids.length; start += QUEUE_PAGE_SIZE) {
      lists.push(await listQueuePages({ ...filter, ids: ids.slice(start, start + QUEUE_PAGE_SIZE) }));
    }
    return lists.flat();
  }

  async function listQueuePages(filter: QueueListFilter): Promise<RoutingQueue[]> {
    const byId = new Map<string, RoutingQueue>();
    const seen = new Set<string>();
    let url: URL | undefined = queuePageUrl(apiUrl, filter, 1);
    for (let pageNumber = 1; url !== undefined; pageNumber += 1) {
      if (pageNumber > MAX_QUEUE_PAGES || seen.has(url.href)) {
        throw new MalformedResponseError({ endpoint: 'routing_queues', problem: `paging does not end (page ${pageNumber}, ${url.pathname}${url.search})` });
      }
      seen.add(url.href);
      const page = await apiRequest(context, { endpoint: 'routing_queues', method: 'GET', url, parse: parseQueuePage });
      // A queue created or deleted between pages shifts the others; the map keeps each once.
      for (const queue of page.entities) byId.set(queue.id, queue);
      try {
        url = nextQueuePageUrl(apiUrl, filter, page, pageNumber);
      } catch (error) {
        if (error instanceof ShapeError) throw new MalformedResponseError({ endpoint: 'routing_queues', problem: error.message });
        throw error;
      }
    }
    return [...byId.values()];
  }

  return {
    requestsPerMinute: limiter.requestsPerMinute,
    async start() {
      await tokens.refresh();
    },
    async close() {
      closer.abort();
    },
    listQueues,
    queryQueueObservations(query) {
      return apiRequest(context, {
        endpoint: 'queue_observations', method: 'POST', url: new URL(ENDPOINTS.queue_observations.path, apiUrl), json: query, parse: parseObservationResponse,
      });
    },
    async queryConversationAggregates(query) {
      const problem = aggregationQueryProblem(query);
      if (problem !== undefined) throw new BadRequestError({ endpoint: 'conversation_aggregates', genesysMessage: `not sent: ${problem}` });
      return apiRequest(context, {
        endpoint: 'conversation_aggregates', method: 'POST', url: new URL(ENDPOINTS.conversation_aggregates.path, apiUrl), json: query, parse: parseAggregationResponse,
      });
    },
  };
}

function baseUrl(value: string, key: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`Genesys client option ${key}: "${value}" is not an absolute URL (e.g. https://api.mypurecloud.ie)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TypeError(`Genesys client option ${key}: "${value}" must use http or https`);
  }
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') {
    throw new TypeError(`Genesys client option ${key}: "${value}" must be a bare origin without a path (the client adds /api/v2/… and /oauth/token)`);
  }
  return url.origin;
}

function checkCredentials(credentials: { clientId: string; clientSecret: string }): void {
  if (typeof credentials?.clientId !== 'string' || credentials.clientId.trim() === '') {
    throw new TypeError('Genesys client option credentials.clientId is empty: set GENESYS_CLIENT_ID (or GENESYS_CLIENT_ID_FILE)');
  }
  if (typeof credentials.clientSecret !== 'string' || credentials.clientSecret.trim() === '') {
    throw new TypeError('Genesys client option credentials.clientSecret is empty: set GENESYS_CLIENT_SECRET (or GENESYS_CLIENT_SECRET_FILE)');
  }
}

function positive(value: number, key: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`Genesys client option ${key} must be a number > 0, got ${value}`);
  return value;
}

function nonNegativeInteger(value: number, key: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`Genesys client option ${key} must be an integer ≥ 0, got ${value}`);
  return value;
}
