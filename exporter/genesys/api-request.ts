// One API call with everything around it: budget (rate limiter), token, attempt, and the retry policy:
// - 401 → forget the token, refresh once, retry once;
// - 401 again with a fresh token → fail, and the token manager backs off (no login per poll);
// - 429 → pause the WHOLE client for Retry-After (honoured up to maxRetryAfterSeconds, 15 min by
//   default; jittered backoff when absent). A request waits out a short pause and retries once; a pause
//   longer than RATE_LIMIT_INLINE_WAIT_MS fails it at once (no request is sent inside the server's window),
//   so a collector run in a 429 storm ends in seconds and genesys_up says so;
// - 5xx, timeouts, network errors → exponential backoff with full jitter, then retry;
// - malformed 2xx bodies → retried at most twice (a truncated body is often transient);
// - a redirect, a body over the size limit, other 4xx → fail at once.

import type { Logger } from '../log.ts';
import type { AccessToken, TokenManager } from './auth.ts';
import { fullJitterDelayMs, sleep, type BackoffOptions } from './backoff.ts';
import {
  AuthenticationError,
  RedirectRefusedError,
  BadRequestError,
  ClientClosedError,
  type GenesysApiError,
  MalformedResponseError,
  NetworkError,
  PermissionDeniedError,
  RateLimitedError,
  RequestTimeoutError,
  ServerError,
} from './errors/index.ts';
import type { RateLimiter } from './rate-limit.ts';
import { ShapeError } from './response-shape.ts';
import { isPlainObject } from '../../lib/plain-object.ts';
import { parseRetryAfterSeconds } from './retry-after.ts';
import type { ApiTelemetry, Endpoint } from './telemetry.ts';
import { sendAttempt, type AttemptResult } from './transport.ts';

export interface ApiRequestContext {
  /** Origin of the API host, e.g. https://api.mypurecloud.ie. */
  readonly apiUrl: string;
  readonly limiter: RateLimiter;
  readonly tokens: TokenManager;
  readonly requestTimeoutMs: number;
  readonly maxRetries: number;
  readonly maxRetryAfterSeconds: number;
  readonly backoff: BackoffOptions;
  readonly closeSignal: AbortSignal;
  readonly telemetry: ApiTelemetry;
  readonly logger: Logger;
  readonly random?: () => number;
}

export interface ApiRequest<T> {
  readonly endpoint: Endpoint;
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly url: URL;
  readonly json?: unknown;
  /** Checks and normalises the parsed body; throws ShapeError on a wrong shape. */
  readonly parse: (json: unknown) => T;
  /** Bodies larger than this abort the attempt (see response-limits.ts). */
  readonly maxResponseBytes: number;
}

const MAX_MALFORMED_RETRIES = 2;
/** A request waits out a client-wide 429 pause up to this long; a longer one fails it at once. */
export const RATE_LIMIT_INLINE_WAIT_MS = 5_000;
/** 429s a request retries after (the rest of the budget is for 5xx and timeouts). */
const MAX_RATE_LIMITED_RETRIES = 1;
/** A Retry-After above this is logged as long (it still is honoured, up to maxRetryAfterSeconds). */
const LONG_RETRY_AFTER_SECONDS = 60;

type Verdict<T> =
  | { readonly done: T }
  | { readonly fail: GenesysApiError }
  | { readonly retry: 'unauthorized' }
  | { readonly retry: 'rate_limited'; readonly retryAfterSeconds: number | undefined; readonly error: GenesysApiError }
  | { readonly retry: 'transient' | 'malformed'; readonly error: GenesysApiError };

export async function apiRequest<T>(context: ApiRequestContext, request: ApiRequest<T>): Promise<T> {
  const { endpoint } = request;
  const body = request.json === undefined ? undefined : JSON.stringify(request.json);
  let retries = 0;
  let malformedRetries = 0;
  let rateLimitedRetries = 0;
  let refreshedAfter401 = false;
  for (let attempts = 1; ; attempts += 1) {
    const { result, token } = await sendWithBudget(context, request, body);
    const verdict = judge(result, request, attempts, context);
    if ('done' in verdict) {
      context.tokens.tokenWorked();
      return verdict.done;
    }
    if ('fail' in verdict) throw verdict.fail;
    if (verdict.retry === 'unauthorized') {
      if (refreshedAfter401) {
        const retryAt = context.tokens.freshTokenRejected(token);
        throw new AuthenticationError(
          'the API rejected a freshly issued token; check that the OAuth client is active and belongs to this org and region ' +
            `(no new token is requested before ${retryAt.toISOString()})`,
          { endpoint, status: 401 },
        );
      }
      refreshedAfter401 = true;
      context.logger.info('token rejected (401), refreshing once and retrying', { endpoint });
      context.tokens.invalidate(token);
      continue;
    }
    const retryable = retries < context.maxRetries && (verdict.retry !== 'malformed' || malformedRetries < MAX_MALFORMED_RETRIES);
    if (verdict.retry === 'rate_limited') {
      context.telemetry.rateLimited(endpoint, verdict.retryAfterSeconds);
      const waitMs =
        verdict.retryAfterSeconds === undefined
          ? Math.max(1000, fullJitterDelayMs(retries, context.backoff, context.random))
          : Math.min(verdict.retryAfterSeconds, context.maxRetryAfterSeconds) * 1000;
      // Every request of the client waits, not only this one: the budget is per token.
      context.limiter.pauseFor(waitMs);
      const fields = { endpoint, retry_after_seconds: verdict.retryAfterSeconds, pause_ms: Math.round(waitMs) };
      if ((verdict.retryAfterSeconds ?? 0) > LONG_RETRY_AFTER_SECONDS) {
        context.logger.warn('rate limited (429) with a long Retry-After; no request is sent until it has passed', {
          ...fields,
          resume_at: new Date(Date.now() + waitMs).toISOString(),
          capped_at_seconds: verdict.retryAfterSeconds! > context.maxRetryAfterSeconds ? context.maxRetryAfterSeconds : undefined,
        });
      } else {
        context.logger.warn('rate limited (429); pausing all requests', fields);
      }
      if (!retryable || rateLimitedRetries >= MAX_RATE_LIMITED_RETRIES || waitMs > RATE_LIMIT_INLINE_WAIT_MS) throw verdict.error;
      retries += 1;
      rateLimitedRetries += 1;
      continue;
    }
    if (!retryable) throw verdict.error;
    const delayMs = fullJitterDelayMs(retries, context.backoff, context.random);
    context.logger.warn('request failed, retrying', {
      endpoint,
      error: verdict.error.name,
      status: verdict.error.status,
      attempt: attempts,
      delay_ms: Math.round(delayMs),
    });
    retries += 1;
    if (verdict.retry === 'malformed') malformedRetries += 1;
    await sleep(delayMs, context.closeSignal, () => new ClientClosedError({ endpoint }));
  }
}

// A request that cannot get a token fails before spending budget. The wait for the budget may outlive
// the token or overlap a pause that began meanwhile, so both are checked again right before sending.
async function sendWithBudget(
  context: ApiRequestContext,
  request: ApiRequest<unknown>,
  body: string | undefined,
): Promise<{ result: AttemptResult; token: AccessToken }> {
  const closedError = (): Error => new ClientClosedError({ endpoint: request.endpoint });
  failIfPausedLong(context, request.endpoint);
  await context.tokens.getToken();
  // Real-time values age fastest: after a stall their backlog goes first (rate-limit.ts).
  const priority = request.endpoint === 'queue_observations' ? 'realtime' : 'background';
  const permit = await context.limiter.acquire(closedError, () => failIfPausedLong(context, request.endpoint), priority);
  try {
    let token = await context.tokens.getToken();
    while (context.limiter.paused) {
      failIfPausedLong(context, request.endpoint);
      await context.limiter.waitWhilePaused(closedError);
      token = await context.tokens.getToken();
    }
    const headers: Record<string, string> = { Authorization: `Bearer ${token.value}`, Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const result = await sendAttempt(
      {
        endpoint: request.endpoint,
        url: request.url,
        method: request.method,
        headers,
        maxResponseBytes: request.maxResponseBytes,
        ...(body === undefined ? {} : { body }),
      },
      { timeoutMs: context.requestTimeoutMs, closeSignal: context.closeSignal, telemetry: context.telemetry },
    );
    return { result, token };
  } finally {
    permit.release();
  }
}

// Inside a long Retry-After window the request fails without being sent: the server asked for silence,
// and the collector run should end (and be reported failed) rather than wait minutes.
function failIfPausedLong(context: ApiRequestContext, endpoint: Endpoint): void {
  const remainingMs = context.limiter.pauseRemainingMs;
  if (remainingMs <= RATE_LIMIT_INLINE_WAIT_MS) return;
  throw new RateLimitedError({ endpoint, retryAfterSeconds: Math.ceil(remainingMs / 1000), attempts: 0, pausedUntil: new Date(Date.now() + remainingMs) });
}

function judge<T>(result: AttemptResult, request: ApiRequest<T>, attempts: number, context: ApiRequestContext): Verdict<T> {
  const { endpoint } = request;
  if (result.kind === 'timeout') return { retry: 'transient', error: new RequestTimeoutError({ endpoint, timeoutMs: context.requestTimeoutMs, attempts }) };
  if (result.kind === 'network_error')
    return { retry: 'transient', error: new NetworkError({ endpoint, reason: result.reason, attempts, cause: result.cause }) };
  if (result.kind === 'redirect') return { fail: new RedirectRefusedError({ endpoint, status: result.status, location: result.location }) };
  if (result.kind === 'too_large') {
    return {
      fail: new MalformedResponseError({ endpoint, status: result.status, problem: `body larger than ${result.limitBytes} bytes (aborted while reading)` }),
    };
  }
  const { status } = result;
  const correlationId = result.headers.get('inin-correlation-id') ?? undefined;
  if (status >= 200 && status < 300) return parseBody(result.body, request, status, correlationId);
  if (status === 401) return { retry: 'unauthorized' };
  if (status === 429) {
    const retryAfterSeconds = parseRetryAfterSeconds(result.headers.get('retry-after'));
    return { retry: 'rate_limited', retryAfterSeconds, error: new RateLimitedError({ endpoint, status, correlationId, retryAfterSeconds, attempts }) };
  }
  if (status >= 500) return { retry: 'transient', error: new ServerError({ endpoint, status, correlationId, attempts }) };
  const said = genesysError(result.body);
  if (status === 403) return { fail: new PermissionDeniedError({ endpoint, status, correlationId, ...said }) };
  return { fail: new BadRequestError({ endpoint, status, correlationId, ...said }) };
}

function parseBody<T>(text: string, request: ApiRequest<T>, status: number, correlationId: string | undefined): Verdict<T> {
  const endpoint = request.endpoint;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const problem = text.length === 0 ? 'empty body' : `not JSON (${text.length} bytes, possibly truncated)`;
    return { retry: 'malformed', error: new MalformedResponseError({ endpoint, status, correlationId, problem }) };
  }
  try {
    return { done: request.parse(json) };
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    return { retry: 'malformed', error: new MalformedResponseError({ endpoint, status, correlationId, problem: error.message }) };
  }
}

/** `message` and `code` of Genesys' generic error body, when present. */
function genesysError(text: string): { genesysMessage?: string; genesysCode?: string } {
  try {
    const body: unknown = JSON.parse(text);
    if (!isPlainObject(body)) return {};
    return {
      ...(typeof body.message === 'string' ? { genesysMessage: body.message.slice(0, 300) } : {}),
      ...(typeof body.code === 'string' ? { genesysCode: body.code } : {}),
    };
  } catch {
    return {};
  }
}
