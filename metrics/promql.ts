// A small typed PromQL builder over the metric catalog. It makes the common mistakes compile errors:
// a metric that the exporter does not serve, a label a metric does not carry, `sum by` a label that
// the inner expression has already aggregated away, or `histogram_quantile` over series without `le`.
// It is deliberately not a full PromQL AST: arithmetic between expressions is written with template
// literals, and `npm run generate` parses every final string with the official PromQL parser.

import type { CounterName, DeclaredLabel, GaugeName, HistogramName, MetricName, SummaryName, TargetLabel } from './catalog.ts';

type HistogramSuffix = 'bucket' | 'sum' | 'count';

/** A summary without quantiles is exposed as these two series. */
type SummarySuffix = 'sum' | 'count';

/** Every series name the exporter exposes: gauges and counters as declared, histograms as their three series, summaries as their two. */
export type SeriesName = GaugeName | CounterName | `${HistogramName}_${HistogramSuffix}` | `${SummaryName}_${SummarySuffix}`;

/** The labels a series can be selected or grouped by. */
export type SeriesLabel<S extends SeriesName> = S extends `${infer H extends HistogramName}_bucket`
  ? DeclaredLabel<H> | 'le' | TargetLabel
  : S extends `${infer H extends HistogramName}_${'sum' | 'count'}`
    ? DeclaredLabel<H> | TargetLabel
    : S extends `${infer Q extends SummaryName}_${SummarySuffix}`
      ? DeclaredLabel<Q> | TargetLabel
      : S extends MetricName
        ? DeclaredLabel<S> | TargetLabel
        : never;

export type LabelMatcher = string | { readonly re: string } | { readonly ne: string } | { readonly nre: string };

/** An instant vector whose series carry (at most) the labels L. */
export class Vector<L extends string> {
  declare private readonly labelsBrand: L;
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A range vector (a selector with `[window]`), the only thing rate/increase accept. */
export class RangeVector<L extends string> {
  declare private readonly labelsBrand: L;
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

function quote(value: string): string {
  return JSON.stringify(value);
}

function renderMatcher(label: string, matcher: LabelMatcher): string {
  if (typeof matcher === 'string') return `${label}=${quote(matcher)}`;
  if ('re' in matcher) return `${label}=~${quote(matcher.re)}`;
  if ('ne' in matcher) return `${label}!=${quote(matcher.ne)}`;
  return `${label}!~${quote(matcher.nre)}`;
}

/** `name{label="value", …}`; labels are rendered in the order given so queries read naturally. */
export function series<S extends SeriesName>(name: S, matchers: Partial<Record<SeriesLabel<S>, LabelMatcher>> = {}): Vector<SeriesLabel<S>> {
  const rendered = Object.entries(matchers as Record<string, LabelMatcher | undefined>)
    .filter((entry): entry is [string, LabelMatcher] => entry[1] !== undefined)
    .map(([label, matcher]) => renderMatcher(label, matcher));
  return new Vector(rendered.length === 0 ? name : `${name}{${rendered.join(', ')}}`);
}

/** Prometheus' own `up{job="…", …}` (Prometheus makes it per target, so it is not in the catalog). */
export function up(matchers: { readonly job: string } & Partial<Record<TargetLabel, LabelMatcher>>): Vector<TargetLabel> {
  const rendered = Object.entries(matchers as Record<string, LabelMatcher>).map(([label, matcher]) => renderMatcher(label, matcher));
  return new Vector(`up{${rendered.join(', ')}}`);
}

/** `selector[window]`; window is a duration such as `5m` or a Grafana variable such as `$__rate_interval`. */
export function range<L extends string>(vector: Vector<L>, window: string): RangeVector<L> {
  return new RangeVector(`${vector.text}[${window}]`);
}

export const rate = <L extends string>(r: RangeVector<L>): Vector<L> => new Vector(`rate(${r.text})`);
export const increase = <L extends string>(r: RangeVector<L>): Vector<L> => new Vector(`increase(${r.text})`);

export type AggregationOperator = 'sum' | 'max' | 'min' | 'avg' | 'count';

/** `op by (labels) (inner)`: the result carries only the grouping labels. */
export function aggregateBy<L extends string, K extends L>(op: AggregationOperator, labels: readonly K[], inner: Vector<L>): Vector<K> {
  return new Vector(`${op} by (${labels.join(', ')}) (${inner.text})`);
}

/** `op(inner)` over all series: the result has no labels. */
export function aggregate<L extends string>(op: AggregationOperator, inner: Vector<L>): Vector<never> {
  return new Vector(`${op}(${inner.text})`);
}

export const sumBy = <L extends string, K extends L>(labels: readonly K[], inner: Vector<L>): Vector<K> => aggregateBy('sum', labels, inner);
export const sum = <L extends string>(inner: Vector<L>): Vector<never> => aggregate('sum', inner);

/** `histogram_quantile(q, inner)`; the inner vector must still carry `le`. */
export function histogramQuantile<L extends string>(
  quantile: number,
  inner: Vector<L> & ('le' extends L ? unknown : { readonly 'histogram_quantile needs the le label': never }),
): Vector<Exclude<L, 'le'>> {
  return new Vector(`histogram_quantile(${quantile}, ${inner.text})`);
}

/** An expression written by hand (arithmetic, `or`, `on(...)`); the label type is asserted by the caller. */
export function raw<L extends string = never>(text: string): Vector<L> {
  return new Vector(text);
}
