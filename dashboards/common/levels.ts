// Colour levels that agree with the alerts: a panel turns red where the matching alert's threshold is (from
// the same config object the alerts are built from, so `generate --config` moves both), and yellow from
// half of it.

import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { type AlertsConfig, queueDepthOverrides } from '../../alerts/config.ts';

function yellowFromHalfRedAt(alertThreshold: number): readonly dashboard.Threshold[] {
  return [
    { value: null, color: 'green' },
    { value: alertThreshold / 2, color: 'yellow' },
    { value: alertThreshold, color: 'red' },
  ];
}

/** Waits (p95, longest wait), against WaitTimeDegradation's p95 limit for voice: the alert's limits are per
 * queue and media type (a multiple of each queue's own target time), which one static colour scale cannot
 * show; voice's is the strictest default, so a panel never looks calmer than the alert for calls. */
export function waitSteps(config: AlertsConfig): readonly dashboard.Threshold[] {
  return yellowFromHalfRedAt(config.rules.WaitTimeDegradation.maxP95WaitSeconds.voice);
}

/** Contacts waiting, against QueueDepthCritical's limit. */
export function depthSteps(config: AlertsConfig): readonly dashboard.Threshold[] {
  return yellowFromHalfRedAt(config.rules.QueueDepthCritical.maxWaiting);
}

/** Per-queue depth limits (alerts config queueOverrides) as Grafana field overrides: a panel whose series are
 * named by queue (legend {{queue_name}}) colours each queue against its own limit, as the alert judges it.
 * Listed last-match-first, because Grafana applies overrides in order and the last one wins, while the
 * alert takes the first matching pattern. */
export function depthOverrides(config: AlertsConfig): { readonly regexp: string; readonly steps: readonly dashboard.Threshold[] }[] {
  return queueDepthOverrides(config)
    .map(({ queueNamePattern, maxWaiting }) => ({ regexp: `^(?:${queueNamePattern})$`, steps: yellowFromHalfRedAt(maxWaiting) }))
    .reverse();
}

/** A collector's data age as a share of GenesysExporterDataStale's limit: red at 1, where the alert's condition holds. */
export const DATA_AGE_SHARE_STEPS = yellowFromHalfRedAt(1);
