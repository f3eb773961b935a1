// The simulator's control and ground-truth API over HTTP (`/sim/...`, see simulator/control-types.ts).
// Used by the stack and the e2e tests; it works the same whether the simulator runs in a child process
// (as in the stack) or in process.

import type {
  FaultInfo,
  FaultRequest,
  RequestLog,
  ScenarioInfo,
  ScenarioRequest,
  SimQueue,
  TruthContacts,
  TruthContactsQuery,
  TruthNow,
} from '../simulator/control-types.ts';

const iso = (time: Date | string): string => (typeof time === 'string' ? time : time.toISOString());

export class SimulatorClient {
  constructor(readonly url: string) {}

  async #request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`simulator ${method} ${path}: status ${response.status}: ${text.slice(0, 300)}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  truthNow(): Promise<TruthNow> {
    return this.#request('GET', '/sim/truth/now');
  }

  truthContacts(query: TruthContactsQuery): Promise<TruthContacts> {
    const params = new URLSearchParams({ since: iso(query.since), until: iso(query.until) });
    if (query.queueId !== undefined) params.set('queueId', query.queueId);
    return this.#request('GET', `/sim/truth/contacts?${params}`);
  }

  queues(): Promise<readonly SimQueue[]> {
    return this.#request<{ queues: SimQueue[] } | SimQueue[]>('GET', '/sim/queues').then((body) => (Array.isArray(body) ? body : body.queues));
  }

  startScenario(request: ScenarioRequest): Promise<ScenarioInfo> {
    return this.#request('POST', '/sim/scenarios', request);
  }

  stopScenario(id: string): Promise<unknown> {
    return this.#request('DELETE', `/sim/scenarios/${encodeURIComponent(id)}`);
  }

  startFault(request: FaultRequest): Promise<FaultInfo> {
    return this.#request('POST', '/sim/faults', request);
  }

  /** The API and login requests the simulator received (since an ISO instant, if given). */
  requests(since?: string): Promise<RequestLog> {
    return this.#request('GET', since === undefined ? '/sim/requests' : `/sim/requests?${new URLSearchParams({ since })}`);
  }
}
