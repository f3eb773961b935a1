import { GenesysApiError, type GenesysApiErrorDetails } from './genesys-api-error.ts';

/** The login host rejected the client credentials, or the API rejected a freshly issued token. Not retried. */
export class AuthenticationError extends GenesysApiError {
  constructor(problem: string, details: GenesysApiErrorDetails) {
    super(problem, details);
  }
}
