import { GenesysApiError, type GenesysApiErrorDetails } from './genesys-api-error.ts';

/** The client was closed (shutdown) while the request waited or ran. */
export class ClientClosedError extends GenesysApiError {
  constructor(details: GenesysApiErrorDetails) {
    super('the Genesys client was closed (exporter shutting down); the request was abandoned', details);
  }
}
