// Stops hammering a failing login endpoint. After `failureThreshold` consecutive transient failures
// (5xx, timeouts, network errors) the circuit opens: no login call until the pause ends (`#openUntilMs`);
// each further failure after that doubles the pause (up to `openMaxMs`). One success closes it. Reported
// as open from the trip until the next success, so the gauge shows the whole outage.

export interface CircuitBreakerOptions {
  readonly failureThreshold: number;
  readonly openBaseMs: number;
  readonly openMaxMs: number;
}

export const DEFAULT_LOGIN_CIRCUIT: CircuitBreakerOptions = { failureThreshold: 3, openBaseMs: 5_000, openMaxMs: 300_000 };

export type CircuitState = { readonly open: false } | { readonly open: true; readonly retryAtMs: number };

export class CircuitBreaker {
  #consecutiveFailures = 0;
  #trips = 0;
  #openUntilMs = 0;
  readonly #options: CircuitBreakerOptions;
  readonly #onChange: (open: boolean) => void;
  readonly #now: () => number;

  constructor(options: CircuitBreakerOptions, onChange: (open: boolean) => void, now: () => number = Date.now) {
    this.#options = options;
    this.#onChange = onChange;
    this.#now = now;
  }

  /** Whether a call may go out now; when not, the time (ms since epoch) from which one may. */
  state(): CircuitState {
    return this.#now() < this.#openUntilMs ? { open: true, retryAtMs: this.#openUntilMs } : { open: false };
  }

  get tripped(): boolean {
    return this.#trips > 0;
  }

  recordSuccess(): void {
    const wasTripped = this.tripped;
    this.#consecutiveFailures = 0;
    this.#trips = 0;
    this.#openUntilMs = 0;
    if (wasTripped) this.#onChange(false);
  }

  recordFailure(): void {
    this.#consecutiveFailures += 1;
    if (this.#consecutiveFailures < this.#options.failureThreshold) return;
    const pause = Math.min(this.#options.openMaxMs, this.#options.openBaseMs * 2 ** this.#trips);
    this.#openUntilMs = this.#now() + pause;
    this.#trips += 1;
    if (this.#trips === 1) this.#onChange(true);
  }
}
