// POST /api/v2/analytics/conversations/aggregates/query: interval history (see genesys-api.md §4).

import { apiRequest, type ApiRequestContext } from './api-request.ts';
import { ENDPOINTS } from './endpoints.ts';
import { BadRequestError } from './errors/index.ts';
import type { AnalyticsMediaType, LogicalOperator, PredicateOperator } from './queue-observations.ts';
import { ShapeError, expectNumber, expectObject, expectOptionalArray, expectString, isObject, optionalNumber } from './response-shape.ts';

/** Timer metrics: stats in milliseconds. */
export const TIMER_METRICS = ['tAnswered', 'tAbandon', 'tWait', 'tHandle', 'tTalk', 'tAcw', 'tAlert'] as const;
/** Count metrics. */
export const COUNT_METRICS = ['nOffered', 'nOverSla', 'nTransferred', 'nConnected'] as const;
export type TimerMetric = (typeof TIMER_METRICS)[number];
export type CountMetric = (typeof COUNT_METRICS)[number];
export type AggregationMetric = TimerMetric | CountMetric | 'oServiceLevel';

/** Genesys accepts at most 10 views per aggregate query. */
export const MAX_AGGREGATION_VIEWS = 10;

export type AggregationDimension =
  | 'queueId'
  | 'mediaType'
  | 'direction'
  | 'divisionId'
  | 'userId'
  | 'wrapUpCode'
  | 'requestedRoutingSkillId';

export interface AggregationPredicate {
  readonly type?: 'dimension';
  readonly dimension: AggregationDimension;
  readonly operator?: PredicateOperator;
  readonly value?: string;
}

export interface AggregationFilter {
  readonly type: LogicalOperator;
  readonly predicates?: readonly AggregationPredicate[];
  readonly clauses?: readonly { readonly type: LogicalOperator; readonly predicates: readonly AggregationPredicate[] }[];
}

/** Counts the target timer's values inside [gte, lt) milliseconds; cumulative `lt` bounds give histogram buckets. */
export interface AggregationView {
  readonly target: TimerMetric;
  readonly function: 'rangeBound';
  readonly range: { readonly gte?: number; readonly lt: number };
  readonly name: string;
}

export interface AggregationQuery {
  /** ISO-8601 `start/end`, e.g. "2026-11-29T15:00:00.000Z/2026-11-29T15:05:00.000Z". */
  readonly interval: string;
  /** ISO-8601 duration, e.g. "PT1M"; omitted means one bucket for the whole interval. */
  readonly granularity?: string;
  readonly timeZone?: string;
  readonly groupBy?: readonly AggregationDimension[];
  readonly filter?: AggregationFilter;
  readonly metrics: readonly AggregationMetric[];
  readonly views?: readonly AggregationView[];
}

export interface TimerStats {
  readonly max?: number;
  readonly min?: number;
  readonly count: number;
  /** Milliseconds. */
  readonly sum: number;
}

export interface CountStats {
  readonly count: number;
}

export interface ServiceLevelStats {
  readonly ratio?: number;
  readonly numerator?: number;
  readonly denominator?: number;
  readonly target?: number;
}

export type AggregateMetricDatum =
  | { readonly metric: TimerMetric; readonly stats: TimerStats }
  | { readonly metric: CountMetric; readonly stats: CountStats }
  | { readonly metric: 'oServiceLevel'; readonly stats: ServiceLevelStats };

export interface AggregateViewDatum {
  readonly name: string;
  readonly stats: CountStats;
}

export interface AggregateInterval {
  readonly interval: string;
  /** Metrics without data are left out by Genesys, never reported as zero. */
  readonly metrics: readonly AggregateMetricDatum[];
  readonly views: readonly AggregateViewDatum[];
}

export interface AggregateResult {
  readonly group: Readonly<Partial<Record<Exclude<AggregationDimension, 'mediaType'>, string>>> & { readonly mediaType?: AnalyticsMediaType };
  readonly data: readonly AggregateInterval[];
}

export interface AggregationQueryResponse {
  readonly results: readonly AggregateResult[];
}

/** Problems Genesys would answer with a 400, caught before spending budget on them. */
export function aggregationQueryProblem(query: AggregationQuery): string | undefined {
  const views = query.views ?? [];
  if (views.length > MAX_AGGREGATION_VIEWS) return `at most ${MAX_AGGREGATION_VIEWS} views are accepted, the query has ${views.length}`;
  if (query.metrics.length === 0) return 'the query names no metrics';
  if (!/^[^/]+\/[^/]+$/.test(query.interval)) return `interval "${query.interval}" is not an ISO-8601 "start/end" pair`;
  return undefined;
}

export function parseAggregationResponse(json: unknown): AggregationQueryResponse {
  const body = expectObject(json, 'body');
  const results = expectOptionalArray(body.results, 'results').map((value, index) => {
    const path = `results[${index}]`;
    const result = expectObject(value, path);
    const group = expectObject(result.group, `${path}.group`) as AggregateResult['group'];
    const data = expectOptionalArray(result.data, `${path}.data`).map((entry, i) => parseInterval(entry, `${path}.data[${i}]`));
    return { group, data };
  });
  return { results };
}

function parseInterval(value: unknown, path: string): AggregateInterval {
  const entry = expectObject(value, path);
  const interval = expectString(entry.interval, `${path}.interval`);
  const metrics = expectOptionalArray(entry.metrics, `${path}.metrics`).flatMap((m, i) => parseMetric(m, `${path}.metrics[${i}]`));
  const views = expectOptionalArray(entry.views, `${path}.views`).map((v, i) => {
    const view = expectObject(v, `${path}.views[${i}]`);
    const stats = expectObject(view.stats, `${path}.views[${i}].stats`);
    return { name: expectString(view.name, `${path}.views[${i}].name`), stats: { count: expectNumber(stats.count, `${path}.views[${i}].stats.count`) } };
  });
  return { interval, metrics, views };
}

// Metrics we did not ask for (Genesys may add some) are dropped rather than failing the whole response.
function parseMetric(value: unknown, path: string): AggregateMetricDatum[] {
  const datum = expectObject(value, path);
  const metric = expectString(datum.metric, `${path}.metric`);
  if (!isObject(datum.stats)) throw new ShapeError(`${path}.stats should be an object`);
  const stats = datum.stats;
  if (isTimerMetric(metric)) {
    return [{ metric, stats: { ...stats, count: expectNumber(stats.count, `${path}.stats.count`), sum: expectNumber(stats.sum, `${path}.stats.sum`) } }];
  }
  if (isCountMetric(metric)) return [{ metric, stats: { count: expectNumber(stats.count, `${path}.stats.count`) } }];
  if (metric === 'oServiceLevel') {
    const fields = ['ratio', 'numerator', 'denominator', 'target'] as const;
    fields.forEach((field) => optionalNumber(stats[field], `${path}.stats.${field}`));
    return [{ metric, stats: stats as ServiceLevelStats }];
  }
  return [];
}

function isTimerMetric(metric: string): metric is TimerMetric {
  return (TIMER_METRICS as readonly string[]).includes(metric);
}

function isCountMetric(metric: string): metric is CountMetric {
  return (COUNT_METRICS as readonly string[]).includes(metric);
}

/** Refuses locally what Genesys would reject (e.g. 11 views), then queries. */
export async function queryConversationAggregates(context: ApiRequestContext, query: AggregationQuery): Promise<AggregationQueryResponse> {
  const problem = aggregationQueryProblem(query);
  if (problem !== undefined) throw new BadRequestError({ endpoint: 'conversation_aggregates', genesysMessage: `not sent: ${problem}` });
  const url = new URL(ENDPOINTS.conversation_aggregates.path, context.apiUrl);
  return apiRequest(context, { endpoint: 'conversation_aggregates', method: 'POST', url, json: query, parse: parseAggregationResponse });
}
