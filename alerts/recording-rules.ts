// Recording rules for the queries the alerts evaluate every cycle, named level:metric:operations
// (https://prometheus.io/docs/practices/rules/). Their windows are fixed, not configurable, because the
// window is part of the name: a `…_rate5m` series must be a 5-minute rate. The KPI arithmetic comes from
// metrics/kpis.ts, which the dashboards' own queries use too.

import { type RecordingRule, type RuleSource, sourceModule } from '../generator/contract.ts';
import { overSlaWindow, SLA_WINDOW, slaCompliance, WAIT_RATE_WINDOW } from '../metrics/kpis.ts';
import { histogramQuantile, range, raw, rate, series, sumBy, type Vector } from '../metrics/promql.ts';
import type { AlertsConfig } from './config.ts';
import { type QUEUE_KEY, QUEUE_MEDIA_KEY } from './conventions.ts';

const MODULE = sourceModule(import.meta.url);

type QueueLabel = (typeof QUEUE_KEY)[number];
type QueueMediaLabel = (typeof QUEUE_MEDIA_KEY)[number];

/** A recorded series: its name and the labels it keeps (the level). */
export interface RecordedSeries<L extends string> {
  readonly name: string;
  readonly labels: readonly L[];
}

const queueMediaLevel = <N extends string>(name: N) => ({ name, labels: QUEUE_MEDIA_KEY }) as const;

/** The recorded series the alerts use. SLA series exist only where the queue had offers. */
export const RECORDED = {
  /** p95 wait per queue and media type (an email's wait says nothing about a call's), 5-minute rate window. */
  waitTimeP95: queueMediaLevel(`queue_name_media_type:genesys_queue_wait_time_seconds:p95_rate${WAIT_RATE_WINDOW}`),
  /** Contacts offered per queue and media type in the last 15 minutes. */
  offers15m: queueMediaLevel(`queue_name_media_type:genesys_queue_offer:increase${SLA_WINDOW}`),
  /** Contacts answered later than the target per queue and media type in the last 15 minutes. */
  slaBreaches15m: queueMediaLevel(`queue_name_media_type:genesys_queue_sla_breach:increase${SLA_WINDOW}`),
  /** 1 − breaches/offers over 15 minutes; absent (not 0) when there were no offers. */
  slaCompliance15m: queueMediaLevel(`queue_name_media_type:genesys_queue_sla_compliance:ratio_increase${SLA_WINDOW}`),
} as const satisfies Record<string, RecordedSeries<QueueLabel> | RecordedSeries<QueueMediaLabel>>;

/** A recorded series as a typed vector, so alerts build on it like on a catalog metric. */
export function recorded<L extends string>(series: RecordedSeries<L>): Vector<L> {
  return raw<L>(series.name);
}

function rules(config: AlertsConfig): RecordingRule[] {
  const job = config.selectors.job;
  const offers = recorded(RECORDED.offers15m);
  const breaches = recorded(RECORDED.slaBreaches15m);
  const compliance = slaCompliance<QueueMediaLabel>(breaches, offers);
  return [
    {
      record: RECORDED.waitTimeP95.name,
      expr: histogramQuantile(0.95, sumBy([...QUEUE_MEDIA_KEY, 'le'], rate(range(series('genesys_queue_wait_time_seconds_bucket', { job }), WAIT_RATE_WINDOW))))
        .text,
    },
    {
      record: RECORDED.offers15m.name,
      expr: sumBy(QUEUE_MEDIA_KEY, overSlaWindow(series('genesys_queue_offer_total', { job }))).text,
    },
    {
      record: RECORDED.slaBreaches15m.name,
      expr: sumBy(QUEUE_MEDIA_KEY, overSlaWindow(series('genesys_queue_sla_breach_total', { job }))).text,
    },
    // Same group and after its inputs: Prometheus evaluates a group's rules in order at one timestamp.
    { record: RECORDED.slaCompliance15m.name, expr: compliance.text },
  ];
}

export function recordingRules(config: AlertsConfig): RuleSource<RecordingRule> {
  return { module: MODULE, groups: [{ name: 'genesys-queue-recording', rules: rules(config) }] };
}
