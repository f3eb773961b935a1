// One customer interaction in one queue, from arrival to answer or abandon and the end of handling.
// Fields are set only once the event has happened in model time, so a record never shows the future.

import type { MediaType } from '../vocabulary.ts';

export type ContactState = 'waiting' | 'alerting' | 'interacting' | 'ended' | 'abandoned';

export interface Contact {
  readonly id: string;
  readonly sessionId: string;
  readonly queueId: string;
  readonly divisionId: string;
  readonly mediaType: MediaType;
  /** Epoch ms of arrival at the queue. */
  readonly arrivedAt: number;
  /** Epoch ms after which a waiting contact abandons. */
  readonly abandonAt: number;
  readonly slaTargetMs: number;
  /** The queue's target share (oServiceLevel.target). */
  readonly slaPercentage: number;
  state: ContactState;
  answeredAt?: number;
  abandonedAt?: number;
  /** End of handling (tHandle). */
  endedAt?: number;
  agentId?: string;
}

/** Time to answer, or to abandon; undefined while the contact still waits or alerts. */
export function contactWaitMs(contact: Contact): number | undefined {
  if (contact.answeredAt !== undefined) return contact.answeredAt - contact.arrivedAt;
  if (contact.abandonedAt !== undefined) return contact.abandonedAt - contact.arrivedAt;
  return undefined;
}

export function answeredWithinTarget(contact: Contact): boolean {
  return contact.answeredAt !== undefined && contact.answeredAt - contact.arrivedAt <= contact.slaTargetMs;
}
