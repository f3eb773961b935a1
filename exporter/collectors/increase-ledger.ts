// Turns re-reads of changing aggregate intervals into increases, so each contact is counted exactly once.
// Genesys keeps adding to an interval after it ends (timers post when the activity completes), so every
// poll re-reads a window of recent intervals; the ledger remembers the highest value seen per
// (queue, media, interval, field) and reports only what was added since. Values never go backwards: a
// lower re-read is ignored. Intervals that leave the window are forgotten.

export class IncreaseLedger {
  readonly #seen = new Map<string, { readonly value: number; readonly intervalStartMs: number }>();

  /** The increase of `key` since the last call (the whole value the first time a key is seen). */
  increase(key: string, intervalStartMs: number, value: number): number {
    const previous = this.#seen.get(key)?.value ?? 0;
    if (value <= previous) return 0;
    this.#seen.set(key, { value, intervalStartMs });
    return value - previous;
  }

  forgetBefore(intervalStartMs: number): void {
    for (const [key, entry] of this.#seen) if (entry.intervalStartMs < intervalStartMs) this.#seen.delete(key);
  }

  /** Drops every key of a queue (it stopped being exported). */
  forgetQueue(queueId: string): void {
    const prefix = `${queueId}\u0000`;
    for (const key of this.#seen.keys()) if (key.startsWith(prefix)) this.#seen.delete(key);
  }

  get size(): number {
    return this.#seen.size;
  }
}
