// POST /api/v2/analytics/queues/observations/query: the real-time state of queues. Conversation metrics
// come per (queueId, mediaType) group, for each media the queue has traffic on (zero counts included);
// user metrics come in a group without mediaType.

import type { QueueState } from '../model/runtime.ts';
import { interactingContacts, snapshotQueue, waitingContacts, type QueueSnapshot } from '../model/snapshot.ts';
import type { Contact } from '../model/contact.ts';
import { ROUTING_STATUSES, SYSTEM_PRESENCES, type SystemPresence } from '../vocabulary.ts';
import { badRequest } from './errors.ts';
import { compileFilter, type Dimensions } from './filter.ts';
import { iso } from './iso.ts';

const OBSERVATION_METRICS = [
  'oWaiting',
  'oInteracting',
  'oAlerting',
  'oOnQueueUsers',
  'oOffQueueUsers',
  'oUserRoutingStatuses',
  'oMemberUsers',
  'oActiveUsers',
  'oUserPresences',
] as const;
type ObservationMetric = (typeof OBSERVATION_METRICS)[number];
const CONVERSATION_METRICS: readonly ObservationMetric[] = ['oWaiting', 'oInteracting', 'oAlerting'];
const DETAIL_METRICS = ['oWaiting', 'oInteracting'] as const;
type DetailMetric = (typeof DETAIL_METRICS)[number];
const DIMENSIONS = ['queueId', 'mediaType'];
/** Observations listed per detail metric and group; beyond it the oldest are kept and `truncated` is true. */
const MAX_OBSERVATIONS = 100;

export interface ObservationContext {
  readonly queues: readonly QueueState[];
  readonly now: number;
  /** Added to every date shown (clock-offset fault). */
  readonly clockOffsetMs: number;
  readonly presenceIds: Readonly<Record<SystemPresence, readonly string[]>>;
}

interface DataEntry {
  readonly metric: string;
  readonly qualifier?: string;
  readonly stats: { readonly count: number };
  readonly truncated?: boolean;
  readonly observations?: readonly Record<string, unknown>[];
}

function stringList<T extends string>(value: unknown, field: string, allowed: readonly T[], required: boolean): T[] {
  if (value === undefined && !required) return [];
  if (!Array.isArray(value) || (required && value.length === 0)) throw badRequest(`${field} must be a non-empty array of metric names`);
  for (const [i, item] of value.entries()) {
    if (!(allowed as readonly unknown[]).includes(item)) {
      throw badRequest(`${field}[${i}]: ${JSON.stringify(item)} is not a valid metric for this query (allowed: ${allowed.join(', ')})`);
    }
  }
  return value as T[];
}

export function queryObservations(body: unknown, ctx: ObservationContext) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('the request body must be a JSON object');
  const request = body as Record<string, unknown>;
  if (request['filter'] === undefined) throw badRequest('filter is required');
  const filter = compileFilter(request['filter'], DIMENSIONS);
  if ((filter.matchedValues.get('queueId')?.size ?? 0) === 0) throw badRequest('filter must name at least one queueId');
  const metrics = stringList(request['metrics'], 'metrics', OBSERVATION_METRICS, true);
  const detailMetrics = stringList(request['detailMetrics'], 'detailMetrics', DETAIL_METRICS, false);

  const conversationMetrics = metrics.filter((m) => CONVERSATION_METRICS.includes(m));
  const userMetrics = metrics.filter((m) => !CONVERSATION_METRICS.includes(m));
  const results: { group: Record<string, string>; data: DataEntry[] }[] = [];
  const namedQueues = filter.restriction('queueId');
  for (const state of ctx.queues) {
    // Groups are matched before the (costlier) snapshot: most queues of a large org are not asked for.
    const queueId = state.queue.id;
    if (namedQueues !== undefined && !namedQueues.has(queueId)) continue;
    const mediaGroups =
      conversationMetrics.length > 0 || detailMetrics.length > 0
        ? [...state.media.keys()].map((mediaType) => ({ queueId, mediaType })).filter((g) => filter.matches(dimensionsOf(g)))
        : [];
    const userGroup = userMetrics.length > 0 && filter.matches(dimensionsOf({ queueId })) ? { queueId } : undefined;
    if (mediaGroups.length === 0 && userGroup === undefined) continue;
    const snapshot = snapshotQueue(state, ctx.now);
    for (const group of mediaGroups) {
      const media = snapshot.media.find((m) => m.mediaType === group.mediaType)!;
      const counts: Record<DetailMetric | 'oAlerting', number> = { oWaiting: media.waiting, oInteracting: media.interacting, oAlerting: media.alerting };
      const data: DataEntry[] = conversationMetrics.map((metric) => ({ metric, stats: { count: counts[metric as keyof typeof counts] } }));
      for (const metric of detailMetrics) {
        const contacts = metric === 'oWaiting' ? waitingContacts(state, group.mediaType) : interactingContacts(state, group.mediaType);
        data.push(detailEntry(metric, contacts, ctx.clockOffsetMs));
      }
      results.push({ group, data });
    }
    if (userGroup !== undefined) results.push({ group: userGroup, data: userMetrics.flatMap((m) => userData(m, snapshot)) });
  }
  const systemToOrganizationMappings = Object.fromEntries(SYSTEM_PRESENCES.map((p) => [p, [...ctx.presenceIds[p]]]));
  return { systemToOrganizationMappings, results };
}

const dimensionsOf =
  (group: Record<string, string>): Dimensions =>
  (dimension) =>
    group[dimension];

function detailEntry(metric: DetailMetric, contacts: readonly Contact[], offsetMs: number): DataEntry {
  const shown = contacts.slice(0, MAX_OBSERVATIONS);
  return {
    metric,
    stats: { count: contacts.length },
    truncated: contacts.length > shown.length,
    observations: shown.map((c) => ({
      observationDate: iso((metric === 'oWaiting' ? c.arrivedAt : c.answeredAt!) + offsetMs),
      conversationId: c.id,
      sessionId: c.sessionId,
      direction: 'inbound',
      routingPriority: 0,
      ...(metric === 'oInteracting' && c.agentId !== undefined ? { userId: c.agentId } : {}),
    })),
  };
}

function userData(metric: ObservationMetric, s: QueueSnapshot): DataEntry[] {
  switch (metric) {
    case 'oOnQueueUsers':
      return [{ metric, stats: { count: s.onQueue } }];
    case 'oOffQueueUsers':
      return [{ metric, stats: { count: s.offQueue } }];
    case 'oMemberUsers':
      return [{ metric, stats: { count: s.members } }];
    case 'oActiveUsers':
      return [{ metric, stats: { count: s.active } }];
    case 'oUserRoutingStatuses':
      return ROUTING_STATUSES.map((status) => ({ metric, qualifier: status, stats: { count: s.agents[status] } }));
    case 'oUserPresences':
      // One datum per org presence someone is in (qualifier: the org presence id), none for the others.
      return [...s.presenceIdCounts].map(([presenceId, count]) => ({ metric, qualifier: presenceId, stats: { count } }));
    default:
      return [];
  }
}
