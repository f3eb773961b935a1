// POST /api/v2/analytics/queues/observations/query: real-time queue state (see docs/genesys-api.md, "Real-time queue state").

import { apiRequest, type ApiRequestContext } from './api-request.ts';
import { ENDPOINTS } from './endpoints.ts';
import { analyticsMaxResponseBytes } from './response-limits.ts';
import { ShapeError, expectObject, expectOptionalArray, expectString, optionalCount } from './response-shape.ts';
import { isMediaType, isSystemPresence, type MediaType, ROUTING_STATUSES, type SystemPresence } from '../../metrics/vocabulary.ts';

/** The only metrics this endpoint accepts (others, e.g. oLongestWaiting, get a 400). */
export const OBSERVATION_METRICS = [
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
export type ObservationMetric = (typeof OBSERVATION_METRICS)[number];

// Media types (metrics/vocabulary.ts) other than the known ones are dropped from answers (and reported), and
// so are unknown oUserRoutingStatuses qualifiers: an unexpected value cannot create series without bound.
export type PredicateOperator = 'matches' | 'exists' | 'notExists';
export type LogicalOperator = 'and' | 'or';

export interface ObservationPredicate {
  readonly type?: 'dimension';
  readonly dimension: 'queueId' | 'mediaType';
  readonly operator?: PredicateOperator;
  readonly value?: string;
}

export interface ObservationClause {
  readonly type: LogicalOperator;
  readonly predicates: readonly ObservationPredicate[];
}

export interface ObservationFilter {
  readonly type: LogicalOperator;
  readonly predicates?: readonly ObservationPredicate[];
  readonly clauses?: readonly ObservationClause[];
}

export interface ObservationQuery {
  readonly filter: ObservationFilter;
  readonly metrics: readonly ObservationMetric[];
  readonly detailMetrics?: readonly ObservationMetric[];
}

/** One conversation behind a detail metric; the oldest `observationDate` of oWaiting is the longest wait. */
export interface Observation {
  readonly observationDate: string;
  readonly conversationId?: string;
  readonly sessionId?: string;
  readonly userId?: string;
  readonly direction?: string;
  readonly routingPriority?: number;
}

export interface ObservationDatum {
  readonly metric: ObservationMetric;
  /** oUserRoutingStatuses: a RoutingStatus; oUserPresences: an organization presence id. */
  readonly qualifier?: string;
  readonly stats: { readonly count?: number };
  readonly truncated?: boolean;
  readonly observations?: readonly Observation[];
}

export interface ObservationResult {
  /** Conversation metrics are grouped by queue and mediaType; user metrics by queue only. */
  readonly group: { readonly queueId: string; readonly mediaType?: MediaType };
  readonly data: readonly ObservationDatum[];
  /**
   * On user groups of a polled answer: org presence id → system presence, from the answer's
   * systemToOrganizationMappings. Carried by the group (not only the answer) so that whoever keeps a
   * queue's latest data also keeps how to read its oUserPresences qualifiers, e.g. between two polls
   * while streamed messages (which carry no mappings) replace the counts.
   */
  readonly systemPresenceOf?: ReadonlyMap<string, SystemPresence>;
}

export interface ObservationQueryResponse {
  /** System presence (e.g. AVAILABLE) → the org's presence ids, to read oUserPresences qualifiers. */
  readonly systemToOrganizationMappings?: Readonly<Record<string, readonly string[]>>;
  readonly results: readonly ObservationResult[];
  /** Values outside the known enums that were dropped from the answer (distinct, for a warning). */
  readonly dropped?: { readonly mediaTypes: readonly string[]; readonly routingStatuses: readonly string[] };
}

/** The query for a batch of queues: one `queueId` predicate each, OR-ed. */
export function queueObservationQuery(
  queueIds: readonly string[],
  metrics: readonly ObservationMetric[] = OBSERVATION_METRICS,
  detailMetrics: readonly ObservationMetric[] = ['oWaiting'],
): ObservationQuery {
  return {
    filter: { type: 'or', predicates: queueIds.map((id) => ({ type: 'dimension', dimension: 'queueId', operator: 'matches', value: id })) },
    metrics,
    ...(detailMetrics.length > 0 ? { detailMetrics } : {}),
  };
}

/**
 * Checks an answer against what the exporter relies on, naming the JSON path of the first problem:
 * every group names a queue (one that was asked for, when `asked` is given), counts are finite and
 * ≥ 0, dates parse. An answer that reports none of the queues asked for (`{}`, `{"results": []}`) is
 * refused: it would otherwise read as "zero everywhere". Unknown media types and routing statuses are
 * dropped and listed in `dropped`.
 */
export function parseObservationResponse(json: unknown, asked?: ReadonlySet<string>): ObservationQueryResponse {
  const body = expectObject(json, 'body');
  const droppedMedia = new Set<string>();
  const droppedStatuses = new Set<string>();
  const reported = new Set<string>();
  const results: ObservationResult[] = [];
  expectOptionalArray(body.results, 'results').forEach((value, index) => {
    const path = `results[${index}]`;
    const result = expectObject(value, path);
    const group = expectObject(result.group, `${path}.group`);
    const queueId = expectString(group.queueId, `${path}.group.queueId`);
    if (queueId === '') throw new ShapeError(`${path}.group.queueId is empty`);
    if (asked !== undefined && !asked.has(queueId)) throw new ShapeError(`${path}.group.queueId "${queueId.slice(0, 64)}" was not asked for`);
    reported.add(queueId);
    let mediaType: MediaType | undefined;
    if (group.mediaType !== undefined) {
      const media = expectString(group.mediaType, `${path}.group.mediaType`);
      if (!isMediaType(media)) {
        droppedMedia.add(media.slice(0, 64));
        return;
      }
      mediaType = media;
    }
    const data: ObservationDatum[] = [];
    expectOptionalArray(result.data, `${path}.data`).forEach((datum, d) => {
      const parsed = parseDatum(datum, `${path}.data[${d}]`);
      if (parsed.metric === 'oUserRoutingStatuses' && !(ROUTING_STATUSES as readonly (string | undefined)[]).includes(parsed.qualifier)) {
        droppedStatuses.add(String(parsed.qualifier).slice(0, 64));
        return;
      }
      data.push(parsed);
    });
    results.push({ group: mediaType === undefined ? { queueId } : { queueId, mediaType }, data });
  });
  if (asked !== undefined && asked.size > 0 && reported.size === 0) {
    throw new ShapeError(`results reports none of the ${asked.size} queues asked for (an empty answer is not "zero for every queue")`);
  }
  const systemPresenceOf = body.systemToOrganizationMappings === undefined ? undefined : parsePresenceMappings(body.systemToOrganizationMappings);
  if (systemPresenceOf !== undefined) {
    for (const [index, result] of results.entries()) if (result.group.mediaType === undefined) results[index] = { ...result, systemPresenceOf };
  }
  const dropped = droppedMedia.size + droppedStatuses.size > 0 ? { dropped: { mediaTypes: [...droppedMedia], routingStatuses: [...droppedStatuses] } } : {};
  return {
    ...(body.systemToOrganizationMappings === undefined
      ? {}
      : { systemToOrganizationMappings: body.systemToOrganizationMappings as ObservationQueryResponse['systemToOrganizationMappings'] }),
    results,
    ...dropped,
  };
}

/**
 * systemToOrganizationMappings (system presence → org presence ids) turned around. Ids under a system
 * presence this exporter does not know are left out: their members count as `other`, like any id the
 * mappings do not name (see exporter/collectors/observations.ts).
 */
function parsePresenceMappings(value: unknown): Map<string, SystemPresence> {
  const mappings = expectObject(value, 'systemToOrganizationMappings');
  const systemPresenceOf = new Map<string, SystemPresence>();
  for (const [system, ids] of Object.entries(mappings)) {
    const path = `systemToOrganizationMappings.${system.slice(0, 64)}`;
    const list = expectOptionalArray(ids, path).map((id, i) => expectString(id, `${path}[${i}]`));
    if (isSystemPresence(system)) for (const id of list) systemPresenceOf.set(id, system);
  }
  return systemPresenceOf;
}

function parseDatum(value: unknown, path: string): ObservationDatum {
  const datum = expectObject(value, path);
  expectString(datum.metric, `${path}.metric`);
  if (datum.qualifier !== undefined && datum.qualifier !== null) expectString(datum.qualifier, `${path}.qualifier`);
  const stats = expectObject(datum.stats, `${path}.stats`);
  optionalCount(stats.count, `${path}.stats.count`);
  const observations = expectOptionalArray(datum.observations, `${path}.observations`);
  observations.forEach((o, i) => {
    const date = expectString(expectObject(o, `${path}.observations[${i}]`).observationDate, `${path}.observations[${i}].observationDate`);
    if (Number.isNaN(Date.parse(date))) throw new ShapeError(`${path}.observations[${i}].observationDate is not a date`);
  });
  return datum as unknown as ObservationDatum;
}

/** The queue ids a query names (its queueId predicates, clauses included). */
interface AnyFilter {
  readonly predicates?: readonly { readonly dimension: string; readonly operator?: string; readonly value?: string }[];
  readonly clauses?: readonly { readonly predicates: AnyFilter['predicates'] & object }[];
}

export function queueIdsOf(filter: AnyFilter): Set<string> {
  const predicates = [...(filter.predicates ?? []), ...(filter.clauses ?? []).flatMap((clause) => clause.predicates)];
  return new Set(predicates.filter((p) => p.dimension === 'queueId' && (p.operator ?? 'matches') === 'matches' && p.value !== undefined).map((p) => p.value!));
}

export async function queryQueueObservations(context: ApiRequestContext, query: ObservationQuery): Promise<ObservationQueryResponse> {
  const url = new URL(ENDPOINTS.queue_observations.path, context.apiUrl);
  const asked = queueIdsOf(query.filter);
  const parse = (json: unknown): ObservationQueryResponse => parseObservationResponse(json, asked.size > 0 ? asked : undefined);
  const response = await apiRequest(context, {
    endpoint: 'queue_observations',
    method: 'POST',
    url,
    json: query,
    parse,
    maxResponseBytes: analyticsMaxResponseBytes(asked.size),
  });
  if (response.dropped !== undefined) {
    reportDropped(context, 'queue_observations', 'media_type', response.dropped.mediaTypes);
    reportDropped(context, 'queue_observations', 'routing_status', response.dropped.routingStatuses);
  }
  return response;
}

const reportedValues = new Set<string>();
const MAX_REPORTED_VALUES = 1_000;

/** Unknown enum values: a warning the first time each is seen (bounded), debug afterwards. */
export function reportDropped(
  context: ApiRequestContext,
  endpoint: 'queue_observations' | 'conversation_aggregates',
  kind: 'media_type' | 'routing_status',
  values: readonly string[],
): void {
  for (const value of values) {
    const key = `${kind}\u0000${value}`;
    const first = !reportedValues.has(key) && reportedValues.size < MAX_REPORTED_VALUES;
    if (first) reportedValues.add(key);
    context.logger[first ? 'warn' : 'debug'](
      'dropped data of an unknown value (it would create series without bound); upgrade the exporter if Genesys added it',
      {
        endpoint,
        kind,
        value,
      },
    );
  }
}
