// Turns re-reads of changing aggregate intervals into increases, so each contact is counted exactly once.
// Genesys keeps adding to an interval after it ends (timers post when the activity completes), so every
// poll re-reads a window of recent intervals; the ledger remembers the highest value seen per
// (queue, series, interval, field) and reports only what was added since. Values never go backwards: a
// lower re-read is ignored. Intervals that leave the window are forgotten.
//
// Why this shape: a 1,000-queue poll re-reads ~16,000 intervals of 16 fields each. One entry per interval
// holding a fixed-size array of fields (looked up by queue, series and a numeric interval start) avoids
// building, hashing and keeping a string key and an object per field on every poll.

import { getOrInsertComputed } from '../../lib/map.ts';

/** Highest value seen per field of one interval. Fields never seen are 0, as are values a poll left out. */
type IntervalHighs = Float64Array;

export class IncreaseLedger {
  readonly #fieldCount: number;
  /** queue id → series (e.g. media type) → interval start (ms) → highest values seen. */
  readonly #queues = new Map<string, Map<string, Map<number, IntervalHighs>>>();

  /** `fieldCount`: how many values each interval carries; every call passes them in the same order. */
  constructor(fieldCount: number) {
    if (!Number.isInteger(fieldCount) || fieldCount < 1) throw new RangeError(`IncreaseLedger: fieldCount must be a positive integer, got ${fieldCount}`);
    this.#fieldCount = fieldCount;
  }

  /**
   * Adds to `totals` (when given) how much each field of `values` grew since this interval was last read
   * (the whole value the first time). Without `totals` the values are only remembered (a baseline).
   */
  addIncreases(queueId: string, series: string, intervalStartMs: number, values: ArrayLike<number>, totals: Float64Array | undefined): void {
    if (values.length !== this.#fieldCount || (totals !== undefined && totals.length !== this.#fieldCount)) {
      throw new RangeError(
        `IncreaseLedger: expected ${this.#fieldCount} values per interval, got ${values.length}${totals === undefined ? '' : ` (totals: ${totals.length})`}`,
      );
    }
    const highs = this.#highsOf(queueId, series, intervalStartMs);
    for (let field = 0; field < this.#fieldCount; field += 1) {
      const value = values[field]!;
      const previous = highs[field]!;
      if (!(value > previous)) continue;
      highs[field] = value;
      if (totals !== undefined) totals[field]! += value - previous;
    }
  }

  forgetBefore(intervalStartMs: number): void {
    for (const [queueId, seriesOfQueue] of this.#queues) {
      for (const [series, intervals] of seriesOfQueue) {
        for (const start of intervals.keys()) if (start < intervalStartMs) intervals.delete(start);
        if (intervals.size === 0) seriesOfQueue.delete(series);
      }
      if (seriesOfQueue.size === 0) this.#queues.delete(queueId);
    }
  }

  /** Drops every interval of a queue (it stopped being exported). */
  forgetQueue(queueId: string): void {
    this.#queues.delete(queueId);
  }

  /** How many intervals are remembered. */
  get size(): number {
    let size = 0;
    for (const seriesOfQueue of this.#queues.values()) for (const intervals of seriesOfQueue.values()) size += intervals.size;
    return size;
  }

  #highsOf(queueId: string, series: string, intervalStartMs: number): IntervalHighs {
    const seriesOfQueue = getOrInsertComputed(this.#queues, queueId, () => new Map<string, Map<number, IntervalHighs>>());
    const intervals = getOrInsertComputed(seriesOfQueue, series, () => new Map<number, IntervalHighs>());
    return getOrInsertComputed(intervals, intervalStartMs, () => new Float64Array(this.#fieldCount));
  }
}
