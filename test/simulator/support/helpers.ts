// Shared by the simulator tests: a manual-clock simulator, login, and API calls over real HTTP.

import assert from 'node:assert/strict';
import { startSimulator, type SimulatorHandle, type SimulatorOptions } from '../../../simulator/index.ts';

/** A fixed, minute-aligned start so intervals in tests are easy to write. */
export const START = '2026-11-29T12:00:00.000Z';

export function startManual(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  return startSimulator({ seed: 42, clock: 'manual', startTime: START, warmupSeconds: 1800, ...options });
}

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON body (undefined when the body is not JSON). */
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response shapes; a wrong field fails their assertion.
  readonly json: any;
}

export async function call(url: string, init: RequestInit = {}): Promise<Reply> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function basic(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

export async function login(sim: SimulatorHandle): Promise<string> {
  const reply = await call(`${sim.url}/oauth/token`, {
    method: 'POST',
    headers: { Authorization: basic(sim.clientId, sim.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  if (reply.status !== 200) throw new Error(`login failed: ${reply.status} ${reply.text}`);
  return reply.json.access_token as string;
}

export function api(sim: SimulatorHandle, token: string) {
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  return {
    get: (path: string) => call(`${sim.url}${path}`, { headers }),
    post: (path: string, body: unknown) => call(`${sim.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }),
  };
}

export const OBSERVATIONS = '/api/v2/analytics/queues/observations/query';
export const AGGREGATES = '/api/v2/analytics/conversations/aggregates/query';
export const QUEUES = '/api/v2/routing/queues';

export function queueFilter(queueIds: readonly string[]) {
  return { type: 'or', predicates: queueIds.map((value) => ({ type: 'dimension', dimension: 'queueId', operator: 'matches', value })) };
}

export const ALL_OBSERVATION_METRICS = [
  'oWaiting',
  'oInteracting',
  'oAlerting',
  'oOnQueueUsers',
  'oOffQueueUsers',
  'oUserRoutingStatuses',
  'oMemberUsers',
  'oActiveUsers',
  'oUserPresences',
];

/** The generic Genesys error body. */
export function assertErrorBody(reply: Reply, status: number, code: string): void {
  assert.equal(reply.status, status, reply.text);
  assert.equal(reply.json.status, status);
  assert.equal(reply.json.code, code);
  assert.equal(typeof reply.json.message, 'string');
  assert.equal(reply.json.contextId, reply.headers.get('inin-correlation-id'));
  assert.deepEqual(reply.json.details, []);
  assert.deepEqual(reply.json.errors, []);
}
