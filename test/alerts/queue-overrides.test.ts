// Per-queue limits (alerts config queueOverrides, keyed by a queue-name pattern): QueueDepthCritical judges a
// matching queue by its own limit and every other queue by the default, under the real promtool; the
// overview's depth bars colour each matching queue against the same limit; a bad pattern is refused.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { defaultAlertsConfig, parseAlertsConfigOverride } from '../../alerts/index.ts';
import { dashboardSources } from '../../dashboards/index.ts';
import { PANEL as OVERVIEW } from '../../dashboards/queue-overview.ts';
import { toJson } from '../support/built-dashboards.ts';
import { runTool } from '../support/prometheus-tools.ts';
import { renderToTemp, type RuleFiles } from './support/rule-files.ts';

const config = parseAlertsConfigOverride({ queueOverrides: { 'VIP .*': { QueueDepthCritical: { maxWaiting: 10 } } } }, defaultAlertsConfig);

const depth = (id: string, name: string, value: number) => ({
  series: `genesys_queue_depth{job="genesys-cloud-exporter", instance="exporter:9813", queue_id="${id}", queue_name="${name}", media_type="voice"}`,
  values: `${value}x10`,
});
const fired = (id: string, name: string, value: number) => ({
  exp_labels: { severity: 'critical', job: 'genesys-cloud-exporter', queue_id: id, queue_name: name },
  exp_annotations: {
    summary: `Queue ${name} has more contacts waiting than its limit`,
    description: `${value} contacts are waiting in queue ${name} (threshold 50, or 10 for queues matching VIP .*) for at least 5m.`,
    runbook_url: `${defaultAlertsConfig.runbookBaseUrl}#queuedepthcritical`,
    dashboard_url: `${defaultAlertsConfig.grafanaBaseUrl}/d/genesys-queue-detail?var-queue=${name.replaceAll(' ', '+')}`,
  },
});

describe('per-queue QueueDepthCritical limits', () => {
  let files: RuleFiles;
  before(async () => {
    files = await renderToTemp(config);
  });
  after(async () => {
    await files?.dispose();
  });

  test('a matching queue fires at its own limit; the others at the default (promtool)', async () => {
    const unitTest = {
      rule_files: [files.path('recordingRules'), files.path('alertingRules')],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [depth('q1', 'VIP Gold', 20), depth('q2', 'Support', 20), depth('q3', 'Sales', 60), depth('q4', 'VIP Silver', 5)],
          alert_rule_test: [
            { eval_time: '4m', alertname: 'QueueDepthCritical', exp_alerts: [] },
            // VIP Gold: 20 > 10 (its override); Support: 20 ≤ 50; Sales: 60 > 50; VIP Silver: 5 ≤ 10.
            { eval_time: '5m', alertname: 'QueueDepthCritical', exp_alerts: [fired('q1', 'VIP Gold', 20), fired('q3', 'Sales', 60)] },
          ],
        },
      ],
    };
    const file = join(files.root, 'queue-overrides.promtool.yaml');
    await writeFile(file, dump(unitTest));
    const result = await runTool('promtool', ['test', 'rules', file]);
    assert.equal(result.code, 0, result.output);
  });

  test("the overview's depth bars colour a matching queue against its own limit", () => {
    const overview = dashboardSources(config).find((source) => source.fileName === 'queue-overview.json');
    assert.ok(overview);
    const panel = toJson(overview.build()).panels.find((p) => p.id === OVERVIEW.waitingNow) as unknown as {
      fieldConfig: {
        overrides: { matcher: { id: string; options: string }; properties: { id: string; value: { steps: { value: number | null; color: string }[] } }[] }[];
      };
    };
    const override = panel.fieldConfig.overrides.find((o) => o.matcher.id === 'byRegexp' && o.matcher.options === '^(?:VIP .*)$');
    assert.ok(override, JSON.stringify(panel.fieldConfig.overrides));
    const steps = override.properties.find((p) => p.id === 'thresholds')?.value.steps ?? [];
    assert.equal(steps.find((s) => s.color === 'red')?.value, 10);
    // Without overrides, no per-queue colouring.
    const plain = dashboardSources(defaultAlertsConfig).find((source) => source.fileName === 'queue-overview.json');
    const plainPanel = toJson(plain?.build()).panels.find((p) => p.id === OVERVIEW.waitingNow) as unknown as { fieldConfig: { overrides: unknown[] } };
    assert.deepEqual(plainPanel.fieldConfig.overrides, []);
  });

  test('a pattern that is not a regular expression is refused, naming it', () => {
    assert.throws(
      () => parseAlertsConfigOverride({ queueOverrides: { 'VIP (': { QueueDepthCritical: { maxWaiting: 10 } } } }, defaultAlertsConfig),
      /alerts config: queueOverrides\.VIP \(: "VIP \(" is not a regular expression/,
    );
    assert.throws(
      () => parseAlertsConfigOverride({ queueOverrides: { 'VIP .*': { QueueDepthCritical: { maxWaiting: 'ten' } } } }, defaultAlertsConfig),
      /queueOverrides\.VIP \.\*\.QueueDepthCritical\.maxWaiting: expected a number/,
    );
  });
});
