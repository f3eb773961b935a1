import { GenesysApiError, type GenesysApiErrorDetails } from './genesys-api-error.ts';

/** 429 (or inside a Retry-After window the server set): the org's budget is shared with other
 * integrations, or ours is set too high. */
export class RateLimitedError extends GenesysApiError {
  readonly retryAfterSeconds: number | undefined;

  constructor(details: GenesysApiErrorDetails & { readonly retryAfterSeconds: number | undefined; readonly attempts: number; readonly pausedUntil?: Date }) {
    const what =
      details.pausedUntil === undefined
        ? `rate limited (429) on ${details.attempts === 1 ? 'the only attempt' : `all ${details.attempts} attempts`}`
        : `not sent: Genesys Cloud asked for no requests before ${details.pausedUntil.toISOString()} (Retry-After)`;
    super(
      `${what}; lower the exporter's requests-per-minute budget or check which other integrations share this OAuth client's budget of 300 per minute`,
      details,
    );
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}
