// The client's options: documented defaults, and validation that names the key and the fix.

import { silentLogger, type Logger } from '../log.ts';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
import { DEFAULT_LOGIN_CIRCUIT, type CircuitBreakerOptions } from './circuit-breaker.ts';
import { noTelemetry, type ApiTelemetry } from './telemetry.ts';

export interface GenesysClientOptions {
  /** e.g. https://api.mypurecloud.ie or the simulator's URL. */
  apiUrl: string;
  /** e.g. https://login.mypurecloud.ie. */
  loginUrl: string;
  credentials: { clientId: string; clientSecret: string };
  /** Shared budget of the client, default DEFAULT_REQUESTS_PER_MINUTE (the org limit is 300 per token). */
  requestsPerMinute?: number;
  /** Attempts in flight at once, default 4. */
  maxConcurrency?: number;
  /** Per attempt, headers and body, default DEFAULT_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  /** Per request, default 3 (so at most 4 attempts, plus one after a 401). */
  maxRetries?: number;
  /** Longest Retry-After honoured (longer ones are cut to it), default DEFAULT_MAX_RETRY_AFTER_SECONDS. */
  maxRetryAfterSeconds?: number;
  telemetry?: ApiTelemetry;
  logger?: Logger;
  /** Backoff between retries (full jitter), default {baseMs: 500, maxMs: 30 000}. */
  backoff?: BackoffOptions;
  /** Login circuit breaker, default {failureThreshold: 3, openBaseMs: 5 000, openMaxMs: 300 000}. */
  loginCircuit?: CircuitBreakerOptions;
  /** Fraction of a token's lifetime left when the background refresh starts, default 0.2. */
  tokenRefreshMarginRatio?: number;
}

// The one home of these defaults: the command line (exporter/config.ts) uses them too.
/** Leaves a sixth of the org's 300 per token for other integrations, retries and token grants. */
export const DEFAULT_REQUESTS_PER_MINUTE = 200;
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;
/** Genesys asks for seconds to a minute in practice; up to 15 min is honoured in full (and logged as
 * long above a minute), beyond that the client calls again after 15 min. */
export const DEFAULT_MAX_RETRY_AFTER_SECONDS = 900;

export interface ResolvedClientOptions {
  readonly apiUrl: string;
  readonly loginUrl: string;
  readonly credentials: { readonly clientId: string; readonly clientSecret: string };
  readonly requestsPerMinute: number;
  readonly maxConcurrency: number;
  readonly requestTimeoutMs: number;
  readonly maxRetries: number;
  readonly maxRetryAfterSeconds: number;
  readonly telemetry: ApiTelemetry;
  readonly logger: Logger;
  readonly backoff: BackoffOptions;
  readonly loginCircuit: CircuitBreakerOptions;
  readonly tokenRefreshMarginRatio: number;
}

export function resolveClientOptions(options: GenesysClientOptions): ResolvedClientOptions {
  checkCredentials(options.credentials);
  const tokenRefreshMarginRatio = options.tokenRefreshMarginRatio ?? 0.2;
  if (!(tokenRefreshMarginRatio > 0 && tokenRefreshMarginRatio < 1)) {
    throw new RangeError(`Genesys client option tokenRefreshMarginRatio must be between 0 and 1 (e.g. 0.2), got ${tokenRefreshMarginRatio}`);
  }
  return {
    apiUrl: baseUrl(options.apiUrl, 'apiUrl'),
    loginUrl: baseUrl(options.loginUrl, 'loginUrl'),
    credentials: options.credentials,
    requestsPerMinute: atLeast(options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE, 1, 'requestsPerMinute'),
    maxConcurrency: integerAtLeast(options.maxConcurrency ?? 4, 1, 'maxConcurrency'),
    requestTimeoutMs: atLeast(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, 1, 'requestTimeoutMs'),
    maxRetries: integerAtLeast(options.maxRetries ?? 3, 0, 'maxRetries'),
    maxRetryAfterSeconds: atLeast(options.maxRetryAfterSeconds ?? DEFAULT_MAX_RETRY_AFTER_SECONDS, 0, 'maxRetryAfterSeconds'),
    telemetry: options.telemetry ?? noTelemetry,
    logger: (options.logger ?? silentLogger).child({ component: 'genesys-client' }),
    backoff: options.backoff ?? DEFAULT_BACKOFF,
    loginCircuit: options.loginCircuit ?? DEFAULT_LOGIN_CIRCUIT,
    tokenRefreshMarginRatio,
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

function checkCredentials(credentials: { clientId: string; clientSecret: string } | undefined): void {
  if (typeof credentials?.clientId !== 'string' || credentials.clientId.trim() === '') {
    throw new TypeError('Genesys client option credentials.clientId is empty: set GENESYS_CLIENT_ID (or GENESYS_CLIENT_ID_FILE)');
  }
  if (typeof credentials.clientSecret !== 'string' || credentials.clientSecret.trim() === '') {
    throw new TypeError('Genesys client option credentials.clientSecret is empty: set GENESYS_CLIENT_SECRET (or GENESYS_CLIENT_SECRET_FILE)');
  }
}

function atLeast(value: number, min: number, key: string): number {
  if (!Number.isFinite(value) || value < min) throw new RangeError(`Genesys client option ${key} must be a number ≥ ${min}, got ${value}`);
  return value;
}

function integerAtLeast(value: number, min: number, key: string): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`Genesys client option ${key} must be an integer ≥ ${min}, got ${value}`);
  return value;
}
