// The simulator's control API over HTTP (the same calls an operator would make with curl).

import type { FaultRequest, RequestLog, RequestLogEntry } from '../../../../simulator/control-types.ts';

export async function injectFault(simUrl: string, fault: FaultRequest): Promise<void> {
  const response = await fetch(`${simUrl}/sim/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(fault) });
  if (response.status !== 201) throw new Error(`POST /sim/faults ${JSON.stringify(fault)} → ${response.status} ${await response.text()}`);
}

export async function clearFaults(simUrl: string): Promise<void> {
  const response = await fetch(`${simUrl}/sim/faults`, { method: 'DELETE' });
  if (!response.ok) throw new Error(`DELETE /sim/faults → ${response.status}`);
}

export interface LoggedRequest extends RequestLogEntry {
  readonly at: number;
}

/** The simulator's request log, with arrival times as epoch ms. */
export async function requestLog(simUrl: string): Promise<LoggedRequest[]> {
  const response = await fetch(`${simUrl}/sim/requests`);
  if (!response.ok) throw new Error(`GET /sim/requests → ${response.status}`);
  const log = (await response.json()) as RequestLog;
  return log.requests.map((entry) => ({ ...entry, at: Date.parse(entry.time) }));
}

export const logins = (log: readonly LoggedRequest[]) => log.filter((r) => r.endpoint === 'oauth_token');
export const apiCalls = (log: readonly LoggedRequest[]) => log.filter((r) => r.endpoint !== null && r.endpoint !== 'oauth_token');
