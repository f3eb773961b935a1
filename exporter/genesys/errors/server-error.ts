import { GenesysApiError, type GenesysApiErrorDetails } from './genesys-api-error.ts';

/** 5xx after every retry: Genesys Cloud (or a gateway in between) is failing; the next poll tries again. */
export class ServerError extends GenesysApiError {
  constructor(details: GenesysApiErrorDetails & { readonly status: number; readonly attempts: number }) {
    super(
      `server error on all ${details.attempts} attempts; Genesys Cloud or a proxy in between is failing ` +
        '(see https://status.mypurecloud.com), the next poll tries again',
      details,
    );
  }
}
