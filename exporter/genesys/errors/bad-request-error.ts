import { GenesysApiError, type GenesysApiErrorDetails } from './genesys-api-error.ts';

/** A 4xx other than 401/403/429: the request itself is wrong (e.g. a metric the endpoint rejects). Not retried. */
export class BadRequestError extends GenesysApiError {
  /** Genesys' error `code`, e.g. "bad.request". */
  readonly genesysCode: string | undefined;

  constructor(details: GenesysApiErrorDetails & { readonly genesysMessage?: string; readonly genesysCode?: string }) {
    const said = details.genesysMessage === undefined ? '' : ` ("${details.genesysMessage}")`;
    super(`Genesys Cloud rejected the request${said}; this is a bug in the query the exporter built or an unsupported option, not retried`, details);
    this.genesysCode = details.genesysCode;
  }
}
