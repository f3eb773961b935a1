// The one small interface every collector implements (node_exporter style). A run either returns the
// complete snapshot of the series the collector owns, or publishes them batch by batch through its
// CollectorRun as each batch returns (so a value is served as soon as it is known), or throws; the runner
// does the rest (schedule, batch pacing, success and duration metrics, keeping the last good values,
// staleness).
import type { Snapshot } from '../samples.ts';

export type CollectorName = 'queues' | 'observations' | 'aggregates';

/** What the runner hands one run of a collector. */
export interface CollectorRun {
  /**
   * Resolves when batch `index` of the run's `count` batches may be sent: the runner starts a run's
   * batches evenly across the collector's interval (batch i at a fixed phase), so no value gets older
   * than the interval plus one batch. Rejects when the exporter stops.
   */
  batchSlot(index: number, count: number): Promise<void>;
  /**
   * Serves the series of one batch's queues now, replacing what those queues showed before; the other
   * queues keep theirs. `snapshot` holds series of `queueIds` only.
   */
  publishBatch(queueIds: readonly string[], snapshot: Snapshot): void;
}

export interface Collector {
  readonly name: CollectorName;
  /** Whether a run needs the queue list first (the runner holds it back until the catalog has loaded). */
  readonly needsQueues: boolean;
  /** API requests one run sends now (pages, batches), for the rate budget. */
  requestsPerRun(): number;
  /**
   * One run: resolves with the complete snapshot, or with nothing when every batch was published through
   * `run.publishBatch`. Throws when any part failed (the runner reports the run as failed; what was
   * published stays, the rest keeps its last good values until stale).
   */
  collect(run: CollectorRun): Promise<Snapshot | undefined>;
}

/** Splits ids into batches of at most `size`. */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/**
 * Runs a collector once with no pacing and returns everything it produced as one snapshot (benchmarks and
 * tests that look at a run's result rather than at /metrics).
 */
export async function collectSnapshot(collector: Collector): Promise<Snapshot> {
  const parts: Snapshot[] = [];
  const whole = await collector.collect({ batchSlot: async () => undefined, publishBatch: (_ids, snapshot) => parts.push(snapshot) });
  if (whole !== undefined) parts.unshift(whole);
  const merged: Record<string, unknown[]> = {};
  for (const part of parts) {
    for (const [metric, samples] of Object.entries(part)) {
      const list = merged[metric] ?? [];
      for (const sample of samples as unknown[]) list.push(sample);
      merged[metric] = list;
    }
  }
  return merged as Snapshot;
}

/** Throws one error for the failed batches of a run (naming how many), with the first failure as its cause. */
export function throwIfAnyFailed(what: string, settled: readonly PromiseSettledResult<unknown>[]): void {
  const failures = settled.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failures.length === 0) return;
  const first = failures[0]!.reason as unknown;
  throw new Error(`${failures.length} of ${settled.length} ${what} queries failed: ${first instanceof Error ? first.message : String(first)}`, {
    cause: first,
  });
}
