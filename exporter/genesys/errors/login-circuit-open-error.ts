import { GenesysApiError, type GenesysApiErrorDetails } from './genesys-api-error.ts';

/** The login endpoint kept failing (5xx, timeouts, network), so the client stopped calling it until `retryAt`. */
export class LoginCircuitOpenError extends GenesysApiError {
  readonly retryAt: Date;

  constructor(details: Omit<GenesysApiErrorDetails, 'endpoint'> & { readonly retryAt: Date; readonly loginUrl: string }) {
    super(
      `the login endpoint ${details.loginUrl} kept failing, so no token can be obtained; not calling it again ` +
        `before ${details.retryAt.toISOString()} (check https://status.mypurecloud.com and --genesys.login-url)`,
      { ...details, endpoint: 'oauth_token' },
    );
    this.retryAt = details.retryAt;
  }
}
