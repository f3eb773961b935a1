// The stack's transform of the generated scrape config changes only what stack/prometheus.ts documents,
// and what it writes is a valid Prometheus config for the real promtool.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { EXPORTER_JOB } from '../../config/project.ts';
import { generatedFiles } from '../../stack/generate.ts';
import { adaptRuleFile, adaptScrapeConfig, parsePrometheusDuration } from '../../stack/prometheus.ts';
import { REPO_ROOT } from '../../stack/repo.ts';
import { needsPrometheusTools, runTool } from '../support/prometheus-tools.ts';

type Json = Record<string, unknown>;
const out = generatedFiles(join(REPO_ROOT, 'out'));
const generated = load(readFileSync(out.scrapeConfig, 'utf8')) as Json;
const jobOf = (config: Json): Json => (config.scrape_configs as Json[]).find((j) => j.job_name === EXPORTER_JOB)!;

/** The stack's config for a test Prometheus, its adapted rule files written into `dir`. */
function adaptedConfig(dir: string): { adapted: Json; rules: string[] } {
  const rules = out.ruleFiles.map((file, i) => {
    const copy = join(dir, `r${i}.yaml`);
    writeFileSync(copy, dump(adaptRuleFile(load(readFileSync(file, 'utf8')), file)));
    return copy;
  });
  const adapted = adaptScrapeConfig(generated, {
    exporterAddress: '127.0.0.1:40001',
    alertmanagerAddress: '127.0.0.1:40002',
    scrapeIntervalSeconds: 1,
    evaluationIntervalSeconds: 1,
    ruleFiles: rules,
  });
  return { adapted, rules };
}

test('only the target, intervals, Alertmanager and rule files change; the rest is as generated', () => {
  const dir = mkdtempSync(join(tmpdir(), 'prom-config-test-'));
  try {
    const { adapted, rules } = adaptedConfig(dir);
    const [job, original] = [jobOf(adapted), jobOf(generated)];
    assert.deepEqual(job.static_configs, [{ targets: ['127.0.0.1:40001'], labels: (original.static_configs as Json[])[0]!.labels }]);
    assert.equal(job.scrape_interval, '1s');
    // 10 s of 15 s in the generated job: the same two thirds of the new interval.
    assert.equal(parsePrometheusDuration(String(job.scrape_timeout)), 0.666);
    assert.deepEqual(job.metric_relabel_configs, original.metric_relabel_configs);
    assert.deepEqual((adapted.global as Json).external_labels, (generated.global as Json).external_labels);
    assert.deepEqual(adapted.rule_files, rules);
    assert.deepEqual(adapted.alerting, { alertmanagers: [{ static_configs: [{ targets: ['127.0.0.1:40002'] }] }] });
    const { scrape_configs: _a, global: _b, rule_files: _c, alerting: _d, ...rest } = adapted;
    const { scrape_configs: _e, global: _f, rule_files: _g, alerting: _h, ...restGenerated } = generated;
    assert.deepEqual(rest, restGenerated);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('what the stack writes passes promtool check config, its rule files included', needsPrometheusTools, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'prom-config-test-'));
  try {
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, dump(adaptedConfig(dir).adapted));
    const result = await runTool('promtool', ['check', 'config', file]);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /Checking .*r0\.yaml\n {2}SUCCESS: \d+ rules found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without intervals (the demo) the generated intervals stay', () => {
  const adapted = adaptScrapeConfig(generated, { exporterAddress: '127.0.0.1:40001', ruleFiles: [] });
  assert.equal(jobOf(adapted).scrape_interval, jobOf(generated).scrape_interval);
  assert.equal(jobOf(adapted).scrape_timeout, jobOf(generated).scrape_timeout);
  assert.equal(adapted.alerting, undefined);
});

test('a config without the exporter job is refused, naming the job', () => {
  assert.throws(
    () => adaptScrapeConfig({ scrape_configs: [{ job_name: 'other' }] }, { exporterAddress: 'x:1', ruleFiles: [] }, 'my.yaml'),
    /my\.yaml: no scrape job named 'genesys-cloud-exporter'/,
  );
  assert.throws(() => parsePrometheusDuration('15 s'), /not a Prometheus duration: '15 s'/);
});
