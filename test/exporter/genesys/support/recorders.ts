// Test doubles for the client's outputs (telemetry callbacks and log lines); they record, they never decide.

import { createLogger, type Logger } from '../../../../exporter/log.ts';
import type { ApiTelemetry, Endpoint, RequestOutcome } from '../../../../exporter/genesys/telemetry.ts';

export interface TelemetryRecord {
  readonly requests: { endpoint: Endpoint; outcome: RequestOutcome; durationSeconds: number }[];
  readonly rateLimited: { endpoint: Endpoint; retryAfterSeconds: number | undefined }[];
  readonly tokenRefreshes: { result: 'success' | 'failure'; expiresAt?: Date }[];
  readonly circuit: boolean[];
}

export function recordingTelemetry(onRateLimited?: () => void): ApiTelemetry & { record: TelemetryRecord } {
  const record: TelemetryRecord = { requests: [], rateLimited: [], tokenRefreshes: [], circuit: [] };
  return {
    record,
    request: (endpoint, outcome, durationSeconds) => record.requests.push({ endpoint, outcome, durationSeconds }),
    rateLimited: (endpoint, retryAfterSeconds) => {
      record.rateLimited.push({ endpoint, retryAfterSeconds });
      onRateLimited?.();
    },
    tokenRefresh: (result, expiresAt) => record.tokenRefreshes.push(expiresAt === undefined ? { result } : { result, expiresAt }),
    loginCircuit: (open) => record.circuit.push(open),
  };
}

export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }), lines };
}
