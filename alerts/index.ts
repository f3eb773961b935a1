// What the generator reads from alerts/: the rule modules (recording first, since the alerts use their
// series) and the Alertmanager configuration, all from one AlertsConfig.

import type { AlertingRule, RuleSource } from '../generator/contract.ts';
import type { AlertsConfig } from './config.ts';
import { exporterAlerts } from './exporter-alerts.ts';
import { queueAlerts } from './queue-alerts.ts';
import { recordingRules } from './recording-rules.ts';

export { alertmanagerSource } from './alertmanager.ts';
export { defaultAlertsConfig, parseAlertsConfigOverride, type AlertsConfig } from './config.ts';

export function ruleSources(config: AlertsConfig): RuleSource[] {
  return [recordingRules(config), queueAlerts(config), exporterAlerts(config)];
}

/** Every alerting rule of every module, flattened (for checks that go over all alerts). */
export function alertingRules(config: AlertsConfig): AlertingRule[] {
  return ruleSources(config)
    .flatMap((source) => source.groups.flatMap((group) => group.rules))
    .filter((rule): rule is AlertingRule => 'alert' in rule);
}
