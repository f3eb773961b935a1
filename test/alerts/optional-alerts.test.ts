// Alerts that ship off by default (an `enabled` setting, false): the shipped rule files leave them out, and
// turned on through the alerts config they are what their promtool tests in test/alerts/optional/ say, judged
// by the real promtool against rule files rendered with them enabled (the same renderers as `npm run generate`).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { alertingRules, defaultAlertsConfig, parseAlertsConfigOverride } from '../../alerts/index.ts';
import { parseDurationMs } from '../../config/duration.ts';
import { renderToTemp, type RuleFiles } from './support/rule-files.ts';
import { needsPrometheusTools, runTool } from '../support/prometheus-tools.ts';

const OPTIONAL = ['QueueAbandonRateHigh', 'QueueNoMembersOnQueue'] as const;
const HERE = join(import.meta.dirname, 'optional');
const unitTestFiles = (await readdir(HERE)).filter((name) => name.endsWith('.promtool.yaml')).sort();

interface AlertRuleTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts?: readonly { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[];
}
interface UnitTestFile {
  readonly rule_files: string[];
  readonly evaluation_interval: string;
  readonly tests: readonly { readonly alert_rule_test?: readonly AlertRuleTest[] }[];
}

const readUnitTest = async (name: string): Promise<UnitTestFile> => load(await readFile(join(HERE, name), 'utf8')) as UnitTestFile;
const seconds = (text: string): number => (parseDurationMs(text) ?? Number.NaN) / 1000;

const enabled = parseAlertsConfigOverride({ rules: Object.fromEntries(OPTIONAL.map((name) => [name, { enabled: true }])) }, defaultAlertsConfig);

describe('alerts that ship off by default', () => {
  let files: RuleFiles;
  let scratch: string;
  before(async () => {
    files = await renderToTemp(enabled);
    scratch = await mkdtemp(join(tmpdir(), 'optional-alerts-'));
  });
  after(async () => {
    await files?.dispose();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  test('are not in the shipped rules, and are once enabled', () => {
    const shipped = alertingRules(defaultAlertsConfig).map((rule) => rule.alert);
    const turnedOn = alertingRules(enabled).map((rule) => rule.alert);
    for (const name of OPTIONAL) {
      assert.ok(!shipped.includes(name), `${name} is off by default`);
      assert.ok(turnedOn.includes(name), `${name} is generated with enabled: true`);
    }
    assert.equal(turnedOn.length, shipped.length + OPTIONAL.length, 'enabling them changes nothing else');
  });

  test('an override that is not true or false is refused, naming the key', () => {
    assert.throws(
      () => parseAlertsConfigOverride({ rules: { QueueAbandonRateHigh: { enabled: 'yes' } } }, defaultAlertsConfig),
      /QueueAbandonRateHigh\.enabled/,
    );
  });

  test('promtool check rules accepts the rules with them enabled', needsPrometheusTools, async () => {
    const result = await runTool('promtool', ['check', 'rules', files.path('recordingRules'), files.path('alertingRules')]);
    assert.equal(result.code, 0, result.output);
  });

  for (const name of unitTestFiles) {
    test(`promtool test rules optional/${name}`, needsPrometheusTools, async () => {
      const unitTest = await readUnitTest(name);
      const copy = { ...unitTest, rule_files: [files.path('recordingRules'), files.path('alertingRules')] };
      const path = join(scratch, name);
      await writeFile(path, JSON.stringify(copy));
      const result = await runTool('promtool', ['test', 'rules', path]);
      assert.equal(result.code, 0, result.output);
    });
  }

  test('each is tested one evaluation before its for boundary and at it, with every annotation', async () => {
    const rules = alertingRules(enabled);
    for (const name of OPTIONAL) {
      const rule = rules.find((r) => r.alert === name);
      assert.ok(rule);
      const cases: { file: string; interval: number; test: AlertRuleTest }[] = [];
      for (const file of unitTestFiles) {
        const unitTest = await readUnitTest(file);
        for (const group of unitTest.tests)
          for (const t of group.alert_rule_test ?? []) if (t.alertname === name) cases.push({ file, interval: seconds(unitTest.evaluation_interval), test: t });
      }
      const boundary = cases.find(
        (fire) =>
          (fire.test.exp_alerts ?? []).length > 0 &&
          cases.some(
            (quiet) =>
              quiet.file === fire.file &&
              (quiet.test.exp_alerts ?? []).length === 0 &&
              seconds(quiet.test.eval_time) === seconds(fire.test.eval_time) - fire.interval,
          ),
      );
      assert.ok(boundary, `${name}: no test with exp_alerts [] one evaluation before a firing eval_time`);
      for (const expected of boundary.test.exp_alerts ?? []) {
        assert.equal(expected.exp_labels?.severity, rule.labels.severity, `${name}: severity`);
        assert.deepEqual(Object.keys(expected.exp_annotations ?? {}).sort(), Object.keys(rule.annotations).sort(), `${name}: every annotation`);
      }
    }
  });
});
