// One request budget per client, shared by every endpoint:
// - a token bucket paces attempts smoothly. Its capacity (the burst) is small and its refill rate is
//   (requestsPerMinute − burst)/min, so no sliding 60 s window ever holds more than requestsPerMinute;
// - a semaphore bounds the attempts in flight;
// - a client-wide pause (after a 429) holds every attempt until Retry-After has passed;
// - slots and tokens go to real-time requests (queue observations) before background ones (history, the
//   queue list): after a stall, the real-time backlog catches up on the whole budget's pace instead of its
//   share of it, and the background requests, whose data does not age as fast, wait a moment.

import { sleep } from './backoff.ts';

export interface RateLimiterOptions {
  readonly requestsPerMinute: number;
  readonly maxConcurrency: number;
  /** Aborting rejects every waiter with the error its caller passed. */
  readonly closeSignal: AbortSignal;
  readonly now?: () => number;
}

export interface Permit {
  release(): void;
}

/** Which waiters go first: real-time before background, each in arrival order. */
export type RequestPriority = 'realtime' | 'background';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  readonly closedError: () => Error;
  readonly beforePauseWait: (() => void) | undefined;
}

/** Waiters by priority; `next` is the first of the highest priority. */
class WaitQueue {
  readonly #realtime: Waiter[] = [];
  readonly #background: Waiter[] = [];

  push(priority: RequestPriority, waiter: Waiter): void {
    (priority === 'realtime' ? this.#realtime : this.#background).push(waiter);
  }

  peek(): Waiter | undefined {
    return this.#realtime[0] ?? this.#background[0];
  }

  shift(): Waiter | undefined {
    return this.#realtime.shift() ?? this.#background.shift();
  }

  remove(waiter: Waiter): void {
    for (const list of [this.#realtime, this.#background]) {
      const at = list.indexOf(waiter);
      if (at >= 0) list.splice(at, 1);
    }
  }

  drain(): Waiter[] {
    return [...this.#realtime.splice(0), ...this.#background.splice(0)];
  }
}

export class RateLimiter {
  readonly requestsPerMinute: number;
  readonly burst: number;
  readonly #refillPerMs: number;
  readonly #maxConcurrency: number;
  readonly #closeSignal: AbortSignal;
  readonly #now: () => number;
  #tokens: number;
  #refilledAtMs: number;
  #inFlight = 0;
  readonly #slotWaiters = new WaitQueue();
  /** Bucket tokens are handed out one waiter at a time, real-time first, each in arrival order (#pump). */
  readonly #tokenWaiters = new WaitQueue();
  #pumping = false;
  #pausedUntilMs = 0;

  constructor(options: RateLimiterOptions) {
    if (!Number.isFinite(options.requestsPerMinute) || options.requestsPerMinute < 1) {
      throw new RangeError(`requestsPerMinute must be a number ≥ 1, got ${options.requestsPerMinute}`);
    }
    if (!Number.isInteger(options.maxConcurrency) || options.maxConcurrency < 1) {
      throw new RangeError(`maxConcurrency must be an integer ≥ 1, got ${options.maxConcurrency}`);
    }
    this.requestsPerMinute = options.requestsPerMinute;
    this.burst = Math.max(1, Math.min(options.maxConcurrency, Math.floor(options.requestsPerMinute / 20)));
    // A budget below the burst still refills, just slowly; the guarantee then degrades to "burst per minute".
    this.#refillPerMs = Math.max(options.requestsPerMinute - this.burst, 1) / 60_000;
    this.#maxConcurrency = options.maxConcurrency;
    this.#closeSignal = options.closeSignal;
    this.#now = options.now ?? (() => performance.now());
    this.#tokens = this.burst;
    this.#refilledAtMs = this.#now();
    this.#closeSignal.addEventListener(
      'abort',
      () => {
        for (const waiter of this.#slotWaiters.drain()) waiter.reject(waiter.closedError());
      },
      { once: true },
    );
  }

  /**
   * Waits for a concurrency slot, the end of any pause, and a budget token. Release the permit after the
   * attempt. `beforePauseWait` runs before each wait for a pause and may throw to give up (a long pause).
   */
  async acquire(closedError: () => Error, beforePauseWait?: () => void, priority: RequestPriority = 'background'): Promise<Permit> {
    await this.#takeSlot(closedError, priority);
    try {
      await new Promise<void>((resolve, reject) => {
        this.#tokenWaiters.push(priority, { resolve, reject, closedError, beforePauseWait });
        void this.#pump();
      });
    } catch (error) {
      this.#releaseSlot();
      throw error;
    }
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.#releaseSlot();
      },
    };
  }

  /** Holds every attempt of the client for `ms` (extends, never shortens, a running pause). */
  pauseFor(ms: number): void {
    this.#pausedUntilMs = Math.max(this.#pausedUntilMs, this.#now() + ms);
  }

  get paused(): boolean {
    return this.#now() < this.#pausedUntilMs;
  }

  /** How long the running pause still holds every attempt (0 when none). */
  get pauseRemainingMs(): number {
    return Math.max(0, this.#pausedUntilMs - this.#now());
  }

  /** For a holder of a permit that had to wait (e.g. for a token) after acquiring it. */
  async waitWhilePaused(closedError: () => Error): Promise<void> {
    while (this.paused) await sleep(this.#pausedUntilMs - this.#now(), this.#closeSignal, closedError);
  }

  /**
   * Hands out tokens while anyone waits: waits for the next token on behalf of the first waiter, then gives
   * it to whoever is first when it is there (a real-time waiter that arrived meanwhile goes first). A
   * waiter whose beforePauseWait gives up is rejected alone; closing rejects everyone.
   */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (let head = this.#tokenWaiters.peek(); head !== undefined; head = this.#tokenWaiters.peek()) {
        try {
          await this.#takeToken(head.closedError, head.beforePauseWait);
        } catch (error) {
          if (this.#closeSignal.aborted) {
            for (const waiter of this.#tokenWaiters.drain()) waiter.reject(waiter.closedError());
            return;
          }
          this.#tokenWaiters.remove(head);
          head.reject(error instanceof Error ? error : new Error(String(error)));
          continue;
        }
        this.#tokenWaiters.shift()!.resolve();
      }
    } finally {
      this.#pumping = false;
    }
  }

  async #takeToken(closedError: () => Error, beforePauseWait: (() => void) | undefined): Promise<void> {
    for (;;) {
      if (this.paused) beforePauseWait?.();
      await this.waitWhilePaused(closedError);
      const now = this.#now();
      this.#tokens = Math.min(this.burst, this.#tokens + (now - this.#refilledAtMs) * this.#refillPerMs);
      this.#refilledAtMs = now;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      await sleep(Math.ceil((1 - this.#tokens) / this.#refillPerMs), this.#closeSignal, closedError);
    }
  }

  #takeSlot(closedError: () => Error, priority: RequestPriority): Promise<void> {
    if (this.#closeSignal.aborted) return Promise.reject(closedError());
    if (this.#inFlight < this.#maxConcurrency) {
      this.#inFlight += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => this.#slotWaiters.push(priority, { resolve, reject, closedError, beforePauseWait: undefined }));
  }

  // A freed slot passes straight to the next waiter, so the in-flight count never dips and overshoots.
  #releaseSlot(): void {
    const next = this.#slotWaiters.shift();
    if (next === undefined) this.#inFlight -= 1;
    else next.resolve();
  }
}
