import { ENDPOINTS } from '../endpoints.ts';
import { GenesysApiError, type GenesysApiErrorDetails } from './genesys-api-error.ts';

/** 403: the OAuth client's role lacks the endpoint's permission. Not retried. */
export class PermissionDeniedError extends GenesysApiError {
  constructor(details: GenesysApiErrorDetails & { readonly genesysMessage?: string }) {
    const permission = ENDPOINTS[details.endpoint].permission;
    const fix = permission === undefined ? "check the OAuth client's roles" : `grant the OAuth client's role the "${permission}" permission`;
    super(`access denied${quote(details.genesysMessage)}; ${fix}`, details);
  }
}

function quote(message: string | undefined): string {
  return message === undefined ? '' : ` ("${message}")`;
}
