// Every contact in arrival order, dropped once older than the retention (memory stays bounded however
// long the simulator runs). Arrivals are appended in model-time order, so ranges are binary searches.

import type { Contact } from './contact.ts';

/** One queue's contacts in arrival order, each with its place in the store's arrival order. */
interface QueueContacts {
  contacts: Contact[];
  sequence: number[];
}

export class TruthStore {
  private contacts: Contact[] = [];
  private head = 0;
  /** The same contacts by queue: a query for a batch of queues reads theirs, not the whole org's. */
  private readonly byQueue = new Map<string, QueueContacts>();
  private added = 0;

  constructor(private readonly retentionMs: number) {}

  add(contact: Contact): void {
    this.contacts.push(contact);
    let queue = this.byQueue.get(contact.queueId);
    if (queue === undefined) {
      queue = { contacts: [], sequence: [] };
      this.byQueue.set(contact.queueId, queue);
    }
    queue.contacts.push(contact);
    queue.sequence.push(this.added++);
  }

  get size(): number {
    return this.contacts.length - this.head;
  }

  /** Drops contacts that arrived before `now - retention`. */
  prune(now: number): void {
    const cutoff = now - this.retentionMs;
    while (this.head < this.contacts.length && this.contacts[this.head]!.arrivedAt < cutoff) this.head++;
    if (this.head > 4096 && this.head * 2 > this.contacts.length) {
      this.contacts = this.contacts.slice(this.head);
      this.head = 0;
      // The per-queue lists shrink at the same (amortised) moments; until then `betweenQueues` skips the old.
      for (const [queueId, queue] of this.byQueue) {
        const first = firstArrivedFrom(queue.contacts, 0, cutoff);
        if (first === queue.contacts.length) this.byQueue.delete(queueId);
        else if (first > 0) {
          queue.contacts = queue.contacts.slice(first);
          queue.sequence = queue.sequence.slice(first);
        }
      }
    }
  }

  /** The oldest arrival still held (epoch ms), or undefined when empty. */
  oldestArrival(): number | undefined {
    return this.contacts[this.head]?.arrivedAt;
  }

  /** Contacts that arrived in [since, until), in arrival order. */
  *between(since: number, until: number): Generator<Contact> {
    for (let i = firstArrivedFrom(this.contacts, this.head, since); i < this.contacts.length; i++) {
      const contact = this.contacts[i]!;
      if (contact.arrivedAt >= until) return;
      yield contact;
    }
  }

  /** What `between` yields, of `queueIds` only, in the same order: reads those queues' contacts alone. */
  betweenQueues(queueIds: Iterable<string>, since: number, until: number): Contact[] {
    const from = Math.max(since, this.retainedFrom());
    const found: { contact: Contact; sequence: number }[] = [];
    for (const queueId of new Set(queueIds)) {
      const queue = this.byQueue.get(queueId);
      if (queue === undefined) continue;
      for (let i = firstArrivedFrom(queue.contacts, 0, from); i < queue.contacts.length; i++) {
        const contact = queue.contacts[i]!;
        if (contact.arrivedAt >= until) break;
        found.push({ contact, sequence: queue.sequence[i]! });
      }
    }
    return found.sort((a, b) => a.sequence - b.sequence).map((entry) => entry.contact);
  }

  /** The oldest arrival `between` can still yield (what prune kept). */
  private retainedFrom(): number {
    return this.contacts[this.head]?.arrivedAt ?? Number.POSITIVE_INFINITY;
  }
}

/** Index of the first contact from `start` on that arrived at or after `since` (contacts in arrival order). */
function firstArrivedFrom(contacts: readonly Contact[], start: number, since: number): number {
  let lo = start;
  let hi = contacts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (contacts[mid]!.arrivedAt < since) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
