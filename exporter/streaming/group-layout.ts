// The streaming collector's queues laid out in groups, each group published as one part of the store, and
// each queue's series kept as objects until its data changes: what a streamed change costs is what it
// changed, not the org.
import { batches } from '../collectors/collector.ts';
import type { Snapshot } from '../samples.ts';

export interface QueueSeries {
  /** The name the series carry (a rename builds them again). */
  readonly name: string;
  readonly snapshot: Snapshot;
}

/**
 * The exported queues in groups of `size` (in the directory's order), each group's series published as one
 * part, and each queue's series kept as built until its data changes. A group published again re-uses each
 * of its metric lists in which none of its changed queues changed (a message changes a few metrics of a
 * queue, not all of them): the exposition then finds those lists as they were, by identity, and the merge
 * costs only the changed metrics (merging every list of every changed group was most of a publish at
 * 10,000 queues).
 */
export class GroupLayout {
  #groups: (readonly string[])[] = [];
  readonly #groupOf = new Map<string, number>();
  #published: (Snapshot | undefined)[] = [];
  readonly #series = new Map<string, QueueSeries>();
  readonly #changed = new Set<string>();
  /** Groups to merge again, each with the metrics whose lists changed (undefined: every metric). */
  readonly #dirtyGroups = new Map<number, Set<string> | undefined>();

  constructor(private readonly size: number) {}

  /** Lays the queues out again if the directory's queues or their order changed (then every group is published). */
  arrange(queues: readonly { readonly id: string; readonly name: string }[]): void {
    for (const queue of queues) {
      const built = this.#series.get(queue.id);
      if (built !== undefined && built.name !== queue.name) this.#changed.add(queue.id);
    }
    const same = queues.length === this.#groupOf.size && queues.every((q, i) => this.#groupOf.get(q.id) === Math.floor(i / this.size));
    if (same) return;
    this.#groups = batches(
      queues.map((q) => q.id),
      this.size,
    );
    this.#groupOf.clear();
    this.#groups.forEach((group, index) => {
      for (const id of group) this.#groupOf.set(id, index);
    });
    for (const id of this.#series.keys()) if (!this.#groupOf.has(id)) this.#series.delete(id);
    for (const id of this.#changed) if (!this.#groupOf.has(id)) this.#changed.delete(id);
    this.#published = this.#groups.map(() => undefined);
    this.#dirtyGroups.clear();
    for (let index = 0; index < this.#groups.length; index++) this.#dirtyGroups.set(index, undefined);
  }

  markChanged(queueId: string): void {
    if (this.#groupOf.has(queueId)) this.#changed.add(queueId);
  }

  setSeries(queueId: string, series: QueueSeries | undefined): void {
    if (series === undefined) this.#series.delete(queueId);
    else this.#series.set(queueId, keepUnchanged(this.#series.get(queueId), series));
  }

  /** Builds the changed queues again and publishes the groups they are in. */
  publishChanged(build: (queueId: string) => void, publish: (queueIds: readonly string[], snapshot: Snapshot) => void): void {
    for (const index of this.#rebuildChanged(build)) publish(this.#groups[index]!, this.#published[index]!);
  }

  /**
   * Builds the changed queues again, then publishes every group once: each as last built, but those holding
   * one of `skip` (their poll failed: they keep their age) unless they changed.
   */
  publishAll(build: (queueId: string) => void, publish: (queueIds: readonly string[], snapshot: Snapshot) => void, skip: ReadonlySet<string>): void {
    const changed = new Set(this.#rebuildChanged(build));
    this.#groups.forEach((group, index) => {
      if (!changed.has(index) && group.some((id) => skip.has(id))) return;
      const snapshot = this.#published[index] ?? this.#snapshotOf(group, undefined, undefined);
      this.#published[index] = snapshot;
      publish(group, snapshot);
    });
  }

  /** Builds the changed queues again and the snapshots of their groups; returns those groups, in order. */
  #rebuildChanged(build: (queueId: string) => void): number[] {
    for (const queueId of this.#changed) {
      const before = this.#series.get(queueId)?.snapshot;
      build(queueId);
      const after = this.#series.get(queueId)?.snapshot;
      const index = this.#groupOf.get(queueId)!;
      if (this.#dirtyGroups.has(index) && this.#dirtyGroups.get(index) === undefined) continue;
      const metrics = this.#dirtyGroups.get(index) ?? new Set<string>();
      this.#dirtyGroups.set(index, metrics);
      for (const metric of changedMetrics(before, after)) metrics.add(metric);
    }
    this.#changed.clear();
    const dirty = [...this.#dirtyGroups.keys()].sort((a, b) => a - b);
    for (const index of dirty) this.#published[index] = this.#snapshotOf(this.#groups[index]!, this.#published[index], this.#dirtyGroups.get(index));
    this.#dirtyGroups.clear();
    return dirty;
  }

  /** The group's series: the lists of `metrics` merged again from its queues, the others as in `previous` (all merged without it). */
  #snapshotOf(group: readonly string[], previous: Snapshot | undefined, metrics: ReadonlySet<string> | undefined): Snapshot {
    if (previous !== undefined && metrics !== undefined) {
      if (metrics.size === 0) return previous;
      const merged: Record<string, readonly unknown[]> = { ...previous };
      for (const metric of metrics) {
        const list: unknown[] = [];
        for (const queueId of group) {
          const samples = (this.#series.get(queueId)?.snapshot as Record<string, readonly unknown[] | undefined> | undefined)?.[metric];
          if (samples !== undefined) for (const sample of samples) list.push(sample);
        }
        if (list.length === 0) delete merged[metric];
        else merged[metric] = list;
      }
      return merged as Snapshot;
    }
    const merged: Record<string, unknown[]> = {};
    for (const queueId of group) {
      const series = this.#series.get(queueId);
      if (series === undefined) continue;
      for (const [metric, samples] of Object.entries(series.snapshot) as [string, readonly unknown[]][]) {
        const list = merged[metric] ?? [];
        for (const sample of samples) list.push(sample);
        merged[metric] = list;
      }
    }
    return merged as Snapshot;
  }
}

/** The metrics whose lists differ between two builds of a queue's series (keepUnchanged keeps an unchanged list as the same object). */
function changedMetrics(before: Snapshot | undefined, after: Snapshot | undefined): string[] {
  const a = (before ?? {}) as Record<string, readonly unknown[] | undefined>;
  const b = (after ?? {}) as Record<string, readonly unknown[] | undefined>;
  const changed: string[] = [];
  for (const metric in a) if (a[metric] !== b[metric]) changed.push(metric);
  for (const metric in b) if (!(metric in a)) changed.push(metric);
  return changed;
}

/**
 * `built` with the samples of `previous` wherever they are the same series with the same value (and its lists
 * wherever nothing in them changed): a message that changed one count, or a run that aged the longest waits,
 * leaves every other sample as the object it was, so the exposition finds it unchanged by identity instead
 * of comparing it value by value.
 */
function keepUnchanged(previous: QueueSeries | undefined, built: QueueSeries): QueueSeries {
  if (previous === undefined || previous.name !== built.name) return built;
  const kept: Record<string, readonly ScalarLike[]> = {};
  for (const [metric, samples] of Object.entries(built.snapshot) as [string, readonly ScalarLike[]][]) {
    const before = (previous.snapshot as Record<string, readonly ScalarLike[] | undefined>)[metric] ?? [];
    const merged = samples.map((sample, i) => (before[i] !== undefined && sameScalar(before[i], sample) ? before[i] : sample));
    kept[metric] = merged.length === before.length && merged.every((sample, i) => sample === before[i]) ? before : merged;
  }
  return { name: built.name, snapshot: kept as Snapshot };
}

interface ScalarLike {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

function sameScalar(x: ScalarLike, y: ScalarLike): boolean {
  if (!Object.is(x.value, y.value)) return false;
  for (const name in y.labels) if (x.labels[name] !== y.labels[name]) return false;
  for (const name in x.labels) if (!(name in y.labels)) return false;
  return true;
}
