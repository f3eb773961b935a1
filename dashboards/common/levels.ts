// Colour levels that agree with the alerts: a panel turns red where the matching alert's threshold is (from
// the same config object the alerts are built from, so `generate --config` moves both), and yellow from
// half of it. Per-queue limits (alerts config queueOverrides) become Grafana field overrides on panels whose
// series are named by queue, so each queue colours against its own limit, as the alert judges it.

import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { type AlertsConfig, type QueueOverride, queueValues } from '../../alerts/config.ts';
import { MEDIA_TYPES, type MediaType } from '../../metrics/vocabulary.ts';
import { thresholds } from './panels.ts';

function yellowFromHalfRedAt(alertThreshold: number): readonly dashboard.Threshold[] {
  return [
    { value: null, color: 'green' },
    { value: alertThreshold / 2, color: 'yellow' },
    { value: alertThreshold, color: 'red' },
  ];
}

/** Waits (p95, longest wait), against WaitTimeDegradation's p95 limit for voice: the alert's limits are per
 * queue and media type (a multiple of each queue's own target time), which one static colour scale cannot
 * show; voice's is the strictest default, so a panel never looks calmer than the alert for calls. Panels
 * whose series are named by media type add waitOverrides for the other media types' own limits. */
export function waitSteps(config: AlertsConfig): readonly dashboard.Threshold[] {
  return yellowFromHalfRedAt(config.rules.WaitTimeDegradation.maxP95WaitSeconds.voice);
}

/** Contacts waiting, against QueueDepthCritical's limit. */
export function depthSteps(config: AlertsConfig): readonly dashboard.Threshold[] {
  return yellowFromHalfRedAt(config.rules.QueueDepthCritical.maxWaiting);
}

/** A Grafana field override: series whose display name matches `regexp` colour by `steps`. */
export interface ThresholdOverride {
  readonly regexp: string;
  readonly steps: readonly dashboard.Threshold[];
}

/** How a panel names its series (its legend), which is what a field override can match on. */
export type SeriesNaming =
  /** `{{queue_name}}`: one series per queue. */
  | 'queue'
  /** `{{queue_name}} ({{media_type}})`: one per queue and media type (QUEUE_MEDIA_LEGEND). */
  | 'queueMedia'
  /** `{{media_type}}`: one per media type of the one selected queue (the queue detail). */
  | 'media';

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The display-name regexp for a queue-name pattern (anchored, as PromQL's `=~` is) and a media type. */
function seriesRegexp(naming: SeriesNaming, queueNamePattern: string | undefined, media?: MediaType): string {
  const queue = queueNamePattern === undefined ? '.*' : `(?:${queueNamePattern})`;
  if (naming === 'queue') return `^${queue}$`;
  if (naming === 'media') return `^${escapeRegExp(media ?? '')}$`;
  return `^${queue} \\(${escapeRegExp(media ?? '')}\\)$`;
}

/** Grafana applies overrides in order and the last one wins, while the alert takes the first matching pattern:
 * so the queue overrides are listed last-match-first, after the media types' defaults. Division overrides have
 * no counterpart here (a series is named by its queue, not its division). */
function queueNameOverrides<T>(config: AlertsConfig, read: (override: QueueOverride) => T | undefined, path: readonly string[]) {
  return queueValues(config, read, path)
    .filter((v) => v.match.label === 'queue_name')
    .map((v) => ({ pattern: v.match.pattern, value: v.value }))
    .reverse();
}

/** Contacts waiting per queue (naming 'queue'): QueueDepthCritical's per-queue limits. */
export function depthOverrides(config: AlertsConfig, naming: Extract<SeriesNaming, 'queue'> = 'queue'): ThresholdOverride[] {
  return queueNameOverrides(config, (o) => o.QueueDepthCritical?.maxWaiting, ['QueueDepthCritical', 'maxWaiting']).map(({ pattern, value }) => ({
    regexp: seriesRegexp(naming, pattern),
    steps: yellowFromHalfRedAt(value),
  }));
}

/** Waits named by media type ('media') or by queue and media type ('queueMedia'): each media type against
 * WaitTimeDegradation's own limit for it (an email at 10 minutes is not red), and with 'queueMedia' each
 * overridden queue against its own (maxP95WaitSeconds in queueOverrides). Added to waitSteps, which is
 * voice's. */
export function waitOverrides(config: AlertsConfig, naming: Exclude<SeriesNaming, 'queue'>): ThresholdOverride[] {
  const defaults = config.rules.WaitTimeDegradation.maxP95WaitSeconds;
  const perMedia = MEDIA_TYPES.filter((media) => defaults[media] !== defaults.voice).map((media) => ({
    regexp: seriesRegexp(naming, undefined, media),
    steps: yellowFromHalfRedAt(defaults[media]),
  }));
  if (naming === 'media') return perMedia;
  const perQueue = MEDIA_TYPES.flatMap((media) =>
    queueNameOverrides(config, (o) => o.WaitTimeDegradation?.maxP95WaitSeconds?.[media], ['WaitTimeDegradation', 'maxP95WaitSeconds', media]).map(
      ({ pattern, value }) => ({ regexp: seriesRegexp(naming, pattern, media), steps: yellowFromHalfRedAt(value) }),
    ),
  );
  return [...perMedia, ...perQueue];
}

/** Adds the overrides to a panel (each a byRegexp field override of its thresholds) and returns it. */
export function withThresholdOverrides<P extends { overrideByRegexp(regexp: string, properties: { id: string; value: unknown }[]): unknown }>(
  panel: P,
  overrides: readonly ThresholdOverride[],
): P {
  for (const { regexp, steps } of overrides) panel.overrideByRegexp(regexp, [{ id: 'thresholds', value: thresholds(steps).build() }]);
  return panel;
}

/** A collector's data age as a share of GenesysExporterDataStale's limit: red at 1, where the alert's condition holds. */
export const DATA_AGE_SHARE_STEPS = yellowFromHalfRedAt(1);
