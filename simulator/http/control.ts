// /sim/...: the control and ground-truth API (no auth, never under /api/v2). Errors are 400/404 with
// {"error": "..."} naming what was wrong.

import { ControlInputError } from '../control-parse.ts';
import type { ControlError } from '../control-types.ts';
import { ScenarioError } from '../model/scenarios.ts';
import type { Simulation } from '../simulation.ts';
import { BodyTooLargeError, type Exchange } from './exchange.ts';

/** The one shape of every /sim/ error body. */
const controlError = (message: string): ControlError => ({ error: message });

async function jsonBody(ex: Exchange): Promise<unknown> {
  const text = await ex.readBody();
  try {
    return text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new ControlInputError('the body is not valid JSON');
  }
}

function requiredParam(ex: Exchange, name: string): string {
  const value = ex.url.searchParams.get(name);
  if (value === null || value === '') throw new ControlInputError(`query parameter "${name}" is required (ISO-8601, e.g. 2026-11-29T15:00:00Z)`);
  return value;
}

async function route(ex: Exchange, sim: Simulation): Promise<[number, unknown]> {
  const path = ex.url.pathname.replace(/\/+$/, '');
  const key = `${ex.method} ${path}`;
  const idMatch = /^\/sim\/(scenarios|faults)\/([^/]+)$/.exec(path);
  if (ex.method === 'DELETE' && idMatch !== null) {
    const [, kind, id] = idMatch;
    const ended = kind === 'scenarios' ? sim.endScenario(id!) : sim.clearFault(id!);
    return ended ? [200, { ended: id }] : [404, controlError(`no active ${kind === 'scenarios' ? 'scenario' : 'fault'} "${id}"`)];
  }
  switch (key) {
    case 'GET /sim/truth/now':
      return [200, sim.truthNow()];
    case 'GET /sim/truth/contacts': {
      const queueId = ex.url.searchParams.get('queueId');
      return [200, sim.truthContacts({ since: requiredParam(ex, 'since'), until: requiredParam(ex, 'until'), ...(queueId === null ? {} : { queueId }) })];
    }
    case 'GET /sim/queues':
      return [200, { queues: sim.queues() }];
    case 'GET /sim/scenarios':
      return [200, { scenarios: sim.listScenarios() }];
    case 'POST /sim/scenarios':
      return [201, sim.startScenario(await jsonBody(ex))];
    case 'DELETE /sim/scenarios':
      return [200, { ended: sim.endScenarios() }];
    case 'GET /sim/faults':
      return [200, { faults: sim.listFaults() }];
    case 'POST /sim/faults':
      return [201, sim.injectFault(await jsonBody(ex))];
    case 'DELETE /sim/faults':
      return [200, { cleared: sim.clearFaults() }];
    case 'GET /sim/requests': {
      const since = ex.url.searchParams.get('since');
      return [200, sim.requests(since === null ? undefined : since)];
    }
    case 'POST /sim/clock': {
      // Manual clock only: {"advanceTo": ISO} or {"advanceByMs": n}.
      const body = (await jsonBody(ex)) as Record<string, unknown>;
      if (typeof body['advanceTo'] === 'string') return [200, { time: sim.advanceTo(body['advanceTo']).toISOString() }];
      if (typeof body['advanceByMs'] === 'number') return [200, { time: sim.advanceBy(body['advanceByMs']).toISOString() }];
      throw new ControlInputError('POST /sim/clock needs {"advanceTo": "<ISO instant>"} or {"advanceByMs": <ms>}');
    }
    case 'GET /sim/clock':
      return [200, { time: sim.now().toISOString(), mode: sim.clockMode }];
    default:
      return [404, controlError(`no control route ${key}; see simulator/README.md`)];
  }
}

export async function handleControl(ex: Exchange, sim: Simulation): Promise<void> {
  try {
    const [status, body] = await route(ex, sim);
    ex.sendJson(status, body);
  } catch (error) {
    if (error instanceof ControlInputError || error instanceof ScenarioError) return ex.sendJson(400, controlError(error.message));
    if (error instanceof BodyTooLargeError) return ex.sendJson(413, controlError(error.message), { Connection: 'close' });
    throw error;
  }
}
