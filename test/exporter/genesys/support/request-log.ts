// The simulator's request log (GET /sim/requests), with arrival times as epoch ms, and its logins and API calls.
import type { RequestLogEntry } from '../../../../simulator/control-types.ts';
import { SimulatorClient } from '../../../../stack/simulator-client.ts';

export interface LoggedRequest extends RequestLogEntry {
  readonly at: number;
}

export async function requestLog(simulatorUrl: string): Promise<LoggedRequest[]> {
  const log = await new SimulatorClient(simulatorUrl).requests();
  return log.requests.map((entry) => ({ ...entry, at: Date.parse(entry.time) }));
}

export const logins = (log: readonly LoggedRequest[]) => log.filter((r) => r.endpoint === 'oauth_token');
export const apiCalls = (log: readonly LoggedRequest[]) => log.filter((r) => r.endpoint !== null && r.endpoint !== 'oauth_token');
