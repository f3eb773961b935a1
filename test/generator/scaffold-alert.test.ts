// `npm run new -- alert <Name> [--scope exporter]` on copies of the modules it edits: the settings entry and the
// rule are inserted into the existing declarations (read back through ts-morph), the runbook section has the
// four parts the runbook test asks for, the promtool test is at the `for` boundary; names that exist or are not
// CamelCase are refused. Then, on a copy of the alert sources, an alert of each scope is scaffolded, the rules
// rendered from the copy, and the real promtool runs both scaffolded tests: they pass as scaffolded. (Types are
// not checked here: generate type-checks the real tree.)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { Node, Project, SyntaxKind } from 'ts-morph';
import { promtoolTestPath, RULES_MODULES, SCAFFOLD_FILES, scaffoldAlert } from '../../generator/scaffold-alert.ts';
import { needsPrometheusTools, runTool } from '../support/prometheus-tools.ts';

const REPO = resolve(import.meta.dirname, '../..');

describe('new alert scaffolding', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'scaffold-alert-'));
    for (const file of [...Object.values(SCAFFOLD_FILES), ...Object.values(RULES_MODULES)]) {
      mkdirSync(dirname(join(root, file)), { recursive: true });
      copyFileSync(join(REPO, file), join(root, file));
    }
    mkdirSync(join(root, 'test/alerts'), { recursive: true });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('inserts the settings, the rule, a runbook section and a promtool test', () => {
    const changed = scaffoldAlert(root, 'QueueOverflowing');
    assert.deepEqual(changed, [SCAFFOLD_FILES.settings, RULES_MODULES.queue, SCAFFOLD_FILES.runbooks, 'test/alerts/queue-overflowing.promtool.yaml']);

    const project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
    const settings = project.addSourceFileAtPath(join(root, SCAFFOLD_FILES.settings));
    const table = settings
      .getVariableDeclarationOrThrow('RULE_SETTINGS')
      .getInitializerOrThrow()
      .getFirstDescendantByKindOrThrow(SyntaxKind.ObjectLiteralExpression);
    const entry = table.getProperty('QueueOverflowing');
    assert.ok(Node.isPropertyAssignment(entry), 'RULE_SETTINGS has QueueOverflowing');
    assert.equal(entry.getInitializer()?.getText(), "{ for: duration('5m'), threshold: count(100) }");
    // Inserted, not appended as text: the other alerts are still there, before it.
    assert.equal(table.getProperties().at(-1), entry);
    assert.ok(table.getProperty('QueueDepthCritical'));

    const rules = project.addSourceFileAtPath(join(root, RULES_MODULES.queue)).getFunctionOrThrow('rules');
    const elements =
      rules.getDescendantsOfKind(SyntaxKind.ReturnStatement).at(-1)?.getExpressionIfKindOrThrow(SyntaxKind.ArrayLiteralExpression).getElements() ?? [];
    assert.match(elements.at(-1)?.getText() ?? '', /^alertingRule\(config, \{\s+alert: 'QueueOverflowing',/);
    assert.ok(elements.length >= 5, 'the existing rules stay');

    const runbooks = readFileSync(join(root, SCAFFOLD_FILES.runbooks), 'utf8');
    const section = runbooks.slice(runbooks.indexOf('\n## QueueOverflowing\n'));
    for (const part of ['**Meaning.**', '**Impact.**', '**Diagnosis.**', '**Fix.**']) assert.ok(section.includes(part), part);

    const unitTest = load(readFileSync(join(root, promtoolTestPath('QueueOverflowing')), 'utf8')) as {
      tests: { alert_rule_test: { eval_time: string; alertname: string; exp_alerts: unknown[] }[] }[];
    };
    const checks = unitTest.tests[0]?.alert_rule_test ?? [];
    assert.deepEqual(
      checks.map((c) => [c.eval_time, c.alertname, c.exp_alerts.length]),
      [
        ['4m', 'QueueOverflowing', 0],
        ['5m', 'QueueOverflowing', 1],
      ],
    );
  });

  test('--scope exporter: the rule goes to the exporter alerts, per exporter instance, and its promtool test expects no queue label', () => {
    const queueRulesBefore = readFileSync(join(root, RULES_MODULES.queue), 'utf8');
    const changed = scaffoldAlert(root, 'GenesysExporterOverloaded', 'exporter');
    assert.deepEqual(changed, [
      SCAFFOLD_FILES.settings,
      RULES_MODULES.exporter,
      SCAFFOLD_FILES.runbooks,
      'test/alerts/genesys-exporter-overloaded.promtool.yaml',
    ]);
    assert.equal(readFileSync(join(root, RULES_MODULES.queue), 'utf8'), queueRulesBefore, 'the queue alerts are not touched');

    const project = new Project({ skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
    const elements =
      project
        .addSourceFileAtPath(join(root, RULES_MODULES.exporter))
        .getFunctionOrThrow('rules')
        .getDescendantsOfKind(SyntaxKind.ReturnStatement)
        .at(-1)
        ?.getExpressionIfKindOrThrow(SyntaxKind.ArrayLiteralExpression)
        .getElements() ?? [];
    const rule = elements.at(-1)?.getText() ?? '';
    assert.match(rule, /^alertingRule\(config, \{\s+alert: 'GenesysExporterOverloaded',/);
    assert.match(rule, /series\('genesys_exporter_queues', \{ job \}\)/);
    assert.match(rule, /dashboard: \{ key: 'exporterHealth', perQueue: false \}/);
    assert.doesNotMatch(rule, /keepFiringFor|queue_name/, 'no queue labels or queue keep-firing on an exporter alert');
    assert.ok(
      elements.some((element) => element.getText() === '...streamingAlerts(config)'),
      'the existing exporter rules stay',
    );

    const runbooks = readFileSync(join(root, SCAFFOLD_FILES.runbooks), 'utf8');
    const section = runbooks.slice(runbooks.indexOf('\n## GenesysExporterOverloaded\n'));
    for (const part of ['**Meaning.**', '**Impact.**', '**Diagnosis.**', '**Fix.**']) assert.ok(section.includes(part), part);
    assert.match(section, /exporter health dashboard/);

    const unitTest = load(readFileSync(join(root, promtoolTestPath('GenesysExporterOverloaded')), 'utf8')) as {
      tests: { alert_rule_test: { eval_time: string; exp_alerts: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[] }[] }[];
    };
    const firing = unitTest.tests[0]?.alert_rule_test.find((check) => check.exp_alerts.length > 0);
    assert.equal(firing?.eval_time, '5m');
    assert.deepEqual(firing?.exp_alerts[0]?.exp_labels, { severity: 'warning', job: 'genesys-cloud-exporter', instance: 'exporter:9813' });
    assert.equal(firing?.exp_alerts[0]?.exp_annotations.dashboard_url, 'http://localhost:3000/d/genesys-exporter-health');
  });

  test('refuses a name that exists or is not CamelCase, changing nothing', () => {
    const before = readFileSync(join(root, SCAFFOLD_FILES.settings), 'utf8');
    assert.throws(
      () => scaffoldAlert(root, 'QueueDepthCritical'),
      /new alert: QueueDepthCritical already exists in RULE_SETTINGS \(alerts\/rule-settings\.ts\)/,
    );
    assert.throws(() => scaffoldAlert(root, 'queue-overflowing'), /"queue-overflowing" is not a CamelCase alert name/);
    assert.equal(readFileSync(join(root, SCAFFOLD_FILES.settings), 'utf8'), before);
    assert.ok(!existsSync(join(root, promtoolTestPath('QueueDepthCritical'))));
  });
});

describe('scaffolded alerts of both scopes pass their promtool tests as scaffolded', needsPrometheusTools, () => {
  let root: string;
  before(() => {
    // The alert sources and what they import, with the repository's packages.
    root = mkdtempSync(join(tmpdir(), 'scaffold-alert-promtool-'));
    for (const path of ['alerts', 'metrics', 'config', 'lib', 'generator', 'exporter', SCAFFOLD_FILES.runbooks, 'package.json']) {
      cpSync(join(REPO, path), join(root, path), { recursive: true });
    }
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'));
    mkdirSync(join(root, 'test/alerts'), { recursive: true });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('a queue alert and an exporter alert: rules rendered from the scaffolded sources, both promtool tests pass', async () => {
    scaffoldAlert(root, 'QueueOverflowing', 'queue');
    scaffoldAlert(root, 'GenesysExporterOverloaded', 'exporter');
    // Rendered in a new process, from the copy: out/prometheus/ where the scaffolded tests point (../../out/…).
    const render = `
      import { mkdirSync, writeFileSync } from 'node:fs';
      const root = ${JSON.stringify(root)};
      const { defaultAlertsConfig, ruleSources } = await import(root + '/alerts/index.ts');
      const { renderAlertingRules, renderRecordingRules } = await import(root + '/generator/render-rules.ts');
      const sources = ruleSources(defaultAlertsConfig);
      mkdirSync(root + '/out/prometheus', { recursive: true });
      writeFileSync(root + '/out/prometheus/recording_rules.yaml', renderRecordingRules(sources));
      writeFileSync(root + '/out/prometheus/alerting_rules.yaml', renderAlertingRules(sources));`;
    const rendered = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', render], { cwd: root, encoding: 'utf8' });
    assert.equal(rendered.status, 0, rendered.stderr);
    const alerting = readFileSync(join(root, 'out/prometheus/alerting_rules.yaml'), 'utf8');
    for (const name of ['QueueOverflowing', 'GenesysExporterOverloaded']) {
      assert.match(alerting, new RegExp(`alert: ${name}\\n`), `${name} is rendered`);
      const result = await runTool('promtool', ['test', 'rules', join(root, promtoolTestPath(name))]);
      assert.equal(result.code, 0, result.output);
    }
  });
});
