// The last good snapshot of each collector. Scrapes read from here (never from the API). A snapshot
// older than its staleness limit is dropped, so /metrics never serves data that is silently frozen;
// series of queues no longer exported are hidden at once, whichever collector produced them.
// Every change (publish, expiry, a new queue filter) bumps `version` and tells the listener, so the
// exposition renders once per change instead of once per scrape.
import type { SampleOf, Snapshot, SnapshotMetric } from './samples.ts';

interface StoredSnapshot {
  readonly snapshot: Snapshot;
  readonly takenAtMs: number;
  readonly staleAfterMs: number;
}

/** Decides whether a queue's series may be served: the queue must still be exported under that name. */
export type QueueSeriesFilter = (queueId: string, queueName: string) => boolean;

/** What may be served at one instant: the snapshots not yet stale, and until when that holds. */
export interface LiveSnapshots {
  readonly version: number;
  readonly snapshots: readonly Snapshot[];
  /** The store clock's time after which one of `snapshots` is stale (Infinity: none ever will be). */
  readonly validUntilMs: number;
}

export class SnapshotStore {
  readonly #snapshots = new Map<string, StoredSnapshot>();
  readonly #now: () => number;
  readonly #listeners: (() => void)[] = [];
  #queueFilter: QueueSeriesFilter = () => true;
  #version = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The store's clock (epoch ms); injectable for tests. */
  now(): number {
    return this.#now();
  }

  /** Increases on every change of what may be served (apart from time passing: see `live().validUntilMs`). */
  get version(): number {
    return this.#version;
  }

  /** Called after every change, synchronously. */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  setQueueFilter(filter: QueueSeriesFilter): void {
    this.#queueFilter = filter;
    this.#changed();
  }

  publish(owner: string, snapshot: Snapshot, staleAfterMs: number): void {
    this.#snapshots.set(owner, { snapshot, takenAtMs: this.#now(), staleAfterMs });
    this.#changed();
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
    if (dropped.length > 0) this.#changed();
    return dropped;
  }

  live(): LiveSnapshots {
    const now = this.#now();
    const snapshots: Snapshot[] = [];
    let validUntilMs = Number.POSITIVE_INFINITY;
    for (const { snapshot, takenAtMs, staleAfterMs } of this.#snapshots.values()) {
      if (now - takenAtMs > staleAfterMs) continue;
      snapshots.push(snapshot);
      validUntilMs = Math.min(validUntilMs, takenAtMs + staleAfterMs);
    }
    return { version: this.#version, snapshots, validUntilMs };
  }

  /** Whether a sample's series may be served: queue series only while their queue is exported under that name. */
  serves(labels: Readonly<Record<string, string>>): boolean {
    const queueId = labels['queue_id'];
    return queueId === undefined || this.#queueFilter(queueId, labels['queue_name'] ?? '');
  }

  /** Current series of a metric: stale snapshots (not yet expired) and unexported queues left out. */
  samples<N extends SnapshotMetric>(metric: N): SampleOf<N>[] {
    const out: SampleOf<N>[] = [];
    for (const snapshot of this.live().snapshots) {
      for (const sample of (snapshot[metric] ?? []) as readonly SampleOf<N>[]) {
        if (this.serves(sample.labels as Readonly<Record<string, string>>)) out.push(sample);
      }
    }
    return out;
  }

  #changed(): void {
    this.#version++;
    for (const listener of this.#listeners) listener();
  }
}
