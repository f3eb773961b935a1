// Base of every error the Genesys client throws. Messages name the endpoint and what to do; they are
// passed through `redact` as a last line of defence, and callers never put tokens, secrets or
// Authorization headers in them (nor in `cause`: we never attach ky's HTTPError/TimeoutError, whose
// `request` carries the Authorization header).

import { redact } from '../../log.ts';
import { describeEndpoint } from '../endpoints.ts';
import type { Endpoint } from '../telemetry.ts';

export interface GenesysApiErrorDetails {
  readonly endpoint: Endpoint;
  /** HTTP status of the last response, when one arrived. */
  readonly status?: number;
  /** Genesys' `ININ-Correlation-Id` of the last response, for support tickets. */
  readonly correlationId?: string;
  readonly cause?: unknown;
}

export class GenesysApiError extends Error {
  readonly endpoint: Endpoint;
  readonly status: number | undefined;
  readonly correlationId: string | undefined;

  constructor(problem: string, details: GenesysApiErrorDetails) {
    const status = details.status === undefined ? '' : ` → HTTP ${details.status}`;
    const correlation = details.correlationId === undefined ? '' : ` (correlation id ${details.correlationId})`;
    super(redact(`${describeEndpoint(details.endpoint)}${status}: ${problem}${correlation}`), { cause: details.cause });
    this.name = new.target.name;
    this.endpoint = details.endpoint;
    this.status = details.status;
    this.correlationId = details.correlationId;
  }
}
