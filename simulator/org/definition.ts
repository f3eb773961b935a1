// The org file format (YAML or JSON) and its validation. A definition is either explicit (divisions,
// queues, agent groups) or `generate: {...}` sizes from which the seed builds an org.

import { Ajv, type ErrorObject } from 'ajv';
import { MEDIA_TYPES, type MediaType } from '../vocabulary.ts';

export interface ServiceLevelDefinition {
  /** Target share answered within `durationMs`, 0–1. */
  readonly percentage: number;
  readonly durationMs: number;
}

export interface MediaTrafficDefinition {
  /** Mean Poisson arrival rate before hourly factors and scenarios. */
  readonly arrivalsPerMinute: number;
  readonly meanHandleSeconds?: number;
  /** Mean customer patience; a contact still waiting after it abandons. */
  readonly meanPatienceSeconds?: number;
  readonly serviceLevel?: ServiceLevelDefinition;
  readonly alertingTimeoutSeconds?: number;
}

export interface QueueDefinition {
  readonly id?: string;
  readonly name: string;
  /** Division name; the first division when omitted. */
  readonly division?: string;
  /** Media the queue receives traffic on. Every queue still reports mediaSettings for all media. */
  readonly media: Partial<Record<MediaType, MediaTrafficDefinition>>;
}

export interface AgentGroupDefinition {
  /** How many agents this entry stands for (default 1). */
  readonly count?: number;
  /** The agent's name, or the prefix of numbered names when count > 1. */
  readonly name: string;
  /** Queue names or ids the agents are members of. */
  readonly queues: readonly string[];
  /** Media the agents take (default: every media of their queues). */
  readonly media?: readonly MediaType[];
}

export interface AgentBehaviour {
  /** Mean time an agent stays on queue before going off queue (break, meeting…). */
  readonly meanOnQueueMinutes: number;
  readonly meanOffQueueMinutes: number;
  /** Chance that an alert is not answered, leaving the agent NOT_RESPONDING. */
  readonly notRespondingProbability: number;
  readonly meanNotRespondingSeconds: number;
  /** Mean seconds an answered alert rings first. */
  readonly meanAlertSeconds: number;
  /** Non-ACD (COMMUNICATING) calls: mean minutes between them while idle, and their mean length. */
  readonly meanMinutesBetweenNonAcdCalls: number;
  readonly meanNonAcdSeconds: number;
  /** Chance that an answered contact is put on hold once (tHeld); the hold takes 5–30 % of its handle time. */
  readonly holdProbability: number;
  /** Chance that an agent transfers an answered contact at the end of the talk (nTransferred). */
  readonly transferProbability: number;
  /** Share of transfers that are blind (nBlindTransferred); the others are consult transfers. */
  readonly blindTransferShare: number;
  /** Chance that a contact's in-queue flow moves it out of the queue if it still waits (tFlowOut). */
  readonly flowOutProbability: number;
  /** Mean wait before such a flow-out. */
  readonly meanFlowOutSeconds: number;
  /**
   * The org's short-abandon threshold: an abandon within it is also a tShortAbandon. An org-wide setting in
   * Genesys Cloud that the API does not return with the aggregates; 10 s here (see docs/genesys-api.md).
   */
  readonly shortAbandonSeconds: number;
}

export interface OrgSize {
  readonly queues: number;
  readonly divisions: number;
  /** Total mean arrivals per minute over all queues and media. */
  readonly arrivalsPerMinute: number;
  /** Agents; by default sized so the org runs busy: queues build up and some contacts abandon. */
  readonly agents?: number;
}

export interface ExplicitOrgDefinition {
  readonly divisions?: readonly string[];
  readonly queues: readonly QueueDefinition[];
  readonly agents: readonly AgentGroupDefinition[];
  /** 24 multipliers of every arrival rate, one per UTC hour (default: flat). */
  readonly hourlyFactors?: readonly number[];
  readonly behaviour?: Partial<AgentBehaviour>;
}

export interface GeneratedOrgDefinition {
  readonly generate: Partial<OrgSize>;
  readonly hourlyFactors?: readonly number[];
  readonly behaviour?: Partial<AgentBehaviour>;
}

export type OrgDefinition = ExplicitOrgDefinition | GeneratedOrgDefinition;

const serviceLevelSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['percentage', 'durationMs'],
  properties: { percentage: { type: 'number', minimum: 0, maximum: 1 }, durationMs: { type: 'integer', minimum: 0 } },
};

const mediaSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['arrivalsPerMinute'],
  properties: {
    arrivalsPerMinute: { type: 'number', minimum: 0 },
    meanHandleSeconds: { type: 'number', exclusiveMinimum: 0 },
    meanPatienceSeconds: { type: 'number', exclusiveMinimum: 0 },
    serviceLevel: serviceLevelSchema,
    alertingTimeoutSeconds: { type: 'integer', minimum: 1 },
  },
};

const behaviourSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    meanOnQueueMinutes: { type: 'number', exclusiveMinimum: 0 },
    meanOffQueueMinutes: { type: 'number', exclusiveMinimum: 0 },
    notRespondingProbability: { type: 'number', minimum: 0, maximum: 1 },
    meanNotRespondingSeconds: { type: 'number', exclusiveMinimum: 0 },
    meanAlertSeconds: { type: 'number', exclusiveMinimum: 0 },
    meanMinutesBetweenNonAcdCalls: { type: 'number', exclusiveMinimum: 0 },
    meanNonAcdSeconds: { type: 'number', exclusiveMinimum: 0 },
    holdProbability: { type: 'number', minimum: 0, maximum: 1 },
    transferProbability: { type: 'number', minimum: 0, maximum: 1 },
    blindTransferShare: { type: 'number', minimum: 0, maximum: 1 },
    flowOutProbability: { type: 'number', minimum: 0, maximum: 1 },
    meanFlowOutSeconds: { type: 'number', exclusiveMinimum: 0 },
    shortAbandonSeconds: { type: 'number', minimum: 0 },
  },
};

const hourlyFactorsSchema = { type: 'array', minItems: 24, maxItems: 24, items: { type: 'number', minimum: 0 } };

const orgSchema = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['queues', 'agents'],
      properties: {
        divisions: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        queues: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'media'],
            properties: {
              id: { type: 'string', minLength: 1 },
              name: { type: 'string', minLength: 1 },
              division: { type: 'string', minLength: 1 },
              media: {
                type: 'object',
                additionalProperties: false,
                properties: Object.fromEntries(MEDIA_TYPES.map((m) => [m, mediaSchema])),
              },
            },
          },
        },
        agents: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'queues'],
            properties: {
              count: { type: 'integer', minimum: 1 },
              name: { type: 'string', minLength: 1 },
              queues: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
              media: { type: 'array', minItems: 1, items: { enum: [...MEDIA_TYPES] } },
            },
          },
        },
        hourlyFactors: hourlyFactorsSchema,
        behaviour: behaviourSchema,
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['generate'],
      properties: {
        generate: {
          type: 'object',
          additionalProperties: false,
          properties: {
            queues: { type: 'integer', minimum: 1, maximum: 20000 },
            divisions: { type: 'integer', minimum: 1, maximum: 100 },
            arrivalsPerMinute: { type: 'number', minimum: 0 },
            agents: { type: 'integer', minimum: 0 },
          },
        },
        hourlyFactors: hourlyFactorsSchema,
        behaviour: behaviourSchema,
      },
    },
  ],
};

const validate = new Ajv({ allErrors: true }).compile(orgSchema);

/** Thrown for an org definition that does not validate; the message names each offending key. */
export class OrgDefinitionError extends Error {
  override readonly name = 'OrgDefinitionError';
}

function describe(error: ErrorObject): string {
  const at = error.instancePath === '' ? '(top level)' : error.instancePath;
  if (error.keyword === 'additionalProperties') return `${at}: unknown key "${String(error.params['additionalProperty'])}"`;
  if (error.keyword === 'enum') return `${at}: must be one of ${MEDIA_TYPES.join(', ')}`;
  return `${at}: ${error.message ?? error.keyword}`;
}

/** Checks the shape of an org definition; `source` names the file (or "org option") in the error. */
export function parseOrgDefinition(value: unknown, source: string): OrgDefinition {
  if (validate(value)) return value as unknown as OrgDefinition;
  const isGenerated = typeof value === 'object' && value !== null && 'generate' in value;
  // oneOf reports the errors of both branches; keep those of the branch the input was meant for.
  const branch = isGenerated ? '/oneOf/1' : '/oneOf/0';
  const errors = (validate.errors ?? []).filter((e) => e.schemaPath.startsWith(`#${branch}`));
  const lines = (errors.length > 0 ? errors : (validate.errors ?? [])).filter((e) => e.keyword !== 'oneOf').map(describe);
  throw new OrgDefinitionError(`invalid org definition in ${source}:\n  ${[...new Set(lines)].join('\n  ')}`);
}
