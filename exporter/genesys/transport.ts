// One HTTP attempt through ky, classified. Retries, budgets and tokens live elsewhere: ky's own retry is
// off because a retry must pass through the client-wide rate limiter and token manager again.
//
// What an attempt guarantees, whatever the server does:
// - one deadline covers the whole exchange, headers AND body (a body that stalls after the headers times
//   out too); it is one AbortController aborted by the deadline or by close(), not AbortSignal.any(),
//   whose combined signals Node 20 could garbage-collect before they fire;
// - the body is streamed and the attempt aborted past `maxResponseBytes` (Content-Length checked first),
//   so a huge answer cannot take the process's memory;
// - redirects are never followed (the bearer token or the client secret would go with them, and a
//   foreign host's answer would be trusted): a 3xx is reported with its Location for the caller to refuse.

import ky from 'ky';
import { ClientClosedError } from './errors/index.ts';
import type { ApiTelemetry, Endpoint } from './telemetry.ts';

export interface AttemptRequest {
  readonly endpoint: Endpoint;
  readonly url: URL;
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | URLSearchParams;
  /** The largest body accepted; a larger one aborts the attempt (`too_large`). */
  readonly maxResponseBytes: number;
}

export type AttemptResult =
  | { readonly kind: 'response'; readonly status: number; readonly headers: Headers; readonly body: string }
  | { readonly kind: 'redirect'; readonly status: number; readonly location: string | undefined }
  | { readonly kind: 'too_large'; readonly status: number; readonly limitBytes: number }
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
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, options.timeoutMs);
  const onClose = (): void => controller.abort();
  options.closeSignal.addEventListener('abort', onClose, { once: true });
  const started = performance.now();
  let result: AttemptResult;
  try {
    result = await attempt(request, controller, () => timedOut);
  } finally {
    clearTimeout(timer);
    options.closeSignal.removeEventListener('abort', onClose);
  }
  if (options.closeSignal.aborted) throw new ClientClosedError({ endpoint: request.endpoint });
  options.telemetry.request(request.endpoint, outcomeOf(result), (performance.now() - started) / 1000);
  return result;
}

function outcomeOf(result: AttemptResult): `${number}` | 'timeout' | 'network_error' | 'too_large' {
  switch (result.kind) {
    case 'response':
    case 'redirect':
      return `${result.status}`;
    default:
      return result.kind;
  }
}

async function attempt(request: AttemptRequest, controller: AbortController, timedOut: () => boolean): Promise<AttemptResult> {
  try {
    const response = await ky(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      timeout: false,
      retry: 0,
      throwHttpErrors: false,
      redirect: 'manual',
      signal: controller.signal,
    });
    if (response.status >= 300 && response.status < 400) {
      controller.abort();
      return { kind: 'redirect', status: response.status, location: response.headers.get('location') ?? undefined };
    }
    const body = await readLimited(response, request.maxResponseBytes, controller);
    if (body === undefined) return { kind: 'too_large', status: response.status, limitBytes: request.maxResponseBytes };
    return { kind: 'response', status: response.status, headers: response.headers, body };
  } catch (error) {
    if (timedOut()) return { kind: 'timeout' };
    if (controller.signal.aborted) return { kind: 'network_error', reason: 'closed', cause: undefined };
    return networkError(error);
  }
}

/** The body as text, or undefined (and the attempt aborted) once it passes `limit` bytes. */
async function readLimited(response: Response, limit: number, controller: AbortController): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > limit || response.body === null) {
    controller.abort();
    return declared > limit ? undefined : '';
  }
  const reader = response.body.getReader();
  // fetch links the body to the signal only through the Request object, which the garbage collector may
  // take while the body is read (a stalled body then never times out): the reader is cancelled here.
  const cancel = (): void => void reader.cancel().catch(() => {});
  controller.signal.addEventListener('abort', cancel, { once: true });
  try {
    return await readChunks(reader, limit, controller);
  } finally {
    controller.signal.removeEventListener('abort', cancel);
  }
}

async function readChunks(reader: ReadableStreamDefaultReader<Uint8Array>, limit: number, controller: AbortController): Promise<string | undefined> {
  const decoder = new TextDecoder();
  let text = '';
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    // A cancelled read ends as `done`: that is an abort, not the end of the body.
    if (controller.signal.aborted) throw new Error('aborted while reading the body');
    if (done) return text + decoder.decode();
    received += value.byteLength;
    if (received > limit) {
      controller.abort();
      await reader.cancel().catch(() => {});
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
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
