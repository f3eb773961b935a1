// The request-budget check of the client tests, over arrival times from a fake's or the simulator's log.

export interface Budget {
  readonly maxConcurrency: number;
  readonly requestsPerMinute: number;
}

/**
 * How many requests the busiest window of `arrivalsMs` holds over what the budget allows: for every pair of
 * arrivals i ≤ j, the requests in [t_i, t_j] less the burst (≤ maxConcurrency) plus the per-minute rate over
 * the window, plus two for millisecond rounding and delivery jitter (at 10 requests/s, 200 ms of it). At most 0
 * when the budget held. Only an upper bound: a slow machine can only lower the counts.
 */
export function budgetExcess(arrivalsMs: readonly number[], { maxConcurrency, requestsPerMinute }: Budget): number {
  const times = [...arrivalsMs].sort((a, b) => a - b);
  let worst = -Infinity;
  for (let i = 0; i < times.length; i += 1) {
    for (let j = i; j < times.length; j += 1) {
      worst = Math.max(worst, j - i + 1 - (maxConcurrency + 2 + ((times[j]! - times[i]!) / 60_000) * requestsPerMinute));
    }
  }
  return worst;
}
