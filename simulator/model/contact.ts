// One customer interaction in one queue, from arrival to answer or abandon and the end of handling.
// Fields are set only once the event has happened in model time, so a record never shows the future.

import type { MediaType } from '../vocabulary.ts';

export type ContactState = 'waiting' | 'alerting' | 'interacting' | 'wrap-up' | 'ended' | 'abandoned' | 'flowed-out';

export type TransferKind = 'blind' | 'consult';

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
  /** Epoch ms after which a still waiting contact is moved out of the queue by its in-queue flow; undefined: never. */
  readonly flowOutAt: number | undefined;
  state: ContactState;
  answeredAt?: number;
  abandonedAt?: number;
  /** The abandon was within the org's short-abandon threshold (tShortAbandon). */
  shortAbandon?: boolean;
  /** Epoch ms at which the in-queue flow moved the contact out of the queue (tFlowOut). */
  flowedOutAt?: number;
  /** Hold time (tHeld), set when the hold ends; absent when the contact was never held. */
  heldMs?: number;
  /** End of the hold (when tHeld posts). */
  holdEndedAt?: number;
  /** Talk time without hold (tTalk), set when the agent's talk ends (hang-up or transfer). */
  talkMs?: number;
  /** End of the talk: tTalk and the transfer counts post then. */
  disconnectedAt?: number;
  /** How the agent transferred the contact at the end of the talk, if it did. */
  transfer?: TransferKind;
  /** After-call work (tAcw), set when it ends, with endedAt. */
  acwMs?: number;
  /** End of handling: after-call work done (tHandle = talk + hold + after-call work posts then). */
  endedAt?: number;
  agentId?: string;
}

/** Handle time (tHandle): from answer to the end of after-call work; undefined until that end. */
export function contactHandleMs(contact: Contact): number | undefined {
  return contact.endedAt === undefined || contact.answeredAt === undefined ? undefined : contact.endedAt - contact.answeredAt;
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
