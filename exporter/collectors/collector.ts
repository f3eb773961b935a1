// The one small interface every collector implements (node_exporter style). A run returns the complete
// snapshot of the series the collector owns, or throws; the runner does the rest (schedule, success and
// duration metrics, keeping the last good snapshot, staleness).
import type { Snapshot } from '../samples.ts';

export type CollectorName = 'queues' | 'observations' | 'aggregates';

export interface Collector {
  readonly name: CollectorName;
  /** Whether a run needs the queue list first (the runner holds it back until the catalog has loaded). */
  readonly needsQueues: boolean;
  /** API requests one run sends now (pages, batches), for the rate budget. */
  requestsPerRun(): number;
  collect(): Promise<Snapshot>;
}

/** Splits ids into batches of at most `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}
