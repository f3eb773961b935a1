// The alerts config override: deep merge, errors that name the key and the mistake, and a shortened
// variant (as the end-to-end tests generate) that the real promtool and amtool accept.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import { alertingRules, defaultAlertsConfig, parseAlertsConfigOverride } from '../../alerts/index.ts';
import { RULE_SETTINGS } from '../../alerts/rule-settings.ts';
import { renderToTemp } from './support/rule-files.ts';
import { needsPrometheusTools, runTool } from '../support/prometheus-tools.ts';

const override = (input: unknown) => parseAlertsConfigOverride(input, defaultAlertsConfig);

describe('parseAlertsConfigOverride', () => {
  test('the defaults pass their own validation unchanged', () => {
    assert.deepEqual(override(defaultAlertsConfig), defaultAlertsConfig);
  });

  test('merges deeply: one key changes, its siblings and the base stay', () => {
    const merged = override({ rules: { QueueDepthCritical: { for: '30s' } }, alertmanager: { groupWait: '1s' } });
    assert.deepEqual(merged.rules.QueueDepthCritical, { for: '30s', maxWaiting: 50 });
    assert.deepEqual(merged.rules.WaitTimeDegradation, defaultAlertsConfig.rules.WaitTimeDegradation);
    assert.equal(merged.alertmanager.groupWait, '1s');
    assert.equal(merged.alertmanager.repeatInterval, defaultAlertsConfig.alertmanager.repeatInterval);
    assert.equal(defaultAlertsConfig.rules.QueueDepthCritical.for, '5m', 'the base is not modified');
  });

  test('sets and unsets optional receiver settings', () => {
    const withUrl = override({ alertmanager: { pagerduty: { url: 'http://127.0.0.1:4000/pagerduty' } } });
    assert.equal(withUrl.alertmanager.pagerduty.url, 'http://127.0.0.1:4000/pagerduty');
    assert.equal(withUrl.alertmanager.pagerduty.routingKeyFile, defaultAlertsConfig.alertmanager.pagerduty.routingKeyFile);
    const noChannel = override({ alertmanager: { slack: { channel: null } } });
    assert.equal(noChannel.alertmanager.slack.channel, undefined);
  });

  const rejects: [string, unknown, RegExp][] = [
    [
      'an unknown key, with the known ones',
      { rules: { QueueDepthCritcal: {} } },
      /rules\.QueueDepthCritcal: unknown key \(expected one of: QueueDepthCritical, /,
    ],
    ['a wrong type', { rules: { QueueDepthCritical: { maxWaiting: '50' } } }, /rules\.QueueDepthCritical\.maxWaiting: expected a number, got "50"/],
    ['a bad duration', { rules: { WaitTimeDegradation: { for: '10 minutes' } } }, /rules\.WaitTimeDegradation\.for: "10 minutes" is not a Prometheus duration/],
    ['units out of order', { alertmanager: { groupWait: '30s1m' } }, /alertmanager\.groupWait: "30s1m" is not a Prometheus duration/],
    ['a zero `for`', { rules: { GenesysExporterDown: { for: '0s' } } }, /rules\.GenesysExporterDown\.for: must be longer than 0s/],
    ['a ratio above 1', { rules: { GenesysApiErrors: { maxErrorRatio: 10 } } }, /rules\.GenesysApiErrors\.maxErrorRatio: is a ratio between 0 and 1/],
    ['a negative count', { rules: { QueueSlaBelowTarget: { minOffers: -1 } } }, /rules\.QueueSlaBelowTarget\.minOffers: must not be negative/],
    ['a non-http URL', { alertmanager: { pagerduty: { url: 'ftp://x' } } }, /alertmanager\.pagerduty\.url: "ftp:\/\/x" is not an http\(s\) URL/],
    [
      'a relative secret path',
      { alertmanager: { slack: { apiUrlFile: 'slack-url' } } },
      /alertmanager\.slack\.apiUrlFile: "slack-url" is not an absolute file path/,
    ],
    ['null for a required value', { selectors: { job: null } }, /selectors\.job: expected a string, got null/],
    ['a value where an object belongs', { rules: 5 }, /rules: expected an object, got number 5/],
    ['a non-object override', ['x'], /\(root\): expected an object, got an array/],
    [
      'a weekday range that wraps past Saturday',
      { alertmanager: { openingHours: { weekdays: 'monday:sunday' } } },
      /alertmanager\.openingHours\.weekdays: "monday:sunday" runs backwards: the week starts on sunday/,
    ],
    [
      'a misspelt weekday',
      { alertmanager: { openingHours: { weekdays: 'Monday:friday' } } },
      /alertmanager\.openingHours\.weekdays: "Monday:friday" is not a weekday/,
    ],
    [
      'opening hours that end before they start',
      { alertmanager: { openingHours: { times: '18:00-08:00' } } },
      /alertmanager\.openingHours\.times: "18:00-08:00" ends before it starts/,
    ],
    [
      'opening hours in 12-hour form',
      { alertmanager: { openingHours: { times: '8am-6pm' } } },
      /alertmanager\.openingHours\.times: "8am-6pm" is not a range of times of day/,
    ],
    [
      'an unknown time zone',
      { alertmanager: { openingHours: { location: 'Europe/Atlantis' } } },
      /alertmanager\.openingHours\.location: "Europe\/Atlantis" is not an IANA time zone/,
    ],
  ];
  for (const [what, input, message] of rejects) {
    test(`rejects ${what}`, () => {
      assert.throws(() => override(input), message);
    });
  }

  test('a shortened end-to-end variant renders files promtool and amtool accept', needsPrometheusTools, async () => {
    const fast = override({
      rules: Object.fromEntries(Object.keys(defaultAlertsConfig.rules).map((name) => [name, { for: '30s' }])),
      alertmanager: {
        groupWait: '1s',
        groupInterval: '2s',
        repeatInterval: '1m',
        pagerduty: { url: 'http://127.0.0.1:9/v2/enqueue' },
      },
    });
    const alerts = alertingRules(fast);
    assert.ok(
      alerts.every((alert) => alert.for === '30s'),
      'every alert takes its `for` from the config',
    );

    const files = await renderToTemp(fast);
    try {
      const rules = await runTool('promtool', ['check', 'rules', files.path('recordingRules'), files.path('alertingRules')]);
      assert.equal(rules.code, 0, rules.output);
      const am = await runTool('amtool', ['check-config', files.path('alertmanager')]);
      assert.equal(am.code, 0, am.output);
      const shipped = load(await readFile(files.path('alertmanager'), 'utf8')) as {
        route: { group_wait: string };
        receivers: { pagerduty_configs?: { url: string }[] }[];
      };
      assert.equal(shipped.route.group_wait, '1s');
      assert.equal(shipped.receivers.find((r) => r.pagerduty_configs)?.pagerduty_configs?.[0]?.url, 'http://127.0.0.1:9/v2/enqueue');
    } finally {
      await files.dispose();
    }
  });
});

describe('queue alerts outlive a dead exporter until its page has fired', () => {
  test('every queue alert keeps firing for queueAlertsKeepFiringFor; the exporter alerts resolve at once', () => {
    const alerts = alertingRules(defaultAlertsConfig);
    const queueAlerts = alerts.filter((a) => a.annotations.dashboard_url.includes('var-queue='));
    assert.ok(queueAlerts.length >= 4, queueAlerts.map((a) => a.alert).join(', '));
    for (const alert of queueAlerts) assert.equal(alert.keep_firing_for, defaultAlertsConfig.queueAlertsKeepFiringFor, alert.alert);
    for (const alert of alerts.filter((a) => !queueAlerts.includes(a))) assert.equal(alert.keep_firing_for, undefined, alert.alert);
  });

  test('a keep_firing_for that would end before GenesysExporterDown can fire is refused, naming both keys', () => {
    const tooShort = override({ queueAlertsKeepFiringFor: '2m30s', rules: { GenesysExporterDown: { for: '2m' } } });
    assert.throws(
      () => alertingRules(tooShort),
      /alerts config: queueAlertsKeepFiringFor \(2m30s\) must be at least rules\.GenesysExporterDown\.for \(2m\) \+ 1m/,
    );
    assert.doesNotThrow(() => alertingRules(override({ queueAlertsKeepFiringFor: '3m', rules: { GenesysExporterDown: { for: '2m' } } })));
  });
});

describe('an alert missing from the config', () => {
  test('is named with where to add it, not a TypeError about `for`', () => {
    const { QueueDepthCritical: _dropped, ...rules } = defaultAlertsConfig.rules;
    const missing = { ...defaultAlertsConfig, rules: rules as typeof defaultAlertsConfig.rules };
    assert.throws(
      () => alertingRules(missing),
      (error: Error) => {
        assert.doesNotMatch(error.message, /Cannot read properties/);
        assert.match(
          error.message,
          /^alert QueueDepthCritical: no settings in the alerts config: add QueueDepthCritical: \{ for: duration\('5m'\), … \} to RULE_SETTINGS/,
        );
        assert.match(error.message, /alerts\/rule-settings\.ts$/);
        return true;
      },
    );
  });
});

describe('one declaration per alert (alerts/rule-settings.ts)', () => {
  test("the config's rules, their defaults and their override checks all come from RULE_SETTINGS", () => {
    assert.deepEqual(Object.keys(defaultAlertsConfig.rules), Object.keys(RULE_SETTINGS));
    for (const [alert, settings] of Object.entries(RULE_SETTINGS)) {
      assert.deepEqual(Object.keys(defaultAlertsConfig.rules[alert as keyof typeof RULE_SETTINGS]), Object.keys(settings), alert);
    }
    assert.equal(defaultAlertsConfig.rules.WaitTimeDegradation.maxP95WaitSeconds.email, RULE_SETTINGS.WaitTimeDegradation.maxP95WaitSeconds.email.default);
    // A declared kind is what an override is checked as, down to one media type's seconds.
    assert.throws(
      () => override({ rules: { WaitTimeDegradation: { maxP95WaitSeconds: { email: 0 } } } }),
      /rules\.WaitTimeDegradation\.maxP95WaitSeconds\.email: must be more than 0 seconds/,
    );
    assert.throws(() => override({ rules: { GenesysApiErrors: { maxErrorRatio: 2 } } }), /maxErrorRatio: is a ratio between 0 and 1/);
  });
});
