// The selectors every panel shares and the query (target) factory. Selectors are typed by what a metric
// carries: a queue metric with a media type is always filtered by $media_type, an agent metric (which has
// no media type) cannot be, and an exporter metric only by $cluster. Using the wrong one is a compile error.

import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import { aggregate, raw, series, sumBy } from '../../metrics/promql.ts';
import type { LabelMatcher, SeriesLabel, SeriesName, Vector } from '../../metrics/promql.ts';
import { DATASOURCE, VAR } from './variables.ts';

/** Every rate/increase in a panel uses it, so Grafana widens the window with the scrape interval. */
export const RATE_INTERVAL = '$__rate_interval';

/** Series whose labels include all of L (the tuple stops the conditional from distributing over L). */
type SeriesWith<L extends string> = { [S in SeriesName]: [L] extends [SeriesLabel<S>] ? S : never }[SeriesName];
/** Queue metrics split by media type (depth, waits, counters, SLA targets). */
export type MediaQueueSeries = SeriesWith<'queue_name' | 'media_type'>;
/** Queue metrics without a media type (agents, genesys_queue_info). */
export type QueueSeries = Exclude<SeriesWith<'queue_name'>, MediaQueueSeries>;
/** The exporter's own metrics: per cluster only. */
export type ClusterSeries = Exclude<SeriesName, SeriesWith<'queue_name'>>;

/**
 * Which queues a panel shows. 'selected': the overview's multi-value $queue, which Grafana renders as an
 * escaped regex (`a|b`, or `.*` for All). 'single': the detail dashboard's one queue, matched exactly,
 * because Grafana does not regex-escape a single-value variable and queue names may contain `(`, `+`, `.`.
 */
export type QueueScope = 'selected' | 'single';

type Matchers<S extends SeriesName> = Partial<Record<SeriesLabel<S>, LabelMatcher>>;

const clusterMatcher = { cluster: { re: `$${VAR.cluster}` } } as const;

function queueMatcher(scope: QueueScope): LabelMatcher {
  return scope === 'single' ? `$${VAR.queue}` : { re: `$${VAR.queue}` };
}

/** `name{cluster=~"$cluster", queue_name=~"$queue", media_type=~"$media_type", …extra}` */
export function queueMediaSeries<S extends MediaQueueSeries>(name: S, scope: QueueScope, extra: Matchers<S> = {}): Vector<SeriesLabel<S>> {
  const shared = { ...clusterMatcher, queue_name: queueMatcher(scope), media_type: { re: `$${VAR.mediaType}` } };
  // S is generic, so TypeScript cannot see that every MediaQueueSeries carries these three labels;
  // the constraint on S guarantees it.
  return series(name, { ...shared, ...extra } as Matchers<S>);
}

/** `name{cluster=~"$cluster", queue_name=~"$queue", …extra}` for metrics without a media type. */
export function queueSeries<S extends QueueSeries>(name: S, scope: QueueScope, extra: Matchers<S> = {}): Vector<SeriesLabel<S>> {
  return series(name, { ...clusterMatcher, queue_name: queueMatcher(scope), ...extra } as Matchers<S>);
}

/** `name{cluster=~"$cluster", …extra}` for the exporter's own metrics. */
export function clusterSeries<S extends ClusterSeries>(name: S, extra: Matchers<S> = {}): Vector<SeriesLabel<S>> {
  return series(name, { ...clusterMatcher, ...extra } as Matchers<S>);
}

/**
 * 0 for every queue in scope that the exporter lists (genesys_queue_info), but only while its last poll
 * succeeded (genesys_up == 1). `x or zeroForListedQueues(scope)` turns "this queue has no series" into a
 * true 0 when the exporter is healthy (a queue with nothing waiting), and leaves it missing otherwise, so
 * an exporter or API outage shows as "no data", never as an empty queue.
 */
export function zeroForListedQueues(scope: QueueScope): Vector<'queue_name'> {
  const listed = sumBy(['queue_name'], queueSeries('genesys_queue_info', scope));
  const pollSucceeded = aggregate('min', clusterSeries('genesys_up'));
  return raw(`(${listed} * 0 and on() (${pollSucceeded} == 1))`);
}

export function orZeroForListedQueues(perQueue: Vector<'queue_name'>, scope: QueueScope): Vector<'queue_name'> {
  return raw(`${perQueue} or ${zeroForListedQueues(scope)}`);
}

/** Drops NaN (histogram_quantile over zero observations) so a quiet queue shows a gap, not NaN or 0. */
export function withoutNaN<L extends string>(vector: Vector<L>): Vector<L> {
  return raw(`${vector} >= 0`);
}

export type QueryFormat = 'time_series' | 'table' | 'heatmap';

export interface QuerySpec {
  /** Named for what the query is ('depth', 'offers'): transformations and overrides refer to it. */
  readonly refId: string;
  readonly expr: Vector<string>;
  /** Legend, e.g. '{{queue_name}}'. */
  readonly legend?: string;
  readonly format?: QueryFormat;
  /** Only the value at the end of the range (stats, tables, bar gauges). */
  readonly instant?: boolean;
}

const FORMATS: Record<QueryFormat, prometheus.PromQueryFormat> = {
  time_series: prometheus.PromQueryFormat.TimeSeries,
  table: prometheus.PromQueryFormat.Table,
  heatmap: prometheus.PromQueryFormat.Heatmap,
};

export function query(spec: QuerySpec): prometheus.DataqueryBuilder {
  const builder = new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE)
    .refId(spec.refId)
    .expr(spec.expr.text)
    .editorMode(prometheus.QueryEditorMode.Code)
    .format(FORMATS[spec.format ?? 'time_series']);
  if (spec.legend !== undefined) builder.legendFormat(spec.legend);
  return spec.instant === true ? builder.instant() : builder.range();
}
