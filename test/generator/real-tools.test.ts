// The real tools on the real output: the files generated from the real dashboard and alert modules
// (loaded the way `npm run generate` loads them) pass promtool and amtool, and two runs are identical.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dump, load } from 'js-yaml';
import { generateArtifacts } from '../../generator/generate-artifacts.ts';
import { loadInputs } from '../../generator/load-sources.ts';
import { formatProblem } from '../../generator/problems.ts';
import { writeOutputAtomically } from '../../generator/write-output.ts';
import { needsPrometheusTools, runTool } from '../support/prometheus-tools.ts';

describe('the generated files under promtool and amtool', needsPrometheusTools, () => {
  let out: string;

  before(async () => {
    out = mkdtempSync(join(tmpdir(), 'generator-tools-'));
    const result = generateArtifacts(loadInputs(undefined));
    assert.ok(result.ok, result.ok ? '' : result.problems.map(formatProblem).join('\n'));
    const again = generateArtifacts(loadInputs(undefined));
    assert.deepEqual(again, result, 'two runs over the real modules give identical bytes');
    writeOutputAtomically(out, result.artifacts);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  test('promtool check rules accepts both rule files', async () => {
    for (const file of ['alerting_rules.yaml', 'recording_rules.yaml']) {
      const result = await runTool('promtool', ['check', 'rules', join(out, 'prometheus', file)]);
      assert.equal(result.code, 0, result.output);
      assert.match(result.output, /SUCCESS: \d+ rules found/, file);
    }
  });

  test('promtool check config accepts the scrape config and resolves its rule files', async () => {
    const result = await runTool('promtool', ['check', 'config', join(out, 'prometheus', 'scrape_config.yaml')]);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /SUCCESS: .*scrape_config\.yaml is valid prometheus config file syntax/);
    assert.match(result.output, /Checking .*alerting_rules\.yaml\n {2}SUCCESS: \d+ rules found/);
    assert.match(result.output, /Checking .*recording_rules\.yaml\n {2}SUCCESS: \d+ rules found/);
  });

  test('amtool check-config accepts alertmanager.yml (secret files pointed at a temporary folder)', async () => {
    const config = load(readFileSync(join(out, 'alertmanager', 'alertmanager.yml'), 'utf8'));
    const secrets: string[] = [];
    // Receivers read secrets from fixed paths on the Alertmanager host; point them at files we create.
    const redirect = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(redirect);
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([key, inner]) => {
          if (!key.endsWith('_file') || typeof inner !== 'string') return [key, redirect(inner)];
          const file = join(out, `secret-${secrets.length}`);
          writeFileSync(file, key.includes('url') ? 'https://hooks.slack.com/services/T0/B0/example\n' : 'example-routing-key\n');
          secrets.push(file);
          return [key, file];
        }),
      );
    };
    const checked = join(out, 'alertmanager-checked.yml');
    writeFileSync(checked, dump(redirect(config)));
    assert.ok(secrets.length >= 2, 'the config reads at least the PagerDuty and Slack secrets from files');
    const result = await runTool('amtool', ['check-config', checked]);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /SUCCESS/);
    assert.match(result.output, /Found:\n(.|\n)*- \d+ receivers/);
  });
});
