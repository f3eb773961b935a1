import { GenesysApiError, type GenesysApiErrorDetails } from './genesys-api-error.ts';

/** A 3xx answer. Never followed: the bearer token (or, on login, the client secret) would go with it and
 * another host's answer would be trusted. Not retried. */
export class RedirectRefusedError extends GenesysApiError {
  constructor(details: GenesysApiErrorDetails & { readonly location: string | undefined }) {
    super(
      `answered with a redirect to ${originOf(details.location)}, which is not followed (credentials would go with it); ` +
        'point --genesys.api-url/--genesys.login-url at the Genesys Cloud hosts themselves, or check what proxy redirects',
      details,
    );
  }
}

/** Only the origin: a Location's path or query could carry anything. */
function originOf(location: string | undefined): string {
  if (location === undefined) return 'an unnamed location';
  try {
    return new URL(location).origin;
  } catch {
    return 'a relative location';
  }
}
