// Genesys error bodies. API errors share one shape ({message, code, status, contextId, details, errors});
// the login endpoint answers OAuth-style ({error, description, error_description}).

export interface GenesysErrorBody {
  readonly message: string;
  readonly code: string;
  readonly status: number;
  readonly contextId: string;
  readonly details: readonly unknown[];
  readonly errors: readonly unknown[];
}

/** An API error to answer with the generic body; thrown by handlers, caught by the HTTP layer. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }

  body(contextId: string): GenesysErrorBody {
    return { message: this.message, code: this.code, status: this.status, contextId, details: [], errors: [] };
  }
}

/** 400 for a request the API cannot accept; the message names the offending field. */
export const badRequest = (message: string): ApiError => new ApiError(400, 'bad.request', message);

export const badCredentials = (): ApiError => new ApiError(401, 'bad.credentials', 'Invalid login credentials.');

export const notFound = (path: string): ApiError => new ApiError(404, 'not.found', `The requested resource ${path} was not found.`);

export const tooManyRequests = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'too.many.requests.retry.after', `Rate limit exceeded the maximum. Retry the request in [${retryAfterSeconds}] seconds`, {
    'Retry-After': String(retryAfterSeconds),
  });

/**
 * 413 for a request body above the simulator's limit (the real limit is not documented). The connection
 * is closed after the answer, as servers do when they refuse to read the rest of a body.
 */
export const payloadTooLarge = (message: string): ApiError => new ApiError(413, 'request.entity.too.large', message, { Connection: 'close' });

export const serverError = (status: number): ApiError =>
  new ApiError(status, status === 503 ? 'service.unavailable' : 'internal.server.error', 'The service is currently unavailable.');

export interface OAuthErrorBody {
  readonly error: string;
  readonly description: string;
  readonly error_description: string;
}

export function oauthError(error: string, description: string): OAuthErrorBody {
  return { error, description, error_description: description };
}
