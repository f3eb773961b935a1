// Colour levels that agree with the alerts: a panel turns red where the matching alert's threshold is
// (alerts/config.ts, the defaults a team tunes), and yellow from half of it.

import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { defaultAlertsConfig } from '../../alerts/config.ts';

const { rules } = defaultAlertsConfig;

function yellowFromHalfRedAt(alertThreshold: number): readonly dashboard.Threshold[] {
  return [
    { value: null, color: 'green' },
    { value: alertThreshold / 2, color: 'yellow' },
    { value: alertThreshold, color: 'red' },
  ];
}

/** Waits (p95, longest wait), against WaitTimeDegradation's p95 limit. */
export const WAIT_STEPS = yellowFromHalfRedAt(rules.WaitTimeDegradation.maxP95WaitSeconds);

/** Contacts waiting, against QueueDepthCritical's limit. */
export const DEPTH_STEPS = yellowFromHalfRedAt(rules.QueueDepthCritical.maxWaiting);

/** A collector's data age as a share of GenesysExporterDataStale's limit: red at 1, where the alert's condition holds. */
export const DATA_AGE_SHARE_STEPS = yellowFromHalfRedAt(1);

/** GenesysExporterDataStale's per-collector limit: missedPolls poll intervals, at least minAgeSeconds. */
export const STALE_LIMIT = {
  missedPolls: rules.GenesysExporterDataStale.missedPolls,
  minAgeSeconds: rules.GenesysExporterDataStale.minAgeSeconds,
} as const;
