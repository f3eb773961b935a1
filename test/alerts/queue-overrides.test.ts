// Per-queue limits (alerts config queueOverrides, keyed by a queue-name pattern, and divisionOverrides, keyed
// by a division-name pattern): every queue alert judges a matching queue by its own limit and every other
// queue by the default, under the real promtool, one evaluation before and exactly at each `for` boundary;
// the panels that mirror the alerts colour a matching queue against the same limit; bad overrides are refused
// naming the key.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { alertingRules, defaultAlertsConfig, parseAlertsConfigOverride } from '../../alerts/index.ts';
import { dashboardSources } from '../../dashboards/index.ts';
import { PANEL as DETAIL } from '../../dashboards/queue-detail.ts';
import { PANEL as OVERVIEW } from '../../dashboards/queue-overview.ts';
import { toJson } from '../support/built-dashboards.ts';
import { needsPrometheusTools, runTool } from '../support/prometheus-tools.ts';
import { renderToTemp, type RuleFiles } from './support/rule-files.ts';

const OVERRIDE = {
  queueOverrides: {
    'VIP .*': {
      QueueDepthCritical: { maxWaiting: 10 },
      WaitTimeDegradation: { slaTargetFactor: 1, maxP95WaitSeconds: { voice: 60 } },
      QueueNoAvailableAgents: { minWaiting: 3, maxLongestWaitSeconds: { voice: 10 } },
      QueueSlaBelowTarget: { minOffers: 100 },
    },
  },
  divisionOverrides: { Premium: { QueueDepthCritical: { maxWaiting: 20 } } },
};
const config = parseAlertsConfigOverride(OVERRIDE, defaultAlertsConfig);

const JOB = 'genesys-cloud-exporter';
type Labels = Record<string, string>;
const sel = (name: string, labels: Labels): string =>
  `${name}{${Object.entries({ job: JOB, instance: 'exporter:9813', ...labels })
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ')}}`;
const q = (id: string, name: string, media = 'voice'): Labels => ({ queue_id: id, queue_name: name, media_type: media });
const firing = (id: string, name: string, severity: string, media?: string) => ({
  exp_labels: { severity, job: JOB, queue_id: id, queue_name: name, ...(media === undefined ? {} : { media_type: media }) },
});

/** The bucket series of `perMinute` contacts a minute, all waiting between `lower` and `upper` seconds. */
function waits(labels: Labels, lower: number, upper: number, perMinute: number) {
  return [
    { series: sel('genesys_queue_wait_time_seconds_bucket', { ...labels, le: String(lower) }), values: '0x30' },
    { series: sel('genesys_queue_wait_time_seconds_bucket', { ...labels, le: String(upper) }), values: `0+${perMinute}x30` },
    { series: sel('genesys_queue_wait_time_seconds_bucket', { ...labels, le: '+Inf' }), values: `0+${perMinute}x30` },
  ];
}

/** The alert boundaries: nothing one evaluation before `for` has passed since the condition began, `expected` at it. */
const boundary = (alertname: string, before: string, at: string, expected: ReturnType<typeof firing>[]) => [
  { eval_time: before, alertname, exp_alerts: [] },
  { eval_time: at, alertname, exp_alerts: expected },
];

// Annotations are the defaults' business (queue-alerts.promtool.yaml checks them); here only who fires when.
const UNIT_TESTS = [
  {
    name: 'QueueDepthCritical: VIP queues at 10, the Premium division at 20 (a VIP queue in it still at 10), others at 50',
    input_series: [
      ['q1', 'VIP Gold', 20, 'Home'],
      ['q2', 'Support', 20, 'Home'],
      ['q3', 'Sales', 60, 'Home'],
      ['q4', 'VIP Silver', 5, 'Home'],
      ['q5', 'Premium Desk', 25, 'Premium'],
      ['q6', 'Standard Desk', 25, 'Home'],
      ['q7', 'VIP Platinum', 15, 'Premium'],
    ].flatMap(([id, name, depth, division]) => [
      { series: sel('genesys_queue_depth', q(String(id), String(name))), values: `${depth}x10` },
      {
        series: sel('genesys_queue_info', { queue_id: String(id), queue_name: String(name), division_id: `d-${division}`, division_name: String(division) }),
        values: '1x10',
      },
    ]),
    alert_rule_test: boundary('QueueDepthCritical', '4m', '5m', [
      firing('q1', 'VIP Gold', 'critical'),
      firing('q3', 'Sales', 'critical'),
      firing('q5', 'Premium Desk', 'critical'),
      firing('q7', 'VIP Platinum', 'critical'),
    ]),
  },
  {
    // Waits 30–60 s: p95 = 30 + 0.95 × 30 = 58.5 s. Rates need two samples: the condition holds from 1m.
    name: 'WaitTimeDegradation: VIP at 1 × its target and 60 s without one; others at 2 × target and 120 s',
    input_series: [
      // Target 30 s: VIP limit 30 → fires; the same waits elsewhere are under 2 × 30 = 60 → quiet.
      ...waits(q('q1', 'VIP Gold'), 30, 60, 10),
      { series: sel('genesys_queue_sla_target_seconds', q('q1', 'VIP Gold')), values: '30x30' },
      ...waits(q('q2', 'Support'), 30, 60, 10),
      { series: sel('genesys_queue_sla_target_seconds', q('q2', 'Support')), values: '30x30' },
      // No target, waits 60–120 s (p95 117 s): VIP limit 60 → fires; default 120 → quiet.
      ...waits(q('q3', 'VIP Silver'), 60, 120, 10),
      ...waits(q('q4', 'Sales'), 60, 120, 10),
      // No target, waits 120–300 s (p95 291 s): over the default 120 → fires.
      ...waits(q('q5', 'Billing'), 120, 300, 10),
    ],
    alert_rule_test: boundary('WaitTimeDegradation', '10m', '11m', [
      firing('q1', 'VIP Gold', 'warning', 'voice'),
      firing('q3', 'VIP Silver', 'warning', 'voice'),
      firing('q5', 'Billing', 'warning', 'voice'),
    ]),
  },
  {
    name: 'QueueNoAvailableAgents: VIP needs 3 waiting, the oldest past 10 s; others 1 waiting past 30 s',
    input_series: [
      // 2 waiting, oldest 20 s, nobody idle: under VIP's 3 → quiet; the default (1, 30 s) → quiet (20 < 30).
      ['q1', 'VIP Gold', 2, 20],
      // 3 waiting, oldest 20 s: VIP → fires (3 ≥ 3, 20 > 10).
      ['q2', 'VIP Silver', 3, 20],
      // 1 waiting, oldest 40 s: default → fires.
      ['q3', 'Support', 1, 40],
      // 1 waiting, oldest 40 s, VIP: fewer than 3 → quiet.
      ['q4', 'VIP Bronze', 1, 40],
    ].flatMap(([id, name, depth, oldest]) => [
      { series: sel('genesys_queue_depth', q(String(id), String(name))), values: `${depth}x20` },
      { series: sel('genesys_queue_longest_wait_seconds', q(String(id), String(name))), values: `${oldest}x20` },
      { series: sel('genesys_queue_agents', { queue_id: String(id), queue_name: String(name), routing_status: 'idle' }), values: '0x20' },
    ]),
    alert_rule_test: boundary('QueueNoAvailableAgents', '4m', '5m', [
      firing('q2', 'VIP Silver', 'warning', 'voice'),
      firing('q3', 'Support', 'warning', 'voice'),
    ]),
  },
  {
    // 20 offers and 10 breaches a minute (50 % against 80 %): 300 offers in 15 minutes. From 1m.
    name: 'QueueSlaBelowTarget: VIP needs 100 offers in 15 minutes, others 10',
    input_series: [
      ['q1', 'VIP Gold', 20],
      ['q2', 'Support', 20],
      // 4 offers a minute: 60 in 15 minutes, enough for the default, not for VIP.
      ['q3', 'VIP Silver', 4],
      ['q4', 'Sales', 4],
    ].flatMap(([id, name, perMinute]) => [
      { series: sel('genesys_queue_offer_total', q(String(id), String(name))), values: `0+${perMinute}x40` },
      { series: sel('genesys_queue_sla_breach_total', { ...q(String(id), String(name)), sla_target_seconds: '20' }), values: `0+${Number(perMinute) / 2}x40` },
      { series: sel('genesys_queue_sla_target_ratio', q(String(id), String(name))), values: '0.8x40' },
    ]),
    // increase() of a counter that starts at 0 counts from 0: 20 a minute reach 10 offers at 1m and 100 at 5m,
    // 4 a minute reach 10 at 3m and never 100. So Support fires at 16m, Sales at 18m, VIP Gold (100) at 20m,
    // VIP Silver never; each is absent one evaluation before.
    alert_rule_test: [
      { eval_time: '15m', alertname: 'QueueSlaBelowTarget', exp_alerts: [] },
      { eval_time: '16m', alertname: 'QueueSlaBelowTarget', exp_alerts: [firing('q2', 'Support', 'warning', 'voice')] },
      { eval_time: '17m', alertname: 'QueueSlaBelowTarget', exp_alerts: [firing('q2', 'Support', 'warning', 'voice')] },
      {
        eval_time: '18m',
        alertname: 'QueueSlaBelowTarget',
        exp_alerts: [firing('q2', 'Support', 'warning', 'voice'), firing('q4', 'Sales', 'warning', 'voice')],
      },
      {
        eval_time: '19m',
        alertname: 'QueueSlaBelowTarget',
        exp_alerts: [firing('q2', 'Support', 'warning', 'voice'), firing('q4', 'Sales', 'warning', 'voice')],
      },
      {
        eval_time: '20m',
        alertname: 'QueueSlaBelowTarget',
        exp_alerts: [firing('q1', 'VIP Gold', 'warning', 'voice'), firing('q2', 'Support', 'warning', 'voice'), firing('q4', 'Sales', 'warning', 'voice')],
      },
    ],
  },
];

/** The generated rules with their annotations left out (the unit tests here check who fires and when). */
async function rulesWithoutAnnotations(files: RuleFiles): Promise<string> {
  const rules = load(await readFile(files.path('alertingRules'), 'utf8')) as { groups: { rules: { annotations?: unknown }[] }[] };
  for (const group of rules.groups) for (const rule of group.rules) delete rule.annotations;
  const file = join(files.root, 'alerting-rules-bare.yaml');
  await writeFile(file, dump(rules));
  return file;
}

async function promtool(files: RuleFiles, alertingFile: string, tests: typeof UNIT_TESTS) {
  const unitTest = {
    rule_files: [files.path('recordingRules'), alertingFile],
    evaluation_interval: '1m',
    group_eval_order: ['genesys-queue-recording', 'genesys-queue-alerts', 'genesys-exporter-alerts'],
    tests: tests.map(({ input_series, alert_rule_test }) => ({ interval: '1m', input_series, alert_rule_test })),
  };
  const file = join(files.root, 'queue-overrides.promtool.yaml');
  await writeFile(file, dump(unitTest, { lineWidth: -1 }));
  return runTool('promtool', ['test', 'rules', file]);
}

describe('per-queue limits for every queue alert', () => {
  let files: RuleFiles;
  let bare: string;
  before(async () => {
    files = await renderToTemp(config);
    bare = await rulesWithoutAnnotations(files);
  });
  after(async () => {
    await files?.dispose();
  });

  for (const unitTest of UNIT_TESTS) {
    test(`${unitTest.name} (promtool, at the for boundary)`, needsPrometheusTools, async () => {
      const result = await promtool(files, bare, [unitTest]);
      assert.equal(result.code, 0, result.output);
    });
  }

  test('without the overrides the same series fire by the defaults only: the overrides above are what moved the limits', needsPrometheusTools, async () => {
    const plain = await renderToTemp(defaultAlertsConfig);
    try {
      const plainBare = await rulesWithoutAnnotations(plain);
      const result = await promtool(plain, plainBare, [UNIT_TESTS[0] as (typeof UNIT_TESTS)[number]]);
      assert.notEqual(result.code, 0, 'the default rules do not fire for VIP Gold at 20 waiting');
      assert.match(result.output, /VIP Gold|exp:/);
    } finally {
      await plain.dispose();
    }
  });

  test('the descriptions name the queue-specific limits', () => {
    const byName = new Map(alertingRules(config).map((rule) => [rule.alert, rule]));
    assert.match(
      byName.get('QueueDepthCritical')?.annotations.description ?? '',
      /threshold 50, or 10 for queues matching VIP \.\*, 20 for queues in divisions matching Premium/,
    );
    assert.match(
      byName.get('WaitTimeDegradation')?.annotations.description ?? '',
      /Queue-specific limits: slaTargetFactor 1 for queues matching VIP \.\*; maxP95WaitSeconds\.voice 60 s/,
    );
    assert.match(byName.get('QueueSlaBelowTarget')?.annotations.description ?? '', /minOffers 100 for queues matching VIP \.\*/);
    // Without overrides, no such sentence.
    for (const rule of alertingRules(defaultAlertsConfig)) assert.doesNotMatch(rule.annotations.description, /Queue-specific limits/);
  });
});

type Steps = { value: number | null; color: string }[];
interface PanelJson {
  id: number;
  fieldConfig: { overrides: { matcher: { id: string; options: string }; properties: { id: string; value: { steps: Steps } }[] }[] };
}
const panelOf = (cfg: typeof config, fileName: string, id: number): PanelJson => {
  const source = dashboardSources(cfg).find((s) => s.fileName === fileName);
  assert.ok(source, fileName);
  const panel = toJson(source.build()).panels.find((p) => p.id === id) as unknown as PanelJson | undefined;
  assert.ok(panel, `${fileName} panel ${id}`);
  return panel;
};
const redAt = (panel: PanelJson, regexp: string): number | null | undefined =>
  panel.fieldConfig.overrides
    .find((o) => o.matcher.id === 'byRegexp' && o.matcher.options === regexp)
    ?.properties.find((p) => p.id === 'thresholds')
    ?.value.steps.find((s) => s.color === 'red')?.value;

describe('the panels follow the per-queue limits', () => {
  test("the overview's depth bars and the detail's depth stat colour a VIP queue red at its own 10", () => {
    assert.equal(redAt(panelOf(config, 'queue-overview.json', OVERVIEW.waitingNow), '^(?:VIP .*)$'), 10);
    assert.equal(redAt(panelOf(config, 'queue-detail.json', DETAIL.waitingNow), '^(?:VIP .*)$'), 10);
    assert.deepEqual(panelOf(defaultAlertsConfig, 'queue-overview.json', OVERVIEW.waitingNow).fieldConfig.overrides, []);
  });

  test("the overview's wait panels colour a VIP queue's calls at its own 60 s, and each media type at its own default", () => {
    for (const id of [OVERVIEW.p95WaitByQueue, OVERVIEW.longestWaitNow]) {
      const panel = panelOf(config, 'queue-overview.json', id);
      assert.equal(redAt(panel, '^(?:VIP .*) \\(voice\\)$'), 60, `panel ${id}`);
      assert.equal(redAt(panel, '^.* \\(email\\)$'), 7200, `panel ${id}`);
      // The queue's override is listed after the media defaults: Grafana's last matching override wins.
      const order = panel.fieldConfig.overrides.map((o) => o.matcher.options);
      assert.ok(order.indexOf('^(?:VIP .*) \\(voice\\)$') > order.indexOf('^.* \\(email\\)$'), order.join(' | '));
    }
  });

  test('a division override changes the alert only: panels name series by queue, so no override appears for it', () => {
    const divisionOnly = parseAlertsConfigOverride({ divisionOverrides: { Premium: { QueueDepthCritical: { maxWaiting: 20 } } } }, defaultAlertsConfig);
    assert.deepEqual(panelOf(divisionOnly, 'queue-overview.json', OVERVIEW.waitingNow).fieldConfig.overrides, []);
    assert.match(alertingRules(divisionOnly).find((r) => r.alert === 'QueueDepthCritical')?.expr ?? '', /division_name=~"Premium"/);
  });
});

describe('bad per-queue overrides are refused, naming the key', () => {
  test('a pattern that is not a regular expression', () => {
    assert.throws(
      () => parseAlertsConfigOverride({ queueOverrides: { 'VIP (': { QueueDepthCritical: { maxWaiting: 10 } } } }, defaultAlertsConfig),
      /alerts config: queueOverrides\.VIP \(: "VIP \(" is not a regular expression/,
    );
    assert.throws(
      () => parseAlertsConfigOverride({ divisionOverrides: { '[': { QueueDepthCritical: { maxWaiting: 10 } } } }, defaultAlertsConfig),
      /alerts config: divisionOverrides\.\[: "\[" is not a regular expression/,
    );
  });

  test('a wrong type', () => {
    assert.throws(
      () => parseAlertsConfigOverride({ queueOverrides: { 'VIP .*': { QueueDepthCritical: { maxWaiting: 'ten' } } } }, defaultAlertsConfig),
      /queueOverrides\.VIP \.\*\.QueueDepthCritical\.maxWaiting: expected a number/,
    );
  });

  test("a setting that cannot vary per queue (a rule's for), or an exporter alert, lists what can", () => {
    assert.throws(
      () => parseAlertsConfigOverride({ queueOverrides: { 'VIP .*': { QueueDepthCritical: { for: '1m' } } } }, defaultAlertsConfig),
      /queueOverrides\.VIP \.\*\.QueueDepthCritical\.for: unknown key \(expected one of: maxWaiting\)/,
    );
    assert.throws(
      () => parseAlertsConfigOverride({ queueOverrides: { 'VIP .*': { GenesysExporterDown: { for: '1m' } } } }, defaultAlertsConfig),
      /queueOverrides\.VIP \.\*\.GenesysExporterDown: unknown key \(expected one of: QueueDepthCritical, WaitTimeDegradation, QueueSlaBelowTarget, QueueNoAvailableAgents/,
    );
    assert.throws(
      () => parseAlertsConfigOverride({ queueOverrides: { 'VIP .*': { WaitTimeDegradation: { maxP95WaitSeconds: { fax: 10 } } } } }, defaultAlertsConfig),
      /queueOverrides\.VIP \.\*\.WaitTimeDegradation\.maxP95WaitSeconds\.fax: unknown key \(expected one of: voice, callback, chat, message, email\)/,
    );
  });

  test('a p95 limit the histogram cannot measure past is refused when the rules are built, naming the key', () => {
    const tooHigh = parseAlertsConfigOverride(
      { queueOverrides: { 'Inbox.*': { WaitTimeDegradation: { maxP95WaitSeconds: { email: 20_000 } } } } },
      defaultAlertsConfig,
    );
    assert.throws(
      () => alertingRules(tooHigh),
      /alerts config: queueOverrides\.Inbox\.\*\.WaitTimeDegradation\.maxP95WaitSeconds\.email: 20000 s is not below the wait histogram's top bound \(14400 s/,
    );
    const defaultTooHigh = parseAlertsConfigOverride({ rules: { WaitTimeDegradation: { maxP95WaitSeconds: { email: 14_400 } } } }, defaultAlertsConfig);
    assert.throws(() => alertingRules(defaultTooHigh), /alerts config: rules\.WaitTimeDegradation\.maxP95WaitSeconds\.email: 14400 s/);
  });
});
