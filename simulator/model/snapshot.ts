// The state of one queue right now, computed once for both the observations API and GET /sim/truth/now
// so that the two can only disagree if the API layer misreports it.

import type { MediaTruth, QueueTruth } from '../control-types.ts';
import { ROUTING_STATUSES, SYSTEM_PRESENCES, type RoutingStatus, type SystemPresence } from '../vocabulary.ts';
import type { Contact } from './contact.ts';
import type { QueueState } from './runtime.ts';

export interface QueueSnapshot extends QueueTruth {
  /** Members per org presence id (only presences someone is in): oUserPresences. */
  readonly presenceIdCounts: ReadonlyMap<string, number>;
  /** Members logged in (presence other than OFFLINE): oActiveUsers. */
  readonly active: number;
}

export function snapshotQueue(state: QueueState, now: number): QueueSnapshot {
  const media: MediaTruth[] = [...state.media.values()].map((m) => {
    const oldest = m.line.oldest();
    return {
      mediaType: m.traffic.mediaType,
      waiting: m.line.count,
      alerting: m.alerting,
      interacting: m.interacting,
      longestWaitMs: oldest === undefined ? null : now - oldest.arrivedAt,
    };
  });
  const agents = Object.fromEntries(ROUTING_STATUSES.map((s) => [s, 0])) as Record<RoutingStatus, number>;
  const presences = Object.fromEntries(SYSTEM_PRESENCES.map((p) => [p, 0])) as Record<SystemPresence, number>;
  const presenceIdCounts = new Map<string, number>();
  let active = 0;
  for (const agent of state.members) {
    agents[agent.status]++;
    presences[agent.presence]++;
    presenceIdCounts.set(agent.presenceId, (presenceIdCounts.get(agent.presenceId) ?? 0) + 1);
    if (agent.presence !== 'OFFLINE') active++;
  }
  const members = state.members.length;
  return {
    queueId: state.queue.id,
    name: state.queue.name,
    divisionId: state.queue.division.id,
    media,
    agents,
    onQueue: members - agents.OFF_QUEUE,
    offQueue: agents.OFF_QUEUE,
    members,
    presences,
    presenceIdCounts,
    active,
  };
}

/** Contacts of a queue and media waiting now, oldest first. */
export function waitingContacts(state: QueueState, mediaType: string): Contact[] {
  const media = [...state.media.values()].find((m) => m.traffic.mediaType === mediaType);
  return media === undefined ? [] : [...media.line.waiting()];
}

/** Contacts of a queue and media connected to an agent now, earliest answered first. */
export function interactingContacts(state: QueueState, mediaType: string): Contact[] {
  const contacts: Contact[] = [];
  for (const agent of state.members) {
    const c = agent.contact;
    // After-call work still occupies the agent with the conversation (it is counted in oInteracting).
    if (c !== undefined && (c.state === 'interacting' || c.state === 'wrap-up') && c.queueId === state.queue.id && c.mediaType === mediaType) contacts.push(c);
  }
  return contacts.sort((a, b) => a.answeredAt! - b.answeredAt!);
}
