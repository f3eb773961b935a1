// Wires the API client's telemetry callbacks to the catalog's genesys_exporter_* metrics.
import type { ApiTelemetry } from './genesys/telemetry.ts';
import type { ExporterRegistry } from './registry.ts';

export function registryTelemetry(metrics: ExporterRegistry): ApiTelemetry {
  const requests = metrics.counter('genesys_exporter_api_requests_total');
  const latency = metrics.histogram('genesys_exporter_api_request_duration_seconds');
  const rateLimited = metrics.counter('genesys_exporter_api_rate_limited_total');
  const refreshes = metrics.counter('genesys_exporter_token_refreshes_total');
  const tokenExpiry = metrics.gauge('genesys_exporter_token_expiry_timestamp_seconds');
  const circuitOpen = metrics.gauge('genesys_exporter_login_circuit_open');
  circuitOpen.set(0);
  return {
    request(endpoint, outcome, durationSeconds) {
      requests.inc({ endpoint, status_code: outcome });
      latency.observe({ endpoint }, durationSeconds);
    },
    rateLimited(endpoint) {
      rateLimited.inc({ endpoint });
    },
    tokenRefresh(result, expiresAt) {
      refreshes.inc({ result });
      if (expiresAt !== undefined) tokenExpiry.set(expiresAt.getTime() / 1000);
    },
    loginCircuit(open) {
      circuitOpen.set(open ? 1 : 0);
    },
  };
}
