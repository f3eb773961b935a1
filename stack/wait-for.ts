// Polling until something is true, bounded: the one waitFor of the stack and the tests (a timed-out wait
// says what was awaited and the last thing seen, so a failing test explains itself).
import { setTimeout as sleep } from 'node:timers/promises';

/** Thrown by a waitFor probe to stop waiting at once (e.g. the awaited process has exited). */
export class WaitAborted extends Error {
  override readonly name = 'WaitAborted';
}

export interface WaitOptions {
  /** Default 30 s. */
  readonly timeoutMs?: number;
  /** Pause between probes; default 250 ms. */
  readonly intervalMs?: number;
  /** What to report on timeout instead of the probe's last error or "condition false". */
  readonly describeLast?: () => string;
}

/**
 * Calls `probe` until it returns a value other than undefined or false, and returns that value. A probe
 * that throws is retried (the thing may not be up yet), unless it throws WaitAborted.
 */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, options: WaitOptions = {}): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      if (error instanceof WaitAborted) throw error;
      lastError = error;
    }
    await sleep(options.intervalMs ?? 250);
  }
  const last = options.describeLast?.() ?? (lastError instanceof Error ? lastError.message : lastError === undefined ? 'condition false' : String(lastError));
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (last: ${last})`);
}
