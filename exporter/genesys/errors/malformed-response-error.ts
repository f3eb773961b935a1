import { GenesysApiError, type GenesysApiErrorDetails } from './genesys-api-error.ts';

/** A success status whose body is not the JSON the endpoint documents (truncated, not JSON, wrong shape). */
export class MalformedResponseError extends GenesysApiError {
  constructor(details: GenesysApiErrorDetails & { readonly problem: string }) {
    super(
      `malformed response: ${details.problem}; if this persists, a proxy may be rewriting responses ` +
        'or --genesys.api-url does not point at a Genesys Cloud API',
      details,
    );
  }
}
