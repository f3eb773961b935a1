// Series as collectors produce them: whole snapshots per collector, typed by the catalog, so a collector
// cannot emit a metric or a label the catalog does not declare.
import type { Catalog, DeclaredLabel, MetricName } from '../metrics/catalog.ts';
import { getOrInsertComputed } from '../lib/map.ts';

/** Metrics whose series come from collector snapshots (all queue and agent metrics, plus the queue counts). */
export const SNAPSHOT_METRICS = [
  'genesys_queue_info',
  'genesys_queue_depth',
  'genesys_queue_interacting',
  'genesys_queue_alerting',
  'genesys_queue_longest_wait_seconds',
  'genesys_queue_offer_total',
  'genesys_queue_answered_total',
  'genesys_queue_abandoned_total',
  'genesys_queue_sla_breach_total',
  'genesys_queue_wait_time_seconds',
  'genesys_queue_handle_time_seconds',
  'genesys_queue_talk_time_seconds',
  'genesys_queue_hold_time_seconds',
  'genesys_queue_after_call_work_seconds',
  'genesys_queue_answer_time_seconds',
  'genesys_queue_abandon_time_seconds',
  'genesys_queue_transferred_total',
  'genesys_queue_blind_transferred_total',
  'genesys_queue_consult_transferred_total',
  'genesys_queue_flow_out_total',
  'genesys_queue_short_abandoned_total',
  'genesys_queue_sla_target_ratio',
  'genesys_queue_sla_target_seconds',
  'genesys_queue_members',
  'genesys_queue_agents_on_queue',
  'genesys_queue_agents_off_queue',
  'genesys_queue_agents',
  'genesys_queue_members_by_presence',
  'genesys_exporter_queues',
  'genesys_exporter_queues_dropped_by_cap',
] as const satisfies readonly MetricName[];
export type SnapshotMetric = (typeof SNAPSHOT_METRICS)[number];

export type LabelsOf<N extends MetricName> = { readonly [L in DeclaredLabel<N>]: string };

export interface ScalarSample<N extends MetricName> {
  readonly labels: LabelsOf<N>;
  readonly value: number;
}

export interface HistogramSample<N extends MetricName> {
  readonly labels: LabelsOf<N>;
  /** Cumulative counts, one per catalog bucket bound (le), in order; +Inf is `count`. */
  readonly bucketCounts: readonly number[];
  readonly sum: number;
  readonly count: number;
}

/** A summary without quantiles: the running sum and count of the observed values. */
export interface SummarySample<N extends MetricName> {
  readonly labels: LabelsOf<N>;
  readonly sum: number;
  readonly count: number;
}

export type SampleOf<N extends MetricName> = Catalog[N]['type'] extends 'histogram'
  ? HistogramSample<N>
  : Catalog[N]['type'] extends 'summary'
    ? SummarySample<N>
    : ScalarSample<N>;

/** What one collector run produced: every series it owns (a metric left out has no series). */
export type Snapshot = { readonly [N in SnapshotMetric]?: readonly SampleOf<N>[] };

/** A mutable builder for a snapshot, so collectors push series one by one. */
export class SnapshotBuilder {
  // One list per metric, typed per metric by add()'s signature; TypeScript cannot relate a generic key of the
  // mapped Snapshot type to its value type on assignment, so the lists are kept untyped here and only here.
  readonly #samples = new Map<SnapshotMetric, unknown[]>();
  add<N extends SnapshotMetric>(metric: N, sample: SampleOf<N>): void {
    getOrInsertComputed(this.#samples, metric, () => []).push(sample);
  }
  build(): Snapshot {
    return Object.fromEntries(this.#samples) as Snapshot;
  }
}
