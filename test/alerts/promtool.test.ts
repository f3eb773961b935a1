// The rule files as shipped, judged by the real promtool: `check rules`, then the unit tests in
// test/alerts/*.promtool.yaml (every alert just before and exactly at its `for` boundary, quiet queues,
// an exporter restart). A failure shows promtool's own report.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { alertingRules, defaultAlertsConfig, ruleSources } from '../../alerts/index.ts';
import { parseDurationMs } from '../../config/duration.ts';

const durationSeconds = (text: string): number | undefined => {
  const ms = parseDurationMs(text);
  return ms === undefined ? undefined : ms / 1000;
};
import { ruleFiles, type RuleFiles } from './support/rule-files.ts';
import { needsPrometheusTools, runTool } from '../support/prometheus-tools.ts';

const HERE = import.meta.dirname;
const unitTestFiles = (await readdir(HERE)).filter((name) => name.endsWith('.promtool.yaml')).sort();

interface AlertRuleTest {
  readonly eval_time: string;
  readonly alertname: string;
  readonly exp_alerts?: readonly { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[];
}
interface UnitTestFile {
  readonly rule_files: string[];
  readonly group_eval_order?: string[];
  readonly evaluation_interval: string;
  readonly tests: readonly { readonly alert_rule_test?: readonly AlertRuleTest[] }[];
}

async function readUnitTest(name: string): Promise<UnitTestFile> {
  return load(await readFile(join(HERE, name), 'utf8')) as UnitTestFile;
}

const alerts = alertingRules(defaultAlertsConfig);

describe('alerting and recording rules under promtool', () => {
  let files: RuleFiles;
  let scratch: string;

  before(async () => {
    files = await ruleFiles();
    scratch = await mkdtemp(join(tmpdir(), 'alerts-promtool-'));
  });
  after(async () => {
    await files?.dispose();
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  /** The unit test file itself when out/ is what it points at, else a copy pointing at the rendered files. */
  async function runnable(name: string): Promise<string> {
    if (files.source === 'out/ (npm run generate)') return join(HERE, name);
    const unitTest = await readUnitTest(name);
    const copy = { ...unitTest, rule_files: [files.path('recordingRules'), files.path('alertingRules')] };
    const path = join(scratch, name);
    await writeFile(path, JSON.stringify(copy));
    return path;
  }

  test('promtool check rules accepts both rule files', needsPrometheusTools, async (t) => {
    t.diagnostic(`rule files: ${files.source}`);
    const result = await runTool('promtool', ['check', 'rules', files.path('recordingRules'), files.path('alertingRules')]);
    assert.equal(result.code, 0, result.output);
  });

  for (const name of unitTestFiles) {
    test(`promtool test rules ${name}`, needsPrometheusTools, async () => {
      const result = await runTool('promtool', ['test', 'rules', await runnable(name)]);
      assert.equal(result.code, 0, result.output);
    });
  }

  test('the unit tests point at the shipped rule files and evaluate every group, recording first', async () => {
    const groups = ruleSources(defaultAlertsConfig).flatMap((source) => source.groups);
    const recordingFirst = [
      ...groups.filter((group) => group.rules.every((rule) => 'record' in rule)),
      ...groups.filter((group) => group.rules.some((rule) => 'alert' in rule)),
    ].map((group) => group.name);
    for (const name of unitTestFiles) {
      const { rule_files, group_eval_order } = await readUnitTest(name);
      assert.deepEqual(rule_files, ['../../out/prometheus/recording_rules.yaml', '../../out/prometheus/alerting_rules.yaml'], name);
      assert.deepEqual(group_eval_order, recordingFirst, `${name}: group_eval_order`);
    }
  });

  test('every alert is tested one evaluation before its for boundary and at it, with all annotations', async () => {
    const cases: { file: string; interval: number; rule: AlertRuleTest }[] = [];
    for (const file of unitTestFiles) {
      const unitTest = await readUnitTest(file);
      const interval = durationSeconds(unitTest.evaluation_interval);
      assert.ok(interval !== undefined, `${file}: evaluation_interval`);
      for (const group of unitTest.tests) {
        for (const rule of group.alert_rule_test ?? []) cases.push({ file, interval, rule });
      }
    }
    for (const alert of alerts) {
      const own = cases.filter((c) => c.rule.alertname === alert.alert);
      const firing = own.filter((c) => (c.rule.exp_alerts ?? []).length > 0);
      const boundary = firing.find((fire) =>
        own.some(
          (quiet) =>
            quiet.file === fire.file &&
            (quiet.rule.exp_alerts ?? []).length === 0 &&
            durationSeconds(quiet.rule.eval_time) === (durationSeconds(fire.rule.eval_time) ?? 0) - fire.interval,
        ),
      );
      assert.ok(boundary, `${alert.alert}: no test with exp_alerts [] one evaluation before a firing eval_time`);
      for (const expected of boundary.rule.exp_alerts ?? []) {
        assert.equal(expected.exp_labels?.severity, alert.labels.severity, `${alert.alert}: severity label`);
        assert.deepEqual(
          Object.keys(expected.exp_annotations ?? {}).sort(),
          Object.keys(alert.annotations).sort(),
          `${alert.alert}: the firing test checks every annotation`,
        );
      }
    }
  });
});
