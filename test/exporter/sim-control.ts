// The simulator's control and ground-truth API over HTTP (/sim/...), as exporter tests use it.
import type { FaultRequest, RequestLog, ScenarioRequest, SimQueue, TruthContacts, TruthNow } from '../../simulator/control-types.ts';

export class SimControl {
  /** The simulator's (manual) clock, epoch ms; the exporter under test reads it through `now`. */
  nowMs = 0;

  constructor(readonly url: string) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  async syncClock(): Promise<number> {
    this.nowMs = Date.parse((await this.call<{ time: string }>('GET', '/sim/clock')).time);
    return this.nowMs;
  }

  async advanceBy(ms: number): Promise<number> {
    this.nowMs = Date.parse((await this.call<{ time: string }>('POST', '/sim/clock', { advanceByMs: ms })).time);
    return this.nowMs;
  }

  truthNow(): Promise<TruthNow> {
    return this.call('GET', '/sim/truth/now');
  }

  truthContacts(sinceMs: number, untilMs: number): Promise<TruthContacts> {
    return this.call('GET', `/sim/truth/contacts?since=${new Date(sinceMs).toISOString()}&until=${new Date(untilMs).toISOString()}`);
  }

  async queues(): Promise<SimQueue[]> {
    return (await this.call<{ queues: SimQueue[] }>('GET', '/sim/queues')).queues;
  }

  fault(request: FaultRequest): Promise<unknown> {
    return this.call('POST', '/sim/faults', request);
  }

  clearFaults(): Promise<unknown> {
    return this.call('DELETE', '/sim/faults');
  }

  scenario(request: ScenarioRequest): Promise<{ id: string }> {
    return this.call('POST', '/sim/scenarios', request);
  }

  endScenarios(): Promise<unknown> {
    return this.call('DELETE', '/sim/scenarios');
  }

  requests(): Promise<RequestLog> {
    return this.call('GET', '/sim/requests');
  }
}
