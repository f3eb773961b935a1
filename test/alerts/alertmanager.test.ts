// alertmanager.yml as shipped, judged by the real amtool: the config is valid, every alert of the rule
// modules reaches the receivers its severity calls for (critical: PagerDuty and the team's Slack channel),
// notifications are grouped per queue (not per alert name), queue warnings go through the route limited to
// opening hours, and the receivers' secrets come from files. (Grouping, inhibition and the opening hours
// are exercised with a real Alertmanager in alertmanager-delivery.test.ts and the e2e tests.)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { alertingRules, defaultAlertsConfig } from '../../alerts/index.ts';
import { UNTRUSTED_DATA_ALERTS } from '../../alerts/exporter-alerts.ts';
import { ruleFiles, type RuleFiles } from './support/rule-files.ts';
import { needsPrometheusTools, runTool } from '../support/prometheus-tools.ts';

const alerts = alertingRules(defaultAlertsConfig);

const RECEIVER_BY_SEVERITY = { critical: 'pagerduty-critical,slack-critical', warning: 'slack-warning', info: 'slack-warning' } as const;

interface Route {
  receiver?: string;
  group_by?: string[];
  matchers?: string[];
  continue?: boolean;
  active_time_intervals?: string[];
  routes?: Route[];
}
interface Shipped {
  route: Route;
  inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[];
  time_intervals: { name: string; time_intervals: { weekdays: string[]; times: { start_time: string; end_time: string }[]; location: string }[] }[];
  receivers: { name: string; pagerduty_configs?: Record<string, unknown>[]; slack_configs?: Record<string, unknown>[] }[];
}

/** An Alertmanager matcher such as `queue_name=~".+"` applied to a label set (regexes are anchored). */
function matches(matcher: string, labels: Readonly<Record<string, string>>): boolean {
  const parsed = /^(\w+)(=~|!~|!=|=)"(.*)"$/.exec(matcher);
  assert.ok(parsed, `cannot read matcher ${matcher}`);
  const [, name = '', op, value = ''] = parsed;
  const actual = labels[name] ?? '';
  if (op === '=') return actual === value;
  if (op === '!=') return actual !== value;
  const found = new RegExp(`^(?:${value})$`).test(actual);
  return op === '=~' ? found : !found;
}

/** Every firing alert's labels expected in test/alerts/*.promtool.yaml, with its alertname. */
async function firedLabelSets(): Promise<Record<string, string>[]> {
  const here = import.meta.dirname;
  const sets: Record<string, string>[] = [];
  for (const file of (await readdir(here)).filter((name) => name.endsWith('.promtool.yaml'))) {
    const unitTest = load(await readFile(join(here, file), 'utf8')) as {
      tests: { alert_rule_test?: { alertname: string; exp_alerts?: { exp_labels?: Record<string, string> }[] }[] }[];
    };
    for (const rule of unitTest.tests.flatMap((t) => t.alert_rule_test ?? [])) {
      for (const expected of rule.exp_alerts ?? []) sets.push({ ...expected.exp_labels, alertname: rule.alertname });
    }
  }
  return sets;
}

describe('alertmanager.yml under amtool', () => {
  let files: RuleFiles;
  let shipped: Shipped;

  before(async () => {
    files = await ruleFiles();
    shipped = load(await readFile(files.path('alertmanager'), 'utf8')) as Shipped;
  });
  after(async () => {
    await files?.dispose();
  });

  const routesTo = (expected: string, labels: readonly string[]) =>
    runTool('amtool', ['config', 'routes', 'test', `--config.file=${files.path('alertmanager')}`, `--verify.receivers=${expected}`, ...labels]);

  test('amtool check-config accepts it', needsPrometheusTools, async (t) => {
    t.diagnostic(`alertmanager.yml: ${files.source}`);
    const result = await runTool('amtool', ['check-config', files.path('alertmanager')]);
    assert.equal(result.code, 0, result.output);
  });

  test(
    "every alert reaches the receivers of its severity: critical → PagerDuty and the team's Slack channel, warning → Slack",
    needsPrometheusTools,
    async () => {
      assert.ok(alerts.some((alert) => alert.labels.severity === 'critical'));
      assert.ok(alerts.some((alert) => alert.labels.severity === 'warning'));
      for (const alert of alerts) {
        const expected = RECEIVER_BY_SEVERITY[alert.labels.severity];
        const result = await routesTo(expected, [
          `alertname=${alert.alert}`,
          `severity=${alert.labels.severity}`,
          'queue_name=Support',
          'job=genesys-cloud-exporter',
        ]);
        assert.equal(result.code, 0, `${alert.alert} should go to ${expected}:\n${result.output}`);
      }
    },
  );

  test('a wrong expectation fails amtool, so the routing checks above can fail', needsPrometheusTools, async () => {
    const result = await routesTo('slack-warning', ['alertname=QueueDepthCritical', 'severity=critical']);
    assert.notEqual(result.code, 0, result.output);
  });

  test('an alert without a known severity still reaches Slack', needsPrometheusTools, async () => {
    const result = await routesTo('slack-warning', ['alertname=SomethingNew']);
    assert.equal(result.code, 0, result.output);
  });

  test('notifications are grouped by queue and cluster, never by alert name or media type, on every route', () => {
    const groupBy = shipped.route.group_by ?? [];
    for (const label of ['cluster', 'queue_id', 'queue_name']) assert.ok(groupBy.includes(label), `group_by lacks ${label}: ${groupBy.join(', ')}`);
    // Either would split one queue's incident into one notification per alert (or per media type).
    for (const label of ['alertname', 'media_type', 'severity']) assert.ok(!groupBy.includes(label), `group_by has ${label}: ${groupBy.join(', ')}`);
    // Child routes inherit group_by unless they set their own: none may regroup.
    for (const child of shipped.route.routes ?? []) {
      assert.equal(child.group_by, undefined, `route to ${child.receiver} overrides group_by`);
    }
  });

  test('the untrusted-data alerts (down, absent, stale, simulated) inhibit the queue alerts, matching on labels both really carry', async () => {
    const rule = shipped.inhibit_rules.find((r) => r.source_matchers.some((m) => m.startsWith('alertname=~')));
    assert.ok(rule, JSON.stringify(shipped.inhibit_rules));
    // The label sets Prometheus really gave each alert in the promtool tests (checked there by promtool).
    const fired = await firedLabelSets();
    for (const alert of alerts) {
      const labelSets = fired.filter((labels) => labels.alertname === alert.alert);
      assert.ok(labelSets.length > 0, `${alert.alert}: no firing label set in the promtool tests`);
      for (const labels of labelSets) {
        const isSource: boolean = rule.source_matchers.every((m) => matches(m, labels));
        const isTarget: boolean = rule.target_matchers.every((m) => matches(m, labels));
        assert.equal(isSource, (UNTRUSTED_DATA_ALERTS as readonly string[]).includes(alert.alert), `${alert.alert} as source`);
        assert.equal(isTarget, 'queue_name' in labels, `${alert.alert} as target`);
        assert.ok(!(isSource && isTarget), `${alert.alert} would inhibit itself`);
        // `equal` labels must be on both sides, or inhibition silently never matches. `job` is required;
        // `cluster` is optional (a label missing on both sides counts as equal).
        if (isSource || isTarget) assert.ok('job' in labels, `${alert.alert} lacks job, which inhibition matches on`);
      }
    }
    assert.ok(rule.equal.includes('job'), `equal: ${rule.equal.join(', ')}`);
  });

  test('queue warnings go through the route limited to opening hours; critical and exporter alerts through unlimited ones', needsPrometheusTools, async () => {
    const tree = async (labels: readonly string[]) =>
      (await runTool('amtool', ['config', 'routes', 'test', '--tree', `--config.file=${files.path('alertmanager')}`, ...labels])).output;
    const limited = (shipped.route.routes ?? []).filter((r) => (r.active_time_intervals ?? []).length > 0);
    assert.equal(limited.length, 1, JSON.stringify(shipped.route.routes));
    const [warningsInHours] = limited;
    assert.deepEqual(warningsInHours?.active_time_intervals, ['opening-hours']);
    // amtool prints the matched route by its matchers: the queue warning matches the limited one.
    const limitedMatchers = (warningsInHours?.matchers ?? []).map((m) => m.replaceAll(' ', '')).sort();
    const shown = (output: string) => /\{([^}]*)\}\s+receiver/.exec(output)?.[1]?.split(',').sort() ?? [];
    assert.deepEqual(
      shown(await tree(['alertname=WaitTimeDegradation', 'severity=warning', 'queue_id=q1', 'queue_name=Support', 'media_type=email'])),
      limitedMatchers,
    );
    assert.notDeepEqual(shown(await tree(['alertname=GenesysApiRateLimited', 'severity=warning', 'instance=x'])), limitedMatchers);
    assert.notDeepEqual(shown(await tree(['alertname=GenesysExporterDown', 'severity=critical', 'instance=x'])), limitedMatchers);
    assert.notDeepEqual(shown(await tree(['alertname=QueueDepthCritical', 'severity=critical', 'queue_id=q1'])), limitedMatchers);
    const [hours] = shipped.time_intervals;
    assert.equal(hours?.name, 'opening-hours');
    const configured = defaultAlertsConfig.alertmanager.openingHours;
    assert.deepEqual(hours?.time_intervals, [
      { weekdays: configured.weekdays.split(','), times: [{ start_time: '08:00', end_time: '18:00' }], location: configured.location },
    ]);
  });

  test("critical alerts are posted to the team's Slack channel too, the channel warnings go to", () => {
    const critical = shipped.receivers.find((r) => r.name === 'slack-critical')?.slack_configs?.[0];
    const warning = shipped.receivers.find((r) => r.name === 'slack-warning')?.slack_configs?.[0];
    assert.ok(critical && warning);
    assert.equal(critical.channel, warning.channel);
    assert.equal(critical.api_url_file, warning.api_url_file);
    // The PagerDuty route must continue, or the Slack route after it is never reached.
    assert.equal(shipped.route.routes?.find((r) => r.receiver === 'pagerduty-critical')?.continue, true);
  });

  test('a queue critical inhibits the warnings of the same queue (and media type, when it has one), never another queue’s', () => {
    const warningRules = shipped.inhibit_rules.filter((r) => r.source_matchers.includes('severity="critical"'));
    assert.equal(warningRules.length, 2, JSON.stringify(shipped.inhibit_rules));
    const labels = { cluster: 'c', job: 'genesys-cloud-exporter', queue_id: 'q1', queue_name: 'Support' };
    const inhibits = (source: Record<string, string>, target: Record<string, string>) =>
      warningRules.some(
        (r) =>
          r.source_matchers.every((m) => matches(m, source)) &&
          r.target_matchers.every((m) => matches(m, target)) &&
          r.equal.every((l) => (source[l] ?? '') === (target[l] ?? '')),
      );
    const warning = (extra: Record<string, string>) => ({ ...labels, severity: 'warning', alertname: 'WaitTimeDegradation', ...extra });
    const queueWide = { ...labels, severity: 'critical', alertname: 'QueueDepthCritical' };
    assert.ok(inhibits(queueWide, warning({ media_type: 'voice' })));
    assert.ok(inhibits(queueWide, warning({ media_type: 'email' })));
    assert.ok(!inhibits(queueWide, warning({ media_type: 'voice', queue_id: 'q2', queue_name: 'Sales' })), 'another queue');
    assert.ok(!inhibits(queueWide, warning({ media_type: 'voice', cluster: 'other' })), 'another cluster');
    const voiceCritical = { ...queueWide, media_type: 'voice' };
    assert.ok(inhibits(voiceCritical, warning({ media_type: 'voice' })));
    assert.ok(!inhibits(voiceCritical, warning({ media_type: 'email' })), 'another media type');
    // The exporter's own alerts are neither silenced by nor silencing through these rules.
    const exporterCritical = { cluster: 'c', job: 'genesys-cloud-exporter', severity: 'critical', alertname: 'GenesysExporterNoQueues' };
    assert.ok(!inhibits(exporterCritical, { cluster: 'c', job: 'genesys-cloud-exporter', severity: 'warning', alertname: 'GenesysApiErrors' }));
    assert.ok(!inhibits(exporterCritical, warning({ media_type: 'voice' })));
  });

  test('receivers read their secrets from files and inline none', () => {
    const pagerduty = shipped.receivers.find((r) => r.name === 'pagerduty-critical')?.pagerduty_configs ?? [];
    const slack = shipped.receivers.find((r) => r.name === 'slack-warning')?.slack_configs ?? [];
    assert.equal(pagerduty.length, 1);
    assert.equal(slack.length, 1);
    assert.equal(pagerduty[0]?.routing_key_file, defaultAlertsConfig.alertmanager.pagerduty.routingKeyFile);
    assert.equal(slack[0]?.api_url_file, defaultAlertsConfig.alertmanager.slack.apiUrlFile);
    for (const secret of ['routing_key', 'service_key', 'service_key_file']) assert.ok(!(secret in (pagerduty[0] ?? {})), secret);
    assert.ok(!('api_url' in (slack[0] ?? {})), 'api_url');
  });
});
