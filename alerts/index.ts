// What the generator reads from alerts/: the rule modules (recording first, since the alerts use their
// series) and the Alertmanager configuration, all from one AlertsConfig.

import type { AlertingRule, RuleSource } from '../generator/contract.ts';
import type { AlertsConfig } from './config.ts';
import { exporterAlerts } from './exporter-alerts.ts';
import { queueAlerts } from './queue-alerts.ts';
import { recordingRules } from './recording-rules.ts';

export { alertmanagerSource } from './alertmanager.ts';
export { defaultAlertsConfig, parseAlertsConfigOverride, type AlertsConfig } from './config.ts';

/**
 * The config with its `rules` guarded: a rule module reading the settings of an alert the config does not
 * declare gets an error naming the alert and where to add it, instead of `Cannot read properties of
 * undefined (reading 'for')` from wherever the module first used them.
 */
function guarded(config: AlertsConfig): AlertsConfig {
  const rules = new Proxy(config.rules, {
    get(target, key, receiver) {
      // Alert names are CamelCase; anything else (toJSON, then, …) is left to behave as on a plain object.
      if (typeof key === 'string' && /^[A-Z]/.test(key) && !(key in target)) {
        throw new Error(`alert ${key}: no settings in the alerts config: add ${key}: { for: duration('5m'), … } to RULE_SETTINGS in alerts/rule-settings.ts`);
      }
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { ...config, rules };
}

export function ruleSources(config: AlertsConfig): RuleSource[] {
  const checked = guarded(config);
  return [recordingRules(checked), queueAlerts(checked), exporterAlerts(checked)];
}

/** Every alerting rule of every module, flattened (for checks that go over all alerts). */
export function alertingRules(config: AlertsConfig): AlertingRule[] {
  return ruleSources(config)
    .flatMap((source) => source.groups.flatMap((group) => group.rules))
    .filter((rule): rule is AlertingRule => 'alert' in rule);
}
