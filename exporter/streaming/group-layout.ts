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
 * part, and each queue's series kept as built until its data changes. A group published again costs what
 * changed in it: a metric list none of its changed queues changed is the list published before (a message
 * changes a few metrics of a queue, not all of them), and a changed list is the one before with the changed
 * queues' samples put in their places. The exposition then finds the unchanged lists by identity and the
 * unchanged samples of a changed list by identity too (merging every list of every changed group from its
 * queues was most of a publish at 10,000 queues).
 */
export class GroupLayout {
  #groups: (readonly string[])[] = [];
  readonly #groupOf = new Map<string, number>();
  /** Each queue's place in its group. */
  readonly #positionOf = new Map<string, number>();
  #published: (Snapshot | undefined)[] = [];
  /** Per group and metric: where each queue's samples start in the published list (one more entry: its length). */
  #starts: Map<string, Int32Array>[] = [];
  readonly #series = new Map<string, QueueSeries>();
  readonly #changed = new Set<string>();
  /** Queues to build again only because time passed (their longest waits age): a share per publish, after the changed ones. */
  readonly #aged = new Set<string>();
  /** Groups to publish again, each with its changed lists and the places of the queues changed in them (undefined: every list). */
  readonly #dirtyGroups = new Map<number, Map<string, Set<number>> | undefined>();

  /**
   * @param size queues per group
   * @param agedPerPublish queues of `markAged` built per publish at most (a changed queue is never held back)
   */
  constructor(
    private readonly size: number,
    private readonly agedPerPublish = 500,
  ) {}

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
    this.#positionOf.clear();
    this.#groups.forEach((group, index) => {
      group.forEach((id, position) => {
        this.#groupOf.set(id, index);
        this.#positionOf.set(id, position);
      });
    });
    for (const id of this.#series.keys()) if (!this.#groupOf.has(id)) this.#series.delete(id);
    for (const id of this.#changed) if (!this.#groupOf.has(id)) this.#changed.delete(id);
    for (const id of this.#aged) if (!this.#groupOf.has(id)) this.#aged.delete(id);
    this.#published = this.#groups.map(() => undefined);
    this.#starts = this.#groups.map(() => new Map());
    this.#dirtyGroups.clear();
    for (let index = 0; index < this.#groups.length; index++) this.#dirtyGroups.set(index, undefined);
  }

  markChanged(queueId: string): void {
    if (this.#groupOf.has(queueId)) this.#changed.add(queueId);
  }

  /** The queue's series change with time alone: built again by a later publish, after every changed queue. */
  markAged(queueId: string): void {
    if (this.#groupOf.has(queueId)) this.#aged.add(queueId);
  }

  /** Whether queues marked aged wait for a publish. */
  get agingPending(): boolean {
    return this.#aged.size > 0;
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
      // #rebuildChanged published every dirty group, and a group is never clean without a published snapshot.
      publish(group, this.#published[index]!);
    });
  }

  /** Builds the changed queues again and the snapshots of their groups; returns those groups, in order. */
  #rebuildChanged(build: (queueId: string) => void): number[] {
    for (const queueId of this.#changed) this.#aged.delete(queueId);
    let aged = 0;
    for (const queueId of this.#aged) {
      if (aged++ >= this.agedPerPublish) break;
      this.#changed.add(queueId);
      this.#aged.delete(queueId);
    }
    for (const queueId of this.#changed) {
      const before = this.#series.get(queueId)?.snapshot;
      build(queueId);
      const after = this.#series.get(queueId)?.snapshot;
      const index = this.#groupOf.get(queueId)!;
      if (this.#dirtyGroups.has(index) && this.#dirtyGroups.get(index) === undefined) continue;
      const lists = this.#dirtyGroups.get(index) ?? new Map<string, Set<number>>();
      this.#dirtyGroups.set(index, lists);
      const position = this.#positionOf.get(queueId)!;
      for (const metric of changedMetrics(before, after)) {
        const places = lists.get(metric) ?? new Set<number>();
        places.add(position);
        lists.set(metric, places);
      }
    }
    this.#changed.clear();
    const dirty = [...this.#dirtyGroups.keys()].sort((a, b) => a - b);
    for (const index of dirty) {
      const previous = this.#published[index];
      const lists = this.#dirtyGroups.get(index);
      this.#published[index] = previous === undefined || lists === undefined ? this.#merged(index) : this.#patched(index, previous, lists);
    }
    this.#dirtyGroups.clear();
    return dirty;
  }

  /** The group's series merged from its queues' (every list new). */
  #merged(index: number): Snapshot {
    const metrics = new Set<string>();
    for (const queueId of this.#groups[index]!) for (const metric in this.#series.get(queueId)?.snapshot ?? {}) metrics.add(metric);
    const merged: Record<string, readonly unknown[]> = {};
    this.#starts[index]!.clear();
    for (const metric of metrics) {
      const list = this.#mergedList(index, metric);
      if (list.length > 0) merged[metric] = list;
    }
    return merged as Snapshot;
  }

  /** `previous` with each changed list patched where the changed queues have as many samples as before, merged again where not. */
  #patched(index: number, previous: Snapshot, lists: ReadonlyMap<string, ReadonlySet<number>>): Snapshot {
    if (lists.size === 0) return previous;
    const group = this.#groups[index]!;
    const out: Record<string, readonly unknown[]> = { ...previous };
    for (const [metric, places] of lists) {
      const before = (previous as Record<string, readonly unknown[] | undefined>)[metric];
      const starts = this.#starts[index]!.get(metric);
      const samplesAt = (place: number): readonly unknown[] =>
        (this.#series.get(group[place]!)?.snapshot as Record<string, readonly unknown[] | undefined> | undefined)?.[metric] ?? [];
      let fits = before !== undefined && starts !== undefined;
      for (const place of places) if (fits && samplesAt(place).length !== starts![place + 1]! - starts![place]!) fits = false;
      if (!fits) {
        const list = this.#mergedList(index, metric);
        if (list.length > 0) out[metric] = list;
        else delete out[metric];
        continue;
      }
      const list = before!.slice();
      for (const place of places) {
        const samples = samplesAt(place);
        const at = starts![place]!;
        for (let k = 0; k < samples.length; k++) list[at + k] = samples[k];
      }
      out[metric] = list;
    }
    return out as Snapshot;
  }

  /** One metric's list of the group, from its queues' series, and where each queue's samples start in it. */
  #mergedList(index: number, metric: string): unknown[] {
    const group = this.#groups[index]!;
    const starts = new Int32Array(group.length + 1);
    const list: unknown[] = [];
    group.forEach((queueId, place) => {
      starts[place] = list.length;
      const samples = (this.#series.get(queueId)?.snapshot as Record<string, readonly unknown[] | undefined> | undefined)?.[metric];
      if (samples !== undefined) for (const sample of samples) list.push(sample);
    });
    starts[group.length] = list.length;
    this.#starts[index]!.set(metric, starts);
    return list;
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
