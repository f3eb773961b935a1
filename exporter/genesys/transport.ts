// One HTTP attempt through ky, classified. Retries, budgets and tokens live elsewhere: ky's own retry is
// off because a retry must pass through the client-wide rate limiter and token manager again.

import ky, { TimeoutError } from 'ky';
import { ClientClosedError } from './errors/index.ts';
import type { ApiTelemetry, Endpoint } from './telemetry.ts';

export interface AttemptRequest {
  readonly endpoint: Endpoint;
  readonly url: URL;
  readonly method: 'GET' | 'POST';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | URLSearchParams;
}

export type AttemptResult =
  | { readonly kind: 'response'; readonly status: number; readonly headers: Headers; readonly body: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network_error'; readonly reason: string; readonly cause: unknown };

export interface TransportOptions {
  /** Covers the whole attempt, headers and body. */
  readonly timeoutMs: number;
  /** Aborted by `close()`: the attempt rejects with ClientClosedError. */
  readonly closeSignal: AbortSignal;
  readonly telemetry: ApiTelemetry;
}

export async function sendAttempt(request: AttemptRequest, options: TransportOptions): Promise<AttemptResult> {
  if (options.closeSignal.aborted) throw new ClientClosedError({ endpoint: request.endpoint });
  // ky's `timeout` stops waiting for headers; this deadline also covers a body that stalls mid-way.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs);
  const started = performance.now();
  const result = await attempt(request, options, AbortSignal.any([options.closeSignal, deadline.signal]), deadline.signal);
  clearTimeout(timer);
  if (options.closeSignal.aborted) throw new ClientClosedError({ endpoint: request.endpoint });
  const outcome = result.kind === 'response' ? `${result.status}` as const : result.kind;
  options.telemetry.request(request.endpoint, outcome, (performance.now() - started) / 1000);
  return result;
}

async function attempt(request: AttemptRequest, options: TransportOptions, signal: AbortSignal, deadline: AbortSignal): Promise<AttemptResult> {
  try {
    const response = await ky(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      timeout: options.timeoutMs,
      retry: 0,
      throwHttpErrors: false,
      signal,
    });
    const body = await response.text();
    return { kind: 'response', status: response.status, headers: response.headers, body };
  } catch (error) {
    if (error instanceof TimeoutError || deadline.aborted) return { kind: 'timeout' };
    if (options.closeSignal.aborted) return { kind: 'network_error', reason: 'closed', cause: undefined };
    return networkError(error);
  }
}

// fetch reports "fetch failed" with the system error (ECONNREFUSED, ENOTFOUND…) as its cause; keep only
// that, never the request (it carries the Authorization header).
function networkError(error: unknown): AttemptResult {
  const system = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = typeof system === 'object' && system !== null && 'code' in system ? String(system.code) : undefined;
  const message = system instanceof Error ? system.message : String(system);
  return { kind: 'network_error', reason: code ?? message, cause: system instanceof Error ? system : undefined };
}
