// The simulator's control and ground-truth API over HTTP (`/sim/...`, see simulator/control-types.ts and
// simulator/README.md): the one client the stack, the e2e tests and the exporter tests use. It works the
// same whether the simulator runs in a child process (as in the stack) or in process.

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
  #nowMs: number | undefined;

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

  async queues(): Promise<SimQueue[]> {
    return (await this.#request<{ queues: SimQueue[] }>('GET', '/sim/queues')).queues;
  }

  startScenario(request: ScenarioRequest): Promise<ScenarioInfo> {
    return this.#request('POST', '/sim/scenarios', request);
  }

  stopScenario(id: string): Promise<unknown> {
    return this.#request('DELETE', `/sim/scenarios/${encodeURIComponent(id)}`);
  }

  /** Ends every running scenario. */
  endScenarios(): Promise<unknown> {
    return this.#request('DELETE', '/sim/scenarios');
  }

  startFault(request: FaultRequest): Promise<FaultInfo> {
    return this.#request('POST', '/sim/faults', request);
  }

  /** Clears every active fault. */
  clearFaults(): Promise<unknown> {
    return this.#request('DELETE', '/sim/faults');
  }

  /** The API and login requests the simulator received (since an ISO instant, if given). */
  requests(since?: string): Promise<RequestLog> {
    return this.#request('GET', since === undefined ? '/sim/requests' : `/sim/requests?${new URLSearchParams({ since })}`);
  }

  /**
   * The simulator's clock (epoch ms) as last read by syncClock() or moved by advanceBy(): what an exporter
   * under test reads as its `now` when the simulator runs a manual clock.
   */
  get nowMs(): number {
    if (this.#nowMs === undefined) throw new Error('SimulatorClient.nowMs: call syncClock() first');
    return this.#nowMs;
  }

  /** Reads the simulator's clock (GET /sim/clock). */
  async syncClock(): Promise<number> {
    this.#nowMs = Date.parse((await this.#request<{ time: string }>('GET', '/sim/clock')).time);
    return this.#nowMs;
  }

  /** Moves a manual clock forward (POST /sim/clock); the simulator runs everything due in between. */
  async advanceBy(ms: number): Promise<number> {
    this.#nowMs = Date.parse((await this.#request<{ time: string }>('POST', '/sim/clock', { advanceByMs: ms })).time);
    return this.#nowMs;
  }
}
