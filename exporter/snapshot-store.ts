// The last good values of each collector. Scrapes read from here (never from the API). A collector's
// values are held in parts, each taken at its own time: a whole snapshot (one part), or one part per
// batch of queues, published as the batch returns, so a value is served as soon as it is known. A part
// older than its staleness limit is dropped, so /metrics never serves data that is silently frozen; its
// time is still remembered (an expired part), so the collector's data age keeps growing until its
// queues are published again. Series of queues no longer exported are hidden at once, whichever
// collector produced them.
// Every change (publish, expiry, a new queue filter) bumps `version` and tells the listeners which
// collector and which queues changed, so the exposition renders once per change, and only what changed.
import type { SnapshotMetric, Snapshot } from './samples.ts';
import type { SampleOf } from './samples.ts';

interface StoredPart {
  /** undefined once expired: only its time is kept (for the data age), nothing is served. */
  readonly snapshot: Snapshot | undefined;
  /** The queues whose series the part holds; undefined for a whole snapshot not yet split. */
  readonly queueIds: ReadonlySet<string> | undefined;
  readonly takenAtMs: number;
  readonly staleAfterMs: number;
  /**
   * Whether it may hold series of no queue (e.g. counts): only a whole snapshot can. A batch holds series of
   * its queues only, so a batch whose queues all moved to a newer part is dropped without reading its
   * series (at 10,000 queues, scanning them on every publish was a large share of the store's work).
   */
  readonly mayHoldUnqueued: boolean;
}

/**
 * A part's place in its owner's publish order. `part` is replaced in place when the part loses queues to
 * a newer part or expires, so the order stays that of the publishes without rebuilding any list.
 */
interface Slot {
  part: StoredPart;
}

/**
 * One owner's parts. Indexed by queue, so publishing a batch touches only the parts holding its queues:
 * at 10,000 queues a scan of every part on each publish was a large share of the exporter's CPU.
 */
interface OwnerParts {
  /** Oldest publish first (a Set keeps insertion order and removes in O(1)). */
  readonly slots: Set<Slot>;
  /** queue id → the slot serving its series, for every slot whose queues are known. */
  readonly slotOf: Map<string, Slot>;
  /** The whole snapshot whose queues are not yet known (they are read once, on the first batch after it). */
  whole: Slot | undefined;
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

/** What changed. `owner` is the collector; `queueIds` the queues of a batch (undefined: possibly any). */
export type StoreChange =
  | { readonly kind: 'publish'; readonly owner: string; readonly queueIds: readonly string[] | undefined }
  | { readonly kind: 'expire'; readonly owners: readonly string[] }
  | { readonly kind: 'queue-filter' };

export class SnapshotStore {
  readonly #owners = new Map<string, OwnerParts>();
  readonly #now: () => number;
  readonly #listeners: ((change: StoreChange) => void)[] = [];
  #queueFilter: QueueSeriesFilter = () => true;
  #queueFilterEpoch = 0;
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
  onChange(listener: (change: StoreChange) => void): void {
    this.#listeners.push(listener);
  }

  setQueueFilter(filter: QueueSeriesFilter): void {
    this.#queueFilter = filter;
    this.queueFilterChanged();
  }

  /**
   * Says that the filter's decisions may have changed (the queue list was read again: a queue renamed,
   * added or gone). Until the next call, `serves` decides every series as before, so a renderer may reuse
   * what it checked at the same `queueFilterEpoch` without checking it again.
   */
  queueFilterChanged(): void {
    this.#queueFilterEpoch++;
    this.#changed({ kind: 'queue-filter' });
  }

  /** Increases whenever `serves` may decide a series differently than before. */
  get queueFilterEpoch(): number {
    return this.#queueFilterEpoch;
  }

  /** Replaces everything `owner` served with one whole snapshot. */
  publish(owner: string, snapshot: Snapshot, staleAfterMs: number): void {
    const whole: Slot = { part: { snapshot, queueIds: undefined, takenAtMs: this.#now(), staleAfterMs, mayHoldUnqueued: true } };
    this.#owners.set(owner, { slots: new Set([whole]), slotOf: new Map(), whole });
    this.#changed({ kind: 'publish', owner, queueIds: undefined });
  }

  /**
   * Serves the series of `queueIds` (one batch) from `snapshot`, replacing what `owner` served for those
   * queues before; its other queues keep their values (and their own age). `snapshot` must hold series
   * of these queues only.
   */
  publishPart(owner: string, queueIds: readonly string[], snapshot: Snapshot, staleAfterMs: number): void {
    let owned = this.#owners.get(owner);
    if (owned === undefined) {
      owned = { slots: new Set(), slotOf: new Map(), whole: undefined };
      this.#owners.set(owner, owned);
    }
    if (owned.whole !== undefined) {
      // A whole snapshot's queues are read once, then indexed like a batch's.
      const slot = owned.whole;
      const wholeIds = queueIdsOf(slot.part.snapshot);
      slot.part = { ...slot.part, queueIds: wholeIds };
      for (const id of wholeIds) owned.slotOf.set(id, slot);
      owned.whole = undefined;
    }
    const ids = new Set(queueIds);
    const touched = new Set<Slot>();
    for (const id of ids) {
      const slot = owned.slotOf.get(id);
      if (slot !== undefined) touched.add(slot);
    }
    for (const slot of touched) {
      const rest = withoutQueues(slot.part, ids);
      if (rest === undefined) owned.slots.delete(slot);
      else slot.part = rest;
    }
    const slot: Slot = { part: { snapshot, queueIds: ids, takenAtMs: this.#now(), staleAfterMs, mayHoldUnqueued: false } };
    owned.slots.add(slot);
    for (const id of ids) owned.slotOf.set(id, slot);
    this.#changed({ kind: 'publish', owner, queueIds });
  }

  /**
   * Forgets what `owner` holds from before `sinceMs` (a complete run published every queue it has now
   * since then: anything older belongs to queues it no longer has). Returns whether anything was dropped.
   */
  forgetOlderThan(owner: string, sinceMs: number): boolean {
    const owned = this.#owners.get(owner);
    if (owned === undefined) return false;
    let dropped = false;
    let servedDropped = false;
    for (const slot of owned.slots) {
      if (slot.part.takenAtMs >= sinceMs) continue;
      owned.slots.delete(slot);
      if (owned.whole === slot) owned.whole = undefined;
      for (const id of slot.part.queueIds ?? []) if (owned.slotOf.get(id) === slot) owned.slotOf.delete(id);
      dropped = true;
      if (slot.part.snapshot !== undefined) servedDropped = true;
    }
    if (servedDropped) this.#changed({ kind: 'publish', owner, queueIds: undefined });
    return dropped;
  }

  /** Drops values older than their limit; returns the owners that lost values. */
  expire(): string[] {
    const now = this.#now();
    const dropped: string[] = [];
    for (const [owner, owned] of this.#owners) {
      let lost = false;
      for (const slot of owned.slots) {
        const part = slot.part;
        if (part.snapshot === undefined || now - part.takenAtMs <= part.staleAfterMs) continue;
        slot.part = { ...part, snapshot: undefined };
        lost = true;
      }
      if (lost) dropped.push(owner);
    }
    if (dropped.length > 0) this.#changed({ kind: 'expire', owners: dropped });
    return dropped;
  }

  /**
   * Seconds since the oldest value `owner` holds was taken, expired values included (they are what the
   * collector owes): undefined before it has published anything.
   */
  dataAgeSeconds(owner: string): number | undefined {
    const owned = this.#owners.get(owner);
    if (owned === undefined || owned.slots.size === 0) return undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (const { part } of owned.slots) oldest = Math.min(oldest, part.takenAtMs);
    return Math.max(0, (this.#now() - oldest) / 1000);
  }

  /** The owners that have published. */
  owners(): string[] {
    return [...this.#owners.keys()];
  }

  live(): LiveSnapshots {
    const now = this.#now();
    const snapshots: Snapshot[] = [];
    let validUntilMs = Number.POSITIVE_INFINITY;
    for (const owned of this.#owners.values()) {
      for (const { part } of owned.slots) {
        const { snapshot, takenAtMs, staleAfterMs } = part;
        if (snapshot === undefined || now - takenAtMs > staleAfterMs) continue;
        snapshots.push(snapshot);
        validUntilMs = Math.min(validUntilMs, takenAtMs + staleAfterMs);
      }
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

  #changed(change: StoreChange): void {
    this.#version++;
    for (const listener of this.#listeners) listener(change);
  }
}

/**
 * `part` (which holds some of `ids`) without the series of `ids` (they moved to a newer part), or undefined
 * when nothing is left. Untouched sample arrays are kept as they are, so the exposition can reuse what it
 * rendered of them.
 */
function withoutQueues(part: StoredPart, ids: ReadonlySet<string>): StoredPart | undefined {
  const remaining = new Set([...(part.queueIds ?? [])].filter((id) => !ids.has(id)));
  // A whole snapshot may also hold series of no queue (e.g. counts): those stay with it.
  if (remaining.size === 0 && (part.snapshot === undefined || !part.mayHoldUnqueued || !hasSeriesWithoutQueue(part.snapshot))) return undefined;
  const snapshot = part.snapshot === undefined ? undefined : filterSnapshot(part.snapshot, ids);
  return { ...part, snapshot, queueIds: remaining };
}

function queueIdsOf(snapshot: Snapshot | undefined): Set<string> {
  const ids = new Set<string>();
  for (const samples of Object.values(snapshot ?? {}) as readonly (readonly { labels: Readonly<Record<string, string>> }[])[]) {
    for (const sample of samples) {
      const id = sample.labels['queue_id'];
      if (id !== undefined) ids.add(id);
    }
  }
  return ids;
}

function hasSeriesWithoutQueue(snapshot: Snapshot): boolean {
  for (const samples of Object.values(snapshot) as readonly (readonly { labels: Readonly<Record<string, string>> }[])[]) {
    if (samples.some((sample) => sample.labels['queue_id'] === undefined)) return true;
  }
  return false;
}

function filterSnapshot(snapshot: Snapshot, without: ReadonlySet<string>): Snapshot {
  const out: Record<string, readonly unknown[]> = {};
  for (const [metric, samples] of Object.entries(snapshot) as [string, readonly { labels: Readonly<Record<string, string>> }[]][]) {
    const kept = samples.filter((sample) => !without.has(sample.labels['queue_id'] ?? ''));
    out[metric] = kept.length === samples.length ? samples : kept;
  }
  return out as Snapshot;
}
