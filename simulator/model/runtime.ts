// Mutable runtime state of queues and agents, shared by the traffic model's parts.

import type { Agent, MediaTraffic, Queue } from '../org/model.ts';
import type { MediaType, RoutingStatus, SystemPresence } from '../vocabulary.ts';
import type { Contact } from './contact.ts';

/** Contacts of one media waiting in one queue, oldest first. Contacts that left are skipped lazily. */
export class WaitingLine {
  private items: Contact[] = [];
  private head = 0;
  count = 0;

  push(contact: Contact): void {
    this.items.push(contact);
    this.count++;
  }

  /** Puts a contact back in arrival order (after an unanswered alert). */
  reinsert(contact: Contact): void {
    let i = this.items.length;
    while (i > this.head && this.items[i - 1]!.arrivedAt > contact.arrivedAt) i--;
    this.items.splice(i, 0, contact);
    this.count++;
  }

  /** The oldest contact still waiting. */
  oldest(): Contact | undefined {
    while (this.head < this.items.length && this.items[this.head]!.state !== 'waiting') this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return this.items[this.head];
  }

  /** Removes the oldest contact (just returned by `oldest`) when it is offered to an agent. */
  take(contact: Contact): void {
    if (this.items[this.head] !== contact) throw new Error('WaitingLine.take: not the oldest contact');
    this.head++;
    this.count--;
  }

  /** Every contact still waiting, oldest first. */
  *waiting(): Generator<Contact> {
    for (let i = this.head; i < this.items.length; i++) {
      const contact = this.items[i]!;
      if (contact.state === 'waiting') yield contact;
    }
  }
}

export interface MediaState {
  readonly traffic: MediaTraffic;
  readonly line: WaitingLine;
  alerting: number;
  interacting: number;
  /** Product of active surge factors. */
  surge: number;
  /** Bumped to cancel a scheduled arrival when the rate changes. */
  generation: number;
}

export interface QueueState {
  readonly queue: Queue;
  readonly media: Map<MediaType, MediaState>;
  readonly members: AgentState[];
  readonly campaignScenarioId?: string;
  deleted: boolean;
}

export interface AgentState {
  readonly agent: Agent;
  readonly media: ReadonlySet<MediaType>;
  /** Queues the agent is a member of (campaign queues come and go). */
  queues: QueueState[];
  status: RoutingStatus;
  presence: SystemPresence;
  /** The org presence (one of the org's ids for `presence`) the agent set: what oUserPresences reports. */
  presenceId: string;
  /** Bumped on every status change; scheduled status events carry it and are dropped when stale. */
  version: number;
  /** Bumped on every on/off-queue change of the shift cycle. */
  shiftVersion: number;
  idleSince: number;
  contact?: Contact;
  /** Go off queue as soon as the current interaction ends. */
  offAfterContact: boolean;
  /** Number of active agents-logoff scenarios holding this agent logged off. */
  loggedOffBy: number;
}
