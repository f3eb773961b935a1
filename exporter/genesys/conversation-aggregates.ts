// POST /api/v2/analytics/conversations/aggregates/query: interval history (see docs/genesys-api.md, "History: conversation aggregates").

import { apiRequest, type ApiRequestContext } from './api-request.ts';
import { ENDPOINTS } from './endpoints.ts';
import { analyticsMaxResponseBytes } from './response-limits.ts';
import { BadRequestError } from './errors/index.ts';
import { queueIdsOf, reportDropped, type LogicalOperator, type PredicateOperator } from './queue-observations.ts';
import { isMediaType, type MediaType } from '../../metrics/vocabulary.ts';
import { ShapeError, expectCount, expectObject, expectOptionalArray, expectString, optionalCount } from './response-shape.ts';
import { isPlainObject } from '../../lib/plain-object.ts';

/** Timer metrics: stats in milliseconds. */
export const TIMER_METRICS = ['tAnswered', 'tAbandon', 'tWait', 'tHandle', 'tTalk', 'tHeld', 'tAcw', 'tAlert', 'tFlowOut', 'tShortAbandon'] as const;
/** Count metrics. */
export const COUNT_METRICS = ['nOffered', 'nOverSla', 'nTransferred', 'nBlindTransferred', 'nConsultTransferred', 'nConnected'] as const;
export type TimerMetric = (typeof TIMER_METRICS)[number];
export type CountMetric = (typeof COUNT_METRICS)[number];
export type AggregationMetric = TimerMetric | CountMetric | 'oServiceLevel';

/** Genesys accepts at most 10 views per aggregate query. */
export const MAX_AGGREGATION_VIEWS = 10;

export type AggregationDimension = 'queueId' | 'mediaType' | 'direction' | 'divisionId' | 'userId' | 'wrapUpCode' | 'requestedRoutingSkillId';

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
  readonly group: Readonly<Partial<Record<Exclude<AggregationDimension, 'mediaType'>, string>>> & { readonly mediaType?: MediaType };
  readonly data: readonly AggregateInterval[];
}

export interface AggregationQueryResponse {
  readonly results: readonly AggregateResult[];
  /** Media types outside the known ones whose groups were dropped (distinct, for a warning). */
  readonly droppedMediaTypes?: readonly string[];
}

/** Problems Genesys would answer with a 400, caught before spending budget on them. */
export function aggregationQueryProblem(query: AggregationQuery): string | undefined {
  const views = query.views ?? [];
  if (views.length > MAX_AGGREGATION_VIEWS) return `at most ${MAX_AGGREGATION_VIEWS} views are accepted, the query has ${views.length}`;
  if (query.metrics.length === 0) return 'the query names no metrics';
  if (!/^[^/]+\/[^/]+$/.test(query.interval)) return `interval "${query.interval}" is not an ISO-8601 "start/end" pair`;
  return undefined;
}

/**
 * Checks an answer against what the exporter relies on, naming the JSON path of the first problem:
 * group ids are non-empty strings (a queue that was asked for, when `asked` is given), counts and
 * timers finite and ≥ 0. `{}` is a valid answer here: Genesys leaves out groups without data. Groups of
 * an unknown media type are dropped (listed in `droppedMediaTypes`) so they cannot create series.
 */
export function parseAggregationResponse(json: unknown, asked?: ReadonlySet<string>): AggregationQueryResponse {
  const body = expectObject(json, 'body');
  const dropped = new Set<string>();
  const results: AggregateResult[] = [];
  expectOptionalArray(body.results, 'results').forEach((value, index) => {
    const path = `results[${index}]`;
    const result = expectObject(value, path);
    const group = expectObject(result.group, `${path}.group`);
    if (group.queueId !== undefined) {
      const queueId = expectString(group.queueId, `${path}.group.queueId`);
      if (queueId === '') throw new ShapeError(`${path}.group.queueId is empty`);
      if (asked !== undefined && !asked.has(queueId)) throw new ShapeError(`${path}.group.queueId "${queueId.slice(0, 64)}" was not asked for`);
    }
    if (group.mediaType !== undefined) {
      const media = expectString(group.mediaType, `${path}.group.mediaType`);
      if (!isMediaType(media)) {
        dropped.add(media.slice(0, 64));
        return;
      }
    }
    const data = expectOptionalArray(result.data, `${path}.data`).map((entry, i) => parseInterval(entry, path, i));
    results.push({ group: group as AggregateResult['group'], data });
  });
  return dropped.size === 0 ? { results } : { results, droppedMediaTypes: [...dropped] };
}

// A 1,000-queue poll checks ~400,000 values, so a value's path (for the error message) is built from its
// indices only when its check fails: building them all up front was most of the parsing time.
const intervalPath = (resultPath: string, index: number): string => `${resultPath}.data[${index}]`;
const itemPath = (resultPath: string, index: number, list: 'metrics' | 'views', item: number): string => `${intervalPath(resultPath, index)}.${list}[${item}]`;

function parseInterval(value: unknown, resultPath: string, index: number): AggregateInterval {
  const entry = isPlainObject(value) ? value : expectObject(value, intervalPath(resultPath, index));
  const interval = typeof entry.interval === 'string' ? entry.interval : expectString(entry.interval, `${intervalPath(resultPath, index)}.interval`);
  const rawMetrics = Array.isArray(entry.metrics) ? entry.metrics : expectOptionalArray(entry.metrics, `${intervalPath(resultPath, index)}.metrics`);
  const metrics: AggregateMetricDatum[] = [];
  for (let i = 0; i < rawMetrics.length; i += 1) {
    const datum = parseMetric(rawMetrics[i], resultPath, index, i);
    if (datum !== undefined) metrics.push(datum);
  }
  const rawViews = Array.isArray(entry.views) ? entry.views : expectOptionalArray(entry.views, `${intervalPath(resultPath, index)}.views`);
  const views = new Array<AggregateViewDatum>(rawViews.length);
  for (let i = 0; i < rawViews.length; i += 1) views[i] = parseView(rawViews[i], resultPath, index, i);
  return { interval, metrics, views };
}

function parseView(value: unknown, resultPath: string, index: number, item: number): AggregateViewDatum {
  const view = isPlainObject(value) ? value : expectObject(value, itemPath(resultPath, index, 'views', item));
  const stats = isPlainObject(view.stats) ? view.stats : expectObject(view.stats, `${itemPath(resultPath, index, 'views', item)}.stats`);
  const name = typeof view.name === 'string' ? view.name : expectString(view.name, `${itemPath(resultPath, index, 'views', item)}.name`);
  const count = isCount(stats.count) ? stats.count : expectCount(stats.count, `${itemPath(resultPath, index, 'views', item)}.stats.count`);
  return { name, stats: { count } };
}

// Metrics we did not ask for (Genesys may add some) are dropped rather than failing the whole response.
function parseMetric(value: unknown, resultPath: string, index: number, item: number): AggregateMetricDatum | undefined {
  const datum = isPlainObject(value) ? value : expectObject(value, itemPath(resultPath, index, 'metrics', item));
  const metric = typeof datum.metric === 'string' ? datum.metric : expectString(datum.metric, `${itemPath(resultPath, index, 'metrics', item)}.metric`);
  if (!isPlainObject(datum.stats)) throw new ShapeError(`${itemPath(resultPath, index, 'metrics', item)}.stats should be an object`);
  const stats = datum.stats;
  if (isTimerMetric(metric)) {
    if (!isCount(stats.count)) expectCount(stats.count, statPath(resultPath, index, item, 'count'));
    if (!isCount(stats.sum)) expectCount(stats.sum, statPath(resultPath, index, item, 'sum'));
    if (stats.min !== undefined && !isCount(stats.min)) optionalCount(stats.min, statPath(resultPath, index, item, 'min'));
    if (stats.max !== undefined && !isCount(stats.max)) optionalCount(stats.max, statPath(resultPath, index, item, 'max'));
    // Checked above: count and sum are the numbers Genesys sent, so the stats are kept as they are.
    return { metric, stats: stats as unknown as TimerStats };
  }
  if (isCountMetric(metric))
    return { metric, stats: { count: isCount(stats.count) ? stats.count : expectCount(stats.count, statPath(resultPath, index, item, 'count')) } };
  if (metric === 'oServiceLevel') {
    const fields = ['ratio', 'numerator', 'denominator', 'target'] as const;
    for (const field of fields) optionalCount(stats[field], statPath(resultPath, index, item, field));
    return { metric, stats: stats as ServiceLevelStats };
  }
  return undefined;
}

const statPath = (resultPath: string, index: number, item: number, field: string): string => `${itemPath(resultPath, index, 'metrics', item)}.stats.${field}`;
/** The fast path of expectCount (most values are fine; the error path is built only on failure). */
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0;

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
  const asked = query.filter === undefined ? new Set<string>() : queueIdsOf(query.filter);
  const parse = (json: unknown): AggregationQueryResponse => parseAggregationResponse(json, asked.size > 0 ? asked : undefined);
  const response = await apiRequest(context, {
    endpoint: 'conversation_aggregates',
    method: 'POST',
    url,
    json: query,
    parse,
    maxResponseBytes: analyticsMaxResponseBytes(asked.size),
  });
  if (response.droppedMediaTypes !== undefined) reportDropped(context, 'conversation_aggregates', 'media_type', response.droppedMediaTypes);
  return response;
}
