// The log of API and login requests the simulator received, so tests can assert on client behaviour
// ("no request inside Retry-After", "zero 401s", "login called N times"). Bounded: the oldest entries go.

import type { RequestLogEntry } from './control-types.ts';

const REQUEST_LOG_CAPACITY = 50_000;

export class RequestLogBook {
  private entries: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): RequestLogEntry {
    this.entries.push(entry);
    if (this.entries.length > REQUEST_LOG_CAPACITY * 1.2) this.entries = this.entries.slice(-REQUEST_LOG_CAPACITY);
    return entry;
  }

  /** Entries received at or after `since` (epoch ms), oldest first. */
  since(since: number | undefined): RequestLogEntry[] {
    const all = this.entries.slice(-REQUEST_LOG_CAPACITY);
    return since === undefined ? all : all.filter((e) => Date.parse(e.time) >= since);
  }
}
