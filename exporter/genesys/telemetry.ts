// How the API client reports what it does, without knowing about prom-client. The exporter wires these
// callbacks to the catalog's genesys_exporter_* metrics; tests can record them directly.

/** Fixed endpoint names: a bounded label set, never a URL (URLs carry ids). */
export type Endpoint = 'oauth_token' | 'routing_queues' | 'queue_observations' | 'conversation_aggregates' | 'notifications';

/** An HTTP status code as a string, or why there was none ('too_large': the body passed the size limit). */
export type RequestOutcome = `${number}` | 'timeout' | 'network_error' | 'too_large';

export interface ApiTelemetry {
  /** Every attempt (retries included), with its outcome and latency. */
  request(endpoint: Endpoint, outcome: RequestOutcome, durationSeconds: number): void;
  /** A 429 from the API, with the Retry-After it carried (seconds, if any). */
  rateLimited(endpoint: Endpoint, retryAfterSeconds: number | undefined): void;
  /** A client-credentials grant finished. */
  tokenRefresh(result: 'success' | 'failure', expiresAt?: Date): void;
  /** The login circuit breaker opened (true) or closed (false). */
  loginCircuit(open: boolean): void;
}

export const noTelemetry: ApiTelemetry = {
  request: () => {},
  rateLimited: () => {},
  tokenRefresh: () => {},
  loginCircuit: () => {},
};
