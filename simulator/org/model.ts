// The resolved org the traffic model and the API serve: every id assigned, every default filled in.

import type { MediaType, SystemPresence } from '../vocabulary.ts';
import type { AgentBehaviour, ServiceLevelDefinition } from './definition.ts';

export type ServiceLevel = ServiceLevelDefinition;

export interface Division {
  readonly id: string;
  readonly name: string;
}

/** Traffic of one media on one queue. */
export interface MediaTraffic {
  readonly mediaType: MediaType;
  readonly arrivalsPerMinute: number;
  readonly meanHandleMs: number;
  readonly meanPatienceMs: number;
}

/** What the routing API shows for one media of a queue (every queue has all five). */
export interface MediaSetting {
  readonly serviceLevel: ServiceLevel;
  readonly alertingTimeoutSeconds: number;
}

export interface Queue {
  readonly id: string;
  readonly name: string;
  readonly division: Division;
  /** Media this queue receives traffic on, in MEDIA_TYPES order. */
  readonly traffic: readonly MediaTraffic[];
  readonly mediaSettings: Readonly<Record<MediaType, MediaSetting>>;
  /** Epoch ms. */
  readonly dateCreated: number;
}

export interface Agent {
  readonly id: string;
  readonly name: string;
  readonly queueIds: readonly string[];
  readonly media: readonly MediaType[];
}

export interface Org {
  readonly divisions: readonly Division[];
  readonly queues: readonly Queue[];
  readonly agents: readonly Agent[];
  /** 24 multipliers of arrival rates, one per UTC hour. */
  readonly hourlyFactors: readonly number[];
  readonly behaviour: AgentBehaviour;
  /** System presence → this org's presence ids (`systemToOrganizationMappings`): the primary one first, then
   * the org's own secondary presences under it (e.g. a "Coffee" presence that is a BREAK). */
  readonly presenceIds: Readonly<Record<SystemPresence, readonly [string, ...string[]]>>;
}

/** Secondary org presences the simulated org defines, so an answer maps several org ids to one system presence. */
export const SECONDARY_PRESENCES: Readonly<Partial<Record<SystemPresence, number>>> = { BREAK: 1, MEAL: 1 };

export const DEFAULT_BEHAVIOUR: AgentBehaviour = {
  meanOnQueueMinutes: 50,
  meanOffQueueMinutes: 8,
  notRespondingProbability: 0.03,
  meanNotRespondingSeconds: 40,
  meanAlertSeconds: 3,
  meanMinutesBetweenNonAcdCalls: 45,
  meanNonAcdSeconds: 120,
  holdProbability: 0.25,
  transferProbability: 0.1,
  blindTransferShare: 0.5,
  flowOutProbability: 0.05,
  meanFlowOutSeconds: 90,
  shortAbandonSeconds: 10,
};

interface MediaDefaults {
  readonly meanHandleSeconds: number;
  readonly meanPatienceSeconds: number;
  readonly serviceLevel: ServiceLevel;
  readonly alertingTimeoutSeconds: number;
}

/** Per-media defaults: Genesys' own alerting timeouts (8 s voice, 30 s others) and common SLA targets. */
export const MEDIA_DEFAULTS: Readonly<Record<MediaType, MediaDefaults>> = {
  voice: { meanHandleSeconds: 300, meanPatienceSeconds: 150, serviceLevel: { percentage: 0.8, durationMs: 20_000 }, alertingTimeoutSeconds: 8 },
  chat: { meanHandleSeconds: 420, meanPatienceSeconds: 240, serviceLevel: { percentage: 0.8, durationMs: 60_000 }, alertingTimeoutSeconds: 30 },
  email: { meanHandleSeconds: 480, meanPatienceSeconds: 4 * 3600, serviceLevel: { percentage: 0.9, durationMs: 3_600_000 }, alertingTimeoutSeconds: 30 },
  message: { meanHandleSeconds: 360, meanPatienceSeconds: 1800, serviceLevel: { percentage: 0.8, durationMs: 300_000 }, alertingTimeoutSeconds: 30 },
  callback: { meanHandleSeconds: 240, meanPatienceSeconds: 3600, serviceLevel: { percentage: 0.8, durationMs: 600_000 }, alertingTimeoutSeconds: 30 },
};
