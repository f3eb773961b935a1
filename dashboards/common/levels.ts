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

/** Seconds since a collector's last success, against GenesysExporterDataStale's limit. */
export const DATA_AGE_STEPS = yellowFromHalfRedAt(rules.GenesysExporterDataStale.maxAgeSeconds);
