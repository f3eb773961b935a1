// /api/v2/...: bearer token → fault injection → per-token rate limit → the endpoint, in that order, with
// the generic Genesys error body on every failure.

import { queryAggregates } from '../api/aggregates.ts';
import { ApiError, badCredentials, badRequest, notFound, payloadTooLarge, serverError, tooManyRequests } from '../api/errors.ts';
import { queryObservations } from '../api/observations.ts';
import { getQueue, listQueues } from '../api/queues.ts';
import { tokenHash } from '../api/tokens.ts';
import type { ApiEndpoint, RequestLogEntry } from '../control-types.ts';
import type { Simulation } from '../simulation.ts';
import { BodyTooLargeError, sleep, type Exchange } from './exchange.ts';

interface Route {
  readonly methods: readonly ('GET' | 'POST' | 'PUT')[];
  readonly endpoint: ApiEndpoint;
  readonly run: (ex: Exchange, sim: Simulation, clockOffsetMs: number) => Promise<unknown>;
}

const SINGLE_QUEUE_PATH = /^\/api\/v2\/routing\/queues\/([^/]+)$/;
const SUBSCRIPTIONS_PATH = /^\/api\/v2\/notifications\/channels\/([^/]+)\/subscriptions$/;

function queueIdOf(path: string): string {
  const raw = SINGLE_QUEUE_PATH.exec(path)?.[1] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badRequest(`queueId ${JSON.stringify(raw)} is not a valid URL path segment`);
  }
}

async function jsonBody(ex: Exchange): Promise<unknown> {
  let text: string;
  try {
    text = await ex.readBody();
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw payloadTooLarge(error.message);
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('The request could not be understood by the server due to malformed syntax: the body is not valid JSON.');
  }
}

const API_ROUTES: Readonly<Record<string, Route>> = {
  '/api/v2/routing/queues': {
    methods: ['GET'],
    endpoint: 'routing_queues',
    run: async (ex, sim) => listQueues(ex.url.searchParams, sim.model.liveQueues()),
  },
  // GET /api/v2/routing/queues/{queueId}, matched by SINGLE_QUEUE_PATH; faults on routing_queues apply to it too.
  '/api/v2/routing/queues/{queueId}': {
    methods: ['GET'],
    endpoint: 'routing_queues',
    run: async (ex, sim) => getQueue(queueIdOf(ex.url.pathname), sim.model.liveQueues()),
  },
  '/api/v2/analytics/queues/observations/query': {
    methods: ['POST'],
    endpoint: 'queue_observations',
    run: async (ex, sim, clockOffsetMs) =>
      queryObservations(await jsonBody(ex), { queues: sim.model.liveQueues(), now: sim.model.now, clockOffsetMs, presenceIds: sim.model.org.presenceIds }),
  },
  '/api/v2/analytics/conversations/aggregates/query': {
    methods: ['POST'],
    endpoint: 'conversation_aggregates',
    run: async (ex, sim) => queryAggregates(await jsonBody(ex), sim.model.truth),
  },
  // The notification service's REST side (the WebSocket is served on the same port, see server.ts).
  '/api/v2/notifications/channels': {
    methods: ['GET', 'POST'],
    endpoint: 'notifications',
    run: async (ex, sim) => (ex.method === 'POST' ? sim.notifications.createChannel() : sim.notifications.listChannels()),
  },
  '/api/v2/notifications/channels/{channelId}/subscriptions': {
    methods: ['GET', 'PUT', 'POST'],
    endpoint: 'notifications',
    run: async (ex, sim) => {
      const channelId = decodeURIComponent(SUBSCRIPTIONS_PATH.exec(ex.url.pathname)?.[1] ?? '');
      return sim.notifications.subscriptions(channelId, ex.method, ex.method === 'GET' ? undefined : await jsonBody(ex));
    },
  },
};

/** The route serving `path`, if any (the single-queue path carries its id). */
export function findApiRoute(path: string): Route | undefined {
  if (API_ROUTES[path] !== undefined) return API_ROUTES[path];
  if (SINGLE_QUEUE_PATH.test(path)) return API_ROUTES['/api/v2/routing/queues/{queueId}'];
  return SUBSCRIPTIONS_PATH.test(path) ? API_ROUTES['/api/v2/notifications/channels/{channelId}/subscriptions'] : undefined;
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export async function handleApi(ex: Exchange, sim: Simulation, entry: RequestLogEntry, clockOffsetMs: number): Promise<void> {
  const route = findApiRoute(ex.url.pathname);
  const fail = (error: ApiError): void => {
    entry.status = error.status;
    ex.sendJson(error.status, error.body(ex.correlationId), error.headers);
  };
  const now = sim.serviceNow();
  const endpoint = route?.endpoint;
  try {
    const slow = endpoint === undefined ? undefined : sim.faults.take('slow', endpoint, now);
    if (slow !== undefined) {
      entry.fault = 'slow';
      await sleep(slow.delayMs);
    }
    const token = bearerToken(ex.header('authorization'));
    if (token === undefined || sim.tokens.check(token, sim.serviceNow()) !== 'valid') return fail(badCredentials());
    if (route === undefined) return fail(notFound(ex.url.pathname));
    if (!(route.methods as readonly string[]).includes(ex.method)) {
      return fail(new ApiError(405, 'method.not.allowed', `${ex.method} is not allowed on ${ex.url.pathname}; use ${route.methods.join(' or ')}`));
    }
    const storm = sim.faults.take('rate-limit-storm', route.endpoint, now);
    if (storm !== undefined) {
      entry.fault = 'rate-limit-storm';
      return fail(tooManyRequests(storm.retryAfterSeconds ?? 3));
    }
    const budget = sim.limiter.take(tokenHash(token), sim.serviceNow());
    if (!budget.allowed) return fail(tooManyRequests(budget.retryAfterSeconds));
    const fiveXx = sim.faults.take('api-5xx', route.endpoint, now);
    if (fiveXx !== undefined) {
      entry.fault = 'api-5xx';
      return fail(serverError(fiveXx.status ?? 503));
    }
    sim.sync();
    const body = await route.run(ex, sim, clockOffsetMs);
    const text = JSON.stringify(body);
    entry.status = 200;
    if (sim.faults.take('malformed-json', route.endpoint, now) !== undefined) {
      entry.fault = 'malformed-json';
      return ex.sendRaw(200, `{"results": [<html>upstream error</html>`, 'application/json');
    }
    if (sim.faults.take('truncated-json', route.endpoint, now) !== undefined) {
      entry.fault = 'truncated-json';
      return ex.sendRaw(200, text.slice(0, Math.max(1, Math.floor(text.length / 2))), 'application/json');
    }
    ex.sendRaw(200, text, 'application/json');
  } catch (error) {
    if (error instanceof ApiError) return fail(error);
    throw error;
  }
}
