import { GenesysApiError, type GenesysApiErrorDetails } from './genesys-api-error.ts';

/** No complete response within the timeout on every attempt. */
export class RequestTimeoutError extends GenesysApiError {
  readonly timeoutMs: number;

  constructor(details: GenesysApiErrorDetails & { readonly timeoutMs: number; readonly attempts: number }) {
    super(
      `no complete response within ${details.timeoutMs} ms on all ${details.attempts} attempts; ` +
        'check connectivity to Genesys Cloud or raise the request timeout',
      details,
    );
    this.timeoutMs = details.timeoutMs;
  }
}
