// Every threshold, `for` duration, selector and Alertmanager setting of the alerts, in one object that the
// dashboards receive too (the kubernetes-mixin habit): the rule and dashboard modules read nothing else, so a
// team tunes its alerting here (or with `generate --config`) and the panels' colours follow. The end-to-end
// tests generate a fast variant (e.g. `for: 30s`, group_wait 1s, a local PagerDuty URL) through
// parseAlertsConfigOverride without touching the modules.

import { ALL_DELIVERY_TARGETS, type DeliveryTargets } from '../config/delivery-targets.ts';
import { EXPORTER_JOB } from '../config/project.ts';
import type { MediaType } from '../metrics/vocabulary.ts';
import { ANY_KEY, mergeOverride, type Schema } from './config-override.ts';
import { type QueueOverride, queueOverrideSchema, type RuleSettings, ruleDefaults, ruleSchema } from './rule-settings.ts';

export type { QueueOverride } from './rule-settings.ts';

/** A Prometheus duration such as '30s', '5m' or '1h30m' (checked by parseAlertsConfigOverride). */
export type Duration = string;

/** One value per media type (the `media_type` label values of metrics/vocabulary.ts). */
export type PerMedia<T> = { readonly [M in MediaType]: T };

export interface AlertsConfig {
  readonly selectors: {
    /** The exporter's scrape job: every rule selector carries job="…" so other jobs' series never match,
     * and the exporter-health dashboard shows `up` of this job. */
    readonly job: string;
  };
  /** URL of docs/runbooks.md as published; each alert's runbook_url is this + '#' + its name lower-cased. */
  readonly runbookBaseUrl: string;
  /** Grafana's base URL; dashboard_url is this + '/d/<uid>' (+ '?var-queue=…' for queue alerts). */
  readonly grafanaBaseUrl: string;
  /** How long the queue alerts keep firing after their series vanish (keep_firing_for, Prometheus ≥ 2.42): a
   * failed scrape or a dead exporter removes every queue series at once, and without it each live queue alert
   * would send [RESOLVED] before GenesysExporterDown (which then inhibits them) has fired. Must exceed
   * rules.GenesysExporterDown.for by at least EXPORTER_DOWN_MARGIN (checked when the rules are built). */
  readonly queueAlertsKeepFiringFor: Duration;
  /** Per-queue limits, keyed by a regular expression on queue_name (anchored, as PromQL's `=~`), e.g.
   * `{ 'VIP .*': { QueueDepthCritical: { maxWaiting: 10 }, WaitTimeDegradation: { maxP95WaitSeconds: { voice: 60 } } } }`.
   * Any setting declared perQueue(…) in alerts/rule-settings.ts can be set. Per setting, the alert and the
   * panels that mirror it use the first pattern (in this object's order) that sets it and matches the
   * queue, then divisionOverrides, then the rule's default. */
  readonly queueOverrides: Readonly<Record<string, QueueOverride>>;
  /** The same per-queue limits keyed by a regular expression on the queue's division name (genesys_queue_info
   * division_name), e.g. `{ 'Premium': { QueueDepthCritical: { maxWaiting: 20 } } }`. A queue-name pattern
   * that sets the same setting wins. The alerts follow them; the dashboards cannot (a panel's series are named
   * by queue, not division), so their colours show the default there. */
  readonly divisionOverrides: Readonly<Record<string, QueueOverride>>;
  /** Per alert, keyed by alert name so an override reads like the rule file; declared (with defaults and
   * override kinds) once per alert in alerts/rule-settings.ts. */
  readonly rules: RuleSettings;
  readonly alertmanager: {
    readonly groupWait: Duration;
    readonly groupInterval: Duration;
    readonly repeatInterval: Duration;
    readonly resolveTimeout: Duration;
    readonly pagerduty: {
      /** File holding the Events API v2 routing key (mounted secret); the key is never in the config. */
      readonly routingKeyFile: string;
      /** Events API endpoint override (a proxy, or a local sink in tests); Alertmanager's default when unset. */
      readonly url?: string;
    };
    readonly slack: {
      /** File holding the incoming-webhook URL (it is a secret: whoever has it can post). */
      readonly apiUrlFile: string;
      /** Channel override; the webhook's own channel when unset. */
      readonly channel?: string;
    };
    /** When the contact center is open. Queue WARNINGS are delivered only then (a closed center with emails
     * waiting must not wake anyone); critical alerts and the exporter's own alerts are delivered always.
     * A 24/7 center sets weekdays 'sunday:saturday' and times '00:00-24:00'. */
    readonly openingHours: {
      /** Alertmanager weekdays, comma-separated: 'monday:friday' or 'monday:friday,saturday'. */
      readonly weekdays: string;
      /** Times of day, 'HH:MM-HH:MM', comma-separated: '08:00-12:00,13:00-18:00'. */
      readonly times: string;
      /** IANA time zone the times are in (Alertmanager ≥ 0.25), e.g. 'Europe/Berlin'. */
      readonly location: string;
    };
  };
  /** Which wrappers `npm run generate` writes besides the plain files (config/delivery-targets.ts), e.g.
   * `{ targets: { grafanaSidecar: false } }` to drop the sidecar ConfigMaps. */
  readonly targets: DeliveryTargets;
}

export type AlertName = keyof AlertsConfig['rules'];

/** Which queues an override applies to: a pattern on one of genesys_queue_info's labels. */
export interface QueueMatch {
  readonly label: 'queue_name' | 'division_name';
  /** A regular expression, anchored as PromQL's `=~`. */
  readonly pattern: string;
}

/** One per-queue value of one setting, and where it was set (for error messages and descriptions). */
export interface QueueValue<T> {
  readonly match: QueueMatch;
  readonly value: T;
  /** The config key path, e.g. `queueOverrides.VIP .*.QueueDepthCritical.maxWaiting`. */
  readonly key: string;
}

/**
 * The per-queue values of one setting, first match first: queue-name patterns in config order, then division
 * patterns. `read` picks the setting out of one override (undefined where it does not set it), `path` is its
 * key path inside the override, e.g. ['WaitTimeDegradation', 'maxP95WaitSeconds', 'voice']. The alerts and
 * the panels that mirror them both use this.
 */
export function queueValues<T>(config: AlertsConfig, read: (override: QueueOverride) => T | undefined, path: readonly string[]): QueueValue<T>[] {
  const from = (root: 'queueOverrides' | 'divisionOverrides', label: QueueMatch['label']) =>
    Object.entries(config[root]).flatMap(([pattern, override]) => {
      const value = read(override);
      return value === undefined ? [] : [{ match: { label, pattern }, value, key: [root, pattern, ...path].join('.') }];
    });
  return [...from('queueOverrides', 'queue_name'), ...from('divisionOverrides', 'division_name')];
}

export const defaultAlertsConfig: AlertsConfig = {
  selectors: { job: EXPORTER_JOB },
  runbookBaseUrl: 'https://github.com/your-org/genesys-queue-observability/blob/main/docs/runbooks.md',
  grafanaBaseUrl: 'http://localhost:3000',
  queueAlertsKeepFiringFor: '5m',
  queueOverrides: {},
  divisionOverrides: {},
  rules: ruleDefaults(),
  alertmanager: {
    groupWait: '30s',
    groupInterval: '5m',
    repeatInterval: '4h',
    resolveTimeout: '5m',
    pagerduty: { routingKeyFile: '/etc/alertmanager/secrets/pagerduty-routing-key' },
    slack: { apiUrlFile: '/etc/alertmanager/secrets/slack-api-url', channel: '#contact-center-alerts' },
    openingHours: { weekdays: 'monday:friday', times: '08:00-18:00', location: 'UTC' },
  },
  targets: ALL_DELIVERY_TARGETS,
};

const alertsConfigSchema: Schema<AlertsConfig> = {
  selectors: { job: 'text' },
  runbookBaseUrl: 'url',
  grafanaBaseUrl: 'url',
  queueAlertsKeepFiringFor: 'duration',
  // Derived from the perQueue(…) settings of alerts/rule-settings.ts: the mapped types cannot follow
  // optional number leaves (Schema reads them as optional text), hence the cast.
  queueOverrides: { [ANY_KEY]: queueOverrideSchema() } as unknown as Schema<AlertsConfig>['queueOverrides'],
  divisionOverrides: { [ANY_KEY]: queueOverrideSchema() } as unknown as Schema<AlertsConfig>['divisionOverrides'],
  rules: ruleSchema(),
  alertmanager: {
    groupWait: 'duration',
    groupInterval: 'duration',
    repeatInterval: 'duration',
    resolveTimeout: 'duration',
    pagerduty: { routingKeyFile: 'path', url: 'optionalUrl' },
    slack: { apiUrlFile: 'path', channel: 'optionalText' },
    openingHours: { weekdays: 'weekdays', times: 'clockRanges', location: 'timeZone' },
  },
  targets: { prometheusOperator: 'flag', grafanaOperator: 'flag', grafanaSidecar: 'flag', mimirRuler: 'flag', grafanaApi: 'flag' },
};

/**
 * `base` with a partial override deep-merged in, e.g. `{ rules: { QueueDepthCritical: { for: '30s' } } }`.
 * Throws an Error naming the key path and the mistake: an unknown key, a wrong type, a bad duration or URL.
 * `null` unsets an optional value (the PagerDuty url, the Slack channel).
 */
export function parseAlertsConfigOverride(input: unknown, base: AlertsConfig): AlertsConfig {
  return mergeOverride(alertsConfigSchema, base, input);
}
