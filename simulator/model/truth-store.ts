// Every contact in arrival order, dropped once older than the retention (memory stays bounded however
// long the simulator runs). Arrivals are appended in model-time order, so ranges are binary searches.

import type { Contact } from './contact.ts';

export class TruthStore {
  private contacts: Contact[] = [];
  private head = 0;

  constructor(private readonly retentionMs: number) {}

  add(contact: Contact): void {
    this.contacts.push(contact);
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
    }
  }

  /** The oldest arrival still held (epoch ms), or undefined when empty. */
  oldestArrival(): number | undefined {
    return this.contacts[this.head]?.arrivedAt;
  }

  /** Contacts that arrived in [since, until), in arrival order. */
  *between(since: number, until: number): Generator<Contact> {
    let lo = this.head;
    let hi = this.contacts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.contacts[mid]!.arrivedAt < since) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.contacts.length; i++) {
      const contact = this.contacts[i]!;
      if (contact.arrivedAt >= until) return;
      yield contact;
    }
  }
}
