// The last good snapshot of each collector. Scrapes read from here (never from the API). A snapshot
// older than its staleness limit is dropped, so /metrics never serves data that is silently frozen;
// series of queues no longer exported are hidden at once, whichever collector produced them.
import type { SampleOf, Snapshot, SnapshotMetric } from './samples.ts';

interface StoredSnapshot {
  readonly snapshot: Snapshot;
  readonly takenAtMs: number;
  readonly staleAfterMs: number;
}

/** Decides whether a queue's series may be served: the queue must still be exported under that name. */
export type QueueSeriesFilter = (queueId: string, queueName: string) => boolean;

export class SnapshotStore {
  readonly #snapshots = new Map<string, StoredSnapshot>();
  readonly #now: () => number;
  #queueFilter: QueueSeriesFilter = () => true;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  setQueueFilter(filter: QueueSeriesFilter): void {
    this.#queueFilter = filter;
  }

  publish(owner: string, snapshot: Snapshot, staleAfterMs: number): void {
    this.#snapshots.set(owner, { snapshot, takenAtMs: this.#now(), staleAfterMs });
  }

  /** Drops snapshots older than their limit; returns the owners dropped. */
  expire(): string[] {
    const dropped: string[] = [];
    for (const [owner, stored] of this.#snapshots) {
      if (this.#now() - stored.takenAtMs > stored.staleAfterMs) {
        this.#snapshots.delete(owner);
        dropped.push(owner);
      }
    }
    return dropped;
  }

  /** Current series of a metric: stale snapshots (not yet expired) and unexported queues left out. */
  samples<N extends SnapshotMetric>(metric: N): SampleOf<N>[] {
    const out: SampleOf<N>[] = [];
    for (const { snapshot, takenAtMs, staleAfterMs } of this.#snapshots.values()) {
      if (this.#now() - takenAtMs > staleAfterMs) continue;
      for (const sample of (snapshot[metric] ?? []) as readonly SampleOf<N>[]) {
        const labels = sample.labels as Readonly<Record<string, string>>;
        const queueId = labels['queue_id'];
        if (queueId !== undefined && !this.#queueFilter(queueId, labels['queue_name'] ?? '')) continue;
        out.push(sample);
      }
    }
    return out;
  }
}
