// POST /api/v2/analytics/queues/observations/query: real-time queue state (see docs/genesys-api.md, "Real-time queue state").

import { apiRequest, type ApiRequestContext } from './api-request.ts';
import { ENDPOINTS } from './endpoints.ts';
import { expectObject, expectOptionalArray, expectString, optionalNumber } from './response-shape.ts';

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

export type AnalyticsMediaType = 'voice' | 'chat' | 'email' | 'message' | 'callback';
export type RoutingStatus = 'OFF_QUEUE' | 'IDLE' | 'INTERACTING' | 'NOT_RESPONDING' | 'COMMUNICATING';
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
  readonly group: { readonly queueId?: string; readonly mediaType?: AnalyticsMediaType };
  readonly data: readonly ObservationDatum[];
}

export interface ObservationQueryResponse {
  /** System presence (e.g. AVAILABLE) → the org's presence ids, to read oUserPresences qualifiers. */
  readonly systemToOrganizationMappings?: Readonly<Record<string, readonly string[]>>;
  readonly results: readonly ObservationResult[];
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

export function parseObservationResponse(json: unknown): ObservationQueryResponse {
  const body = expectObject(json, 'body');
  const results = expectOptionalArray(body.results, 'results').map((value, index) => {
    const path = `results[${index}]`;
    const result = expectObject(value, path);
    const group = expectObject(result.group, `${path}.group`);
    const data = expectOptionalArray(result.data, `${path}.data`).map((datum, d) => parseDatum(datum, `${path}.data[${d}]`));
    return { group: group as ObservationResult['group'], data };
  });
  if (body.systemToOrganizationMappings !== undefined) expectObject(body.systemToOrganizationMappings, 'systemToOrganizationMappings');
  return { ...(body as Partial<ObservationQueryResponse>), results };
}

function parseDatum(value: unknown, path: string): ObservationDatum {
  const datum = expectObject(value, path);
  expectString(datum.metric, `${path}.metric`);
  const stats = expectObject(datum.stats, `${path}.stats`);
  optionalNumber(stats.count, `${path}.stats.count`);
  const observations = expectOptionalArray(datum.observations, `${path}.observations`);
  observations.forEach((o, i) => expectString(expectObject(o, `${path}.observations[${i}]`).observationDate, `${path}.observations[${i}].observationDate`));
  return datum as unknown as ObservationDatum;
}


export function queryQueueObservations(context: ApiRequestContext, query: ObservationQuery): Promise<ObservationQueryResponse> {
  const url = new URL(ENDPOINTS.queue_observations.path, context.apiUrl);
  return apiRequest(context, { endpoint: 'queue_observations', method: 'POST', url, json: query, parse: parseObservationResponse });
}
