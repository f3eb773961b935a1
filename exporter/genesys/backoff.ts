// Waiting between attempts: exponential backoff with full jitter (AWS architecture blog, "Exponential
// Backoff and Jitter"): spreads retries of many clients instead of synchronising them.

export interface BackoffOptions {
  /** Upper bound of the first delay, ms. */
  readonly baseMs: number;
  /** Upper bound of any delay, ms. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/** A random delay in [0, min(maxMs, baseMs·2^retry)] for the retry-th retry (0-based). */
export function fullJitterDelayMs(retry: number, options: BackoffOptions, random: () => number = Math.random): number {
  return random() * Math.min(options.maxMs, options.baseMs * 2 ** retry);
}

/** Resolves after `ms`, or rejects with `onAbort()` as soon as `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal, onAbort: () => Error): Promise<void> {
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise((resolve, reject) => {
    const abort = (): void => {
      clearTimeout(timer);
      reject(onAbort());
    };
    const timer = setTimeout(
      () => {
        signal.removeEventListener('abort', abort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal.addEventListener('abort', abort, { once: true });
  });
}
