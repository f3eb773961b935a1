// Recording rules for the heavy queries that both panels and alerts need, named level:metric:operations
// (https://prometheus.io/docs/practices/rules/). Their windows are fixed, not configurable, because the
// window is part of the name that dashboards refer to: a `…_rate5m` series must be a 5-minute rate.

import type { RecordingRule, RuleSource } from '../generator/contract.ts';
import { histogramQuantile, increase, range, raw, rate, series, sumBy, type Vector } from '../metrics/promql.ts';
import type { AlertsConfig } from './config.ts';
import { QUEUE_KEY, QUEUE_MEDIA_KEY } from './conventions.ts';

type QueueLabel = (typeof QUEUE_KEY)[number];
type QueueMediaLabel = (typeof QUEUE_MEDIA_KEY)[number];

/** A recorded series: its name and the labels it keeps (the level). */
export interface RecordedSeries<L extends string> {
  readonly name: string;
  readonly labels: readonly L[];
}

const queueLevel = <N extends string>(name: N) => ({ name, labels: QUEUE_KEY }) as const;
const queueMediaLevel = <N extends string>(name: N) => ({ name, labels: QUEUE_MEDIA_KEY }) as const;

/** The recorded series, for dashboards and alerts. SLA series exist only where the queue had offers. */
export const RECORDED = {
  /** p95 wait per queue (all media types, as the overview panel), 5-minute rate window. */
  waitTimeP95: queueLevel('queue_name:genesys_queue_wait_time_seconds:p95_rate5m'),
  /** Contacts offered per queue and media type in the last 15 minutes. */
  offers15m: queueMediaLevel('queue_name_media_type:genesys_queue_offer:increase15m'),
  /** Contacts answered later than the target per queue and media type in the last 15 minutes. */
  slaBreaches15m: queueMediaLevel('queue_name_media_type:genesys_queue_sla_breach:increase15m'),
  /** 1 − breaches/offers over 15 minutes; absent (not 0) when there were no offers. */
  slaCompliance15m: queueMediaLevel('queue_name_media_type:genesys_queue_sla_compliance:ratio_increase15m'),
} as const satisfies Record<string, RecordedSeries<QueueLabel> | RecordedSeries<QueueMediaLabel>>;

export type RecordingRuleName = (typeof RECORDED)[keyof typeof RECORDED]['name'];

/** A recorded series as a typed vector, so alerts and panels build on it like on a catalog metric. */
export function recorded<L extends string>(series: RecordedSeries<L>): Vector<L> {
  return raw<L>(series.name);
}

const WAIT_WINDOW = '5m';
const SLA_WINDOW = '15m';

function rules(config: AlertsConfig): RecordingRule[] {
  const job = config.selectors.job;
  const offers = recorded(RECORDED.offers15m);
  const breaches = recorded(RECORDED.slaBreaches15m);
  // Breach series appear with the first breach, so a queue with offers and none yet gets 0 breaches
  // (`or offers * 0`); dividing by `offers > 0` leaves a quiet queue without a value instead of 1 − 0/0.
  const compliance = raw<QueueMediaLabel>(`1 - ((${breaches} or ${offers} * 0) / (${offers} > 0))`);
  return [
    {
      record: RECORDED.waitTimeP95.name,
      expr: histogramQuantile(
        0.95,
        sumBy([...QUEUE_KEY, 'le'], rate(range(series('genesys_queue_wait_time_seconds_bucket', { job }), WAIT_WINDOW))),
      ).text,
    },
    {
      record: RECORDED.offers15m.name,
      expr: sumBy(QUEUE_MEDIA_KEY, increase(range(series('genesys_queue_offer_total', { job }), SLA_WINDOW))).text,
    },
    {
      record: RECORDED.slaBreaches15m.name,
      expr: sumBy(QUEUE_MEDIA_KEY, increase(range(series('genesys_queue_sla_breach_total', { job }), SLA_WINDOW))).text,
    },
    // Same group and after its inputs: Prometheus evaluates a group's rules in order at one timestamp.
    { record: RECORDED.slaCompliance15m.name, expr: compliance.text },
  ];
}

export function recordingRules(config: AlertsConfig): RuleSource<RecordingRule> {
  return { module: 'alerts/recording-rules.ts', groups: [{ name: 'genesys-queue-recording', rules: rules(config) }] };
}
