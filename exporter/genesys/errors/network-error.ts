import { GenesysApiError, type GenesysApiErrorDetails } from './genesys-api-error.ts';

/** The connection failed (DNS, refused, reset, TLS) on every attempt. `cause` holds the system error. */
export class NetworkError extends GenesysApiError {
  constructor(details: GenesysApiErrorDetails & { readonly reason: string; readonly attempts: number }) {
    super(
      `could not reach Genesys Cloud (${details.reason}) on all ${details.attempts} attempts; ` +
        'check the region or --genesys.api-url/--genesys.login-url, DNS, proxies and firewalls',
      details,
    );
  }
}
