import { GenesysApiError, type GenesysApiErrorDetails } from './genesys-api-error.ts';

/** Still 429 after every retry: the org's budget is shared with other integrations, or ours is set too high. */
export class RateLimitedError extends GenesysApiError {
  readonly retryAfterSeconds: number | undefined;

  constructor(details: GenesysApiErrorDetails & { readonly retryAfterSeconds: number | undefined; readonly attempts: number }) {
    super(
      `rate limited (429) on all ${details.attempts} attempts; lower the exporter's requests-per-minute budget ` +
        'or check which other integrations share this OAuth client\'s budget of 300 per minute',
      details,
    );
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}
