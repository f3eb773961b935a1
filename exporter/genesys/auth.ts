// OAuth client-credentials tokens for one client: obtains the first token, refreshes it in the background
// before expiry, shares one refresh among concurrent callers, and never hands out a token it knows to be
// expired. The login endpoint is guarded by a circuit breaker. Tokens appear in no log, error or metric.

import { protectSecret, protectToken, type Logger } from '../log.ts';
import { fullJitterDelayMs, sleep, type BackoffOptions } from './backoff.ts';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.ts';
import { ENDPOINTS } from './endpoints.ts';
import {
  AuthenticationError,
  BadRequestError,
  ClientClosedError,
  GenesysApiError,
  LoginCircuitOpenError,
  MalformedResponseError,
  NetworkError,
  RateLimitedError,
  RedirectRefusedError,
  RequestTimeoutError,
  ServerError,
} from './errors/index.ts';
import { isPlainObject } from '../../lib/plain-object.ts';
import { LOGIN_MAX_RESPONSE_BYTES } from './response-limits.ts';
import { parseRetryAfterSeconds } from './retry-after.ts';
import type { ApiTelemetry } from './telemetry.ts';
import { sendAttempt, type AttemptResult } from './transport.ts';

export interface AccessToken {
  readonly value: string;
  /** Wall-clock expiry, counted from when the grant request was sent. */
  readonly expiresAt: Date;
  /** Last moment (ms since epoch) at which a request may still carry it. */
  readonly usableUntilMs: number;
}

export interface TokenManagerOptions {
  readonly loginUrl: string;
  readonly credentials: { readonly clientId: string; readonly clientSecret: string };
  readonly requestTimeoutMs: number;
  readonly closeSignal: AbortSignal;
  readonly telemetry: ApiTelemetry;
  readonly logger: Logger;
  readonly backoff: BackoffOptions;
  readonly circuit: CircuitBreakerOptions;
  /** Fraction of the lifetime left when the background refresh starts; default 0.2 (a 20 s token at 16 s). */
  readonly refreshMarginRatio?: number;
  readonly random?: () => number;
}

/** Requests stop using a token this fraction of its lifetime (at most 5 s) before it expires, so that one
 * sent just before the limit still arrives valid (2 s for a 20 s token). */
const EXPIRY_GUARD_RATIO = 0.1;
const EXPIRY_GUARD_MAX_MS = 5_000;

export class TokenManager {
  readonly #options: TokenManagerOptions;
  readonly #breaker: CircuitBreaker;
  readonly #basicAuth: string;
  #current: AccessToken | undefined;
  #inflight: Promise<AccessToken> | undefined;
  #refreshTimer: NodeJS.Timeout | undefined;
  #backgroundFailures = 0;
  /** After the API rejected a freshly issued token: how many times in a row, and until when no token is handed out. */
  #freshRejections = 0;
  #rejectedUntilMs = 0;

  constructor(options: TokenManagerOptions) {
    this.#options = options;
    this.#breaker = new CircuitBreaker(options.circuit, (open) => {
      options.telemetry.loginCircuit(open);
      if (open) options.logger.error('login circuit opened: Genesys Cloud login keeps failing; backing off', { login_url: options.loginUrl });
      else options.logger.info('login circuit closed: Genesys Cloud login works again', { login_url: options.loginUrl });
    });
    const { clientId, clientSecret } = options.credentials;
    const encoded = Buffer.from(`${clientId}:${clientSecret}`, 'utf8').toString('base64');
    this.#basicAuth = `Basic ${encoded}`;
    // An upstream that echoes the secret or a token in an error must not put it in a log line.
    protectSecret(clientSecret);
    protectSecret(encoded);
    options.closeSignal.addEventListener('abort', () => clearTimeout(this.#refreshTimer), { once: true });
  }

  /** The current token if a request may still carry it, else waits for a (shared) refresh. */
  async getToken(): Promise<AccessToken> {
    if (Date.now() < this.#rejectedUntilMs) {
      throw new AuthenticationError(
        `the API keeps rejecting freshly issued tokens; not trying again before ${new Date(this.#rejectedUntilMs).toISOString()} ` +
          '(check that the OAuth client is active and belongs to this org and region)',
        { endpoint: 'oauth_token' },
      );
    }
    const current = this.#current;
    if (current !== undefined && Date.now() < current.usableUntilMs) return current;
    return this.refresh();
  }

  /** The API rejected `token` (401): forget it, unless a newer one already replaced it. */
  invalidate(token: AccessToken): void {
    if (this.#current?.value === token.value) this.#current = undefined;
  }

  /**
   * The API rejected `token` although it was just issued (a 401 right after a refresh): a persistent
   * problem (client disabled, wrong org) that a new token per poll cannot fix. No token is handed out
   * for a growing pause (the login circuit's timings); returns its end.
   */
  freshTokenRejected(token: AccessToken): Date {
    this.invalidate(token);
    this.#freshRejections += 1;
    const { openBaseMs, openMaxMs } = this.#options.circuit;
    this.#rejectedUntilMs = Date.now() + Math.min(openMaxMs, openBaseMs * 2 ** (this.#freshRejections - 1));
    return new Date(this.#rejectedUntilMs);
  }

  /** A request with the current token succeeded: tokens work, the rejection backoff starts over. */
  tokenWorked(): void {
    this.#freshRejections = 0;
  }

  /** Runs a grant, or joins the one already running. */
  refresh(): Promise<AccessToken> {
    this.#inflight ??= this.#obtain().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  // Retries transient login failures with jittered backoff until the circuit opens; credential errors
  // are final (retrying cannot fix them).
  async #obtain(): Promise<AccessToken> {
    let attempts = 0;
    for (;;) {
      const circuit = this.#breaker.state();
      if (circuit.open) throw this.#circuitOpenError(circuit.retryAtMs, undefined);
      attempts += 1;
      const sentAtMs = Date.now();
      const result = await sendAttempt(this.#grantRequest(), {
        timeoutMs: this.#options.requestTimeoutMs,
        closeSignal: this.#options.closeSignal,
        telemetry: this.#options.telemetry,
      });
      const outcome = this.#interpret(result, sentAtMs, attempts);
      if (!(outcome instanceof GenesysApiError)) {
        this.#breaker.recordSuccess();
        this.#accept(outcome);
        return outcome;
      }
      this.#options.telemetry.tokenRefresh('failure');
      if (!isTransientLoginFailure(outcome)) throw outcome;
      this.#breaker.recordFailure();
      const after = this.#breaker.state();
      if (after.open) throw this.#circuitOpenError(after.retryAtMs, outcome);
      this.#options.logger.warn('token request failed, retrying', { endpoint: 'oauth_token', status: outcome.status, error: outcome.name });
      await sleep(fullJitterDelayMs(attempts - 1, this.#options.backoff, this.#options.random), this.#options.closeSignal, this.#closedError);
    }
  }

  #grantRequest() {
    return {
      endpoint: 'oauth_token' as const,
      url: new URL(ENDPOINTS.oauth_token.path, this.#options.loginUrl),
      method: 'POST' as const,
      headers: { Authorization: this.#basicAuth, Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
      maxResponseBytes: LOGIN_MAX_RESPONSE_BYTES,
    };
  }

  #interpret(result: AttemptResult, sentAtMs: number, attempts: number): AccessToken | GenesysApiError {
    const endpoint = 'oauth_token' as const;
    if (result.kind === 'timeout') return new RequestTimeoutError({ endpoint, timeoutMs: this.#options.requestTimeoutMs, attempts });
    if (result.kind === 'network_error') return new NetworkError({ endpoint, reason: result.reason, attempts, cause: result.cause });
    // A login redirect could hand the exporter another host's token: refused, and final.
    if (result.kind === 'redirect') return new RedirectRefusedError({ endpoint, status: result.status, location: result.location });
    if (result.kind === 'too_large')
      return new MalformedResponseError({ endpoint, status: result.status, problem: `body larger than ${result.limitBytes} bytes` });
    const { status } = result;
    const correlationId = result.headers.get('inin-correlation-id') ?? undefined;
    const body = parseJsonOrUndefined(result.body);
    if (status >= 500) return new ServerError({ endpoint, status, attempts, correlationId });
    if (status === 429) {
      const retryAfterSeconds = parseRetryAfterSeconds(result.headers.get('retry-after'));
      return new RateLimitedError({ endpoint, status, attempts, correlationId, retryAfterSeconds });
    }
    if (status === 400 || status === 401 || status === 403) {
      // Only an OAuth error code (RFC 6749 §5.2: invalid_client…) is quoted; free text such as
      // error_description can echo anything the upstream saw, credentials included.
      const code = isPlainObject(body) && typeof body.error === 'string' && /^[a-z_]{1,40}$/.test(body.error) ? ` (${body.error})` : '';
      return new AuthenticationError(
        `the login host rejected the client credentials${code}; check GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET, ` +
          `that the OAuth client uses the Client Credentials grant, and that it belongs to the region of ${this.#options.loginUrl}`,
        { endpoint, status, correlationId },
      );
    }
    if (status < 200 || status >= 300) {
      return new BadRequestError({
        endpoint,
        status,
        correlationId,
        genesysMessage: `unexpected status; is ${this.#options.loginUrl} a Genesys Cloud login host?`,
      });
    }
    if (
      !isPlainObject(body) ||
      typeof body.access_token !== 'string' ||
      body.access_token === '' ||
      typeof body.expires_in !== 'number' ||
      !(body.expires_in > 0)
    ) {
      return new MalformedResponseError({ endpoint, status, correlationId, problem: 'expected {"access_token": string, "expires_in": seconds > 0}' });
    }
    const lifetimeMs = body.expires_in * 1000;
    const guardMs = Math.min(EXPIRY_GUARD_MAX_MS, lifetimeMs * EXPIRY_GUARD_RATIO);
    return { value: body.access_token, expiresAt: new Date(sentAtMs + lifetimeMs), usableUntilMs: sentAtMs + lifetimeMs - guardMs };
  }

  #accept(token: AccessToken): void {
    protectToken(token.value);
    this.#current = token;
    this.#backgroundFailures = 0;
    this.#options.telemetry.tokenRefresh('success', token.expiresAt);
    const lifetimeMs = token.expiresAt.getTime() - Date.now();
    this.#options.logger.info('obtained access token', { endpoint: 'oauth_token', expires_in_seconds: Math.round(lifetimeMs / 1000) });
    const margin = this.#options.refreshMarginRatio ?? 0.2;
    this.#schedule(Math.max(0, lifetimeMs * (1 - margin)));
  }

  #schedule(delayMs: number): void {
    clearTimeout(this.#refreshTimer);
    if (this.#options.closeSignal.aborted) return;
    this.#refreshTimer = setTimeout(() => this.#backgroundRefresh(), delayMs);
    this.#refreshTimer.unref();
  }

  // On failure the current token stays in use while it is valid; the next try waits for the circuit or
  // a growing backoff, so a login outage costs a bounded number of calls.
  #backgroundRefresh(): void {
    this.refresh().catch((error: unknown) => {
      if (this.#options.closeSignal.aborted) return;
      this.#backgroundFailures += 1;
      const circuit = this.#breaker.state();
      const backoffMs = Math.min(this.#options.circuit.openMaxMs, this.#options.backoff.baseMs * 2 ** this.#backgroundFailures);
      const delayMs = circuit.open ? Math.max(circuit.retryAtMs - Date.now(), 0) : backoffMs;
      this.#options.logger.warn('background token refresh failed; the current token stays in use while valid', {
        endpoint: 'oauth_token',
        error: error instanceof Error ? error.name : 'unknown',
        message: error instanceof Error ? error.message : String(error),
        next_attempt_in_ms: Math.round(delayMs),
      });
      this.#schedule(delayMs);
    });
  }

  #circuitOpenError(retryAtMs: number, cause: GenesysApiError | undefined): LoginCircuitOpenError {
    return new LoginCircuitOpenError({ retryAt: new Date(retryAtMs), loginUrl: this.#options.loginUrl, status: cause?.status, cause });
  }

  readonly #closedError = (): Error => new ClientClosedError({ endpoint: 'oauth_token' });
}

function isTransientLoginFailure(error: GenesysApiError): boolean {
  return [ServerError, RateLimitedError, RequestTimeoutError, NetworkError, MalformedResponseError].some((kind) => error instanceof kind);
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
