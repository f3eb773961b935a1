// A binary min-heap of timed events. Ties break on insertion order, so two runs that schedule the same
// events in the same order process them in the same order (determinism does not depend on heap layout).

interface Entry<T> {
  readonly time: number;
  readonly seq: number;
  readonly event: T;
}

export class EventQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: number, event: T): void {
    const heap = this.heap;
    // The model clock has millisecond resolution: timers the API reports are whole milliseconds.
    const entry: Entry<T> = { time: Math.round(time), seq: this.seq++, event };
    // Sift up by moving parents down into the hole (no temporary arrays: this runs for every event).
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent]!;
      if (!this.less(entry, above)) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = entry;
  }

  /** Time of the earliest event, or undefined when empty. */
  peekTime(): number | undefined {
    return this.heap[0]?.time;
  }

  pop(): { time: number; event: T } | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    const size = heap.length;
    if (size > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= size) break;
        const right = left + 1;
        const child = right < size && this.less(heap[right]!, heap[left]!) ? right : left;
        if (!this.less(heap[child]!, last)) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return { time: top.time, event: top.event };
  }

  private less(a: Entry<T>, b: Entry<T>): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }
}
