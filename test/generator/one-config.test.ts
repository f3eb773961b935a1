// One config for alerts and dashboards: `generate --config` with changed thresholds moves the alert and
// the panels that mirror it, in the files generate writes. The run is the command's own (loadInputs reads the
// --config file, run writes the folder) in this process: the flag itself, through a process of its own, is
// test/e2e/generate-cli.test.ts's. Each expectation is derived from the override below, and each differs from
// the default, so a panel still reading the defaults fails.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { load } from 'js-yaml';
import { defaultAlertsConfig } from '../../alerts/config.ts';
import { PANEL as HEALTH } from '../../dashboards/exporter-health.ts';
import { PANEL as DETAIL } from '../../dashboards/queue-detail.ts';
import { PANEL as OVERVIEW } from '../../dashboards/queue-overview.ts';
import { loadInputs } from '../../generator/load-sources.ts';
import { run } from '../../generator/run.ts';
import type { JsonDashboard } from '../support/built-dashboards.ts';

const OVERRIDE = {
  selectors: { job: 'contact-center-exporter' },
  rules: {
    QueueDepthCritical: { maxWaiting: 80 },
    WaitTimeDegradation: { maxP95WaitSeconds: { voice: 300 } },
    GenesysExporterDataStale: { missedPolls: 5, minAgeSeconds: 240 },
  },
};

let workspace: string;
let out: string;
before(() => {
  workspace = mkdtempSync(join(tmpdir(), 'generator-one-config-'));
  out = join(workspace, 'out');
  const config = join(workspace, 'override.yaml');
  writeFileSync(config, JSON.stringify(OVERRIDE)); // JSON is YAML
  // generate --out <out> --no-readme --config <config>
  const result = run({ mode: 'write', outDir: out, readme: undefined }, loadInputs(config));
  assert.equal(result.exitCode, 0, `generate failed: ${result.stderr.join('\n')}`);
});
after(() => rmSync(workspace, { recursive: true, force: true }));

const dashboard = (file: string): JsonDashboard => JSON.parse(readFileSync(join(out, 'dashboards', file), 'utf8')) as JsonDashboard;
const panel = (file: string, id: number) => {
  const found = dashboard(file).panels.find((p) => p.id === id);
  assert.ok(found, `${file}: no panel ${id}`);
  return found;
};
const steps = (file: string, id: number) => (panel(file, id).fieldConfig.defaults['thresholds'] as { steps: { value: number | null; color: string }[] }).steps;
const redAt = (file: string, id: number) => steps(file, id).find((s) => s.color === 'red')?.value;

interface RuleFile {
  groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
}
const alertExpr = (name: string): string => {
  const rules = (load(readFileSync(join(out, 'prometheus', 'alerting_rules.yaml'), 'utf8')) as RuleFile).groups.flatMap((g) => g.rules);
  const rule = rules.find((r) => r.alert === name);
  assert.ok(rule, name);
  return rule.expr;
};

describe('generate --config moves alerts and the panels that mirror them', () => {
  test('the override differs from the defaults (else this test could not fail)', () => {
    const d = defaultAlertsConfig;
    assert.notEqual(d.rules.QueueDepthCritical.maxWaiting, OVERRIDE.rules.QueueDepthCritical.maxWaiting);
    assert.notEqual(d.rules.WaitTimeDegradation.maxP95WaitSeconds.voice, OVERRIDE.rules.WaitTimeDegradation.maxP95WaitSeconds.voice);
    assert.notEqual(d.rules.GenesysExporterDataStale.missedPolls, OVERRIDE.rules.GenesysExporterDataStale.missedPolls);
    assert.notEqual(d.selectors.job, OVERRIDE.selectors.job);
  });

  test('depth: QueueDepthCritical and the depth panels turn red at the new limit', () => {
    const limit = OVERRIDE.rules.QueueDepthCritical.maxWaiting;
    assert.match(alertExpr('QueueDepthCritical'), new RegExp(` > ${limit}$`));
    assert.equal(redAt('queue-overview.json', OVERVIEW.waitingNow), limit);
    assert.equal(redAt('queue-detail.json', DETAIL.waitingNow), limit);
    assert.deepEqual(
      steps('queue-overview.json', OVERVIEW.waitingNow).map((s) => s.value),
      [null, limit / 2, limit],
    );
  });

  test("waits: WaitTimeDegradation's voice limit and the wait panels turn red at the new p95 limit", () => {
    const limit = OVERRIDE.rules.WaitTimeDegradation.maxP95WaitSeconds.voice;
    // The voice default applies to queues without a target time of their own; the panels colour against it.
    assert.ok(alertExpr('WaitTimeDegradation').includes(`{media_type="voice"} + ${limit})`), alertExpr('WaitTimeDegradation'));
    for (const id of [OVERVIEW.longestWaitNow, OVERVIEW.p95WaitByQueue]) assert.equal(redAt('queue-overview.json', id), limit, `overview panel ${id}`);
    for (const id of [DETAIL.longestWaitNow, DETAIL.longestWait, DETAIL.waitQuantiles])
      assert.equal(redAt('queue-detail.json', id), limit, `detail panel ${id}`);
  });

  test('stale data: the alert and the data-age panel use the same new limit', () => {
    const { missedPolls, minAgeSeconds } = OVERRIDE.rules.GenesysExporterDataStale;
    const limit = `clamp_min(${missedPolls} * `;
    assert.ok(alertExpr('GenesysExporterDataStale').includes(limit));
    assert.ok(alertExpr('GenesysExporterDataStale').includes(`, ${minAgeSeconds})`));
    const freshness = panel('exporter-health.json', HEALTH.freshness);
    assert.ok(freshness.targets?.[0]?.expr.includes(limit), freshness.targets?.[0]?.expr);
    assert.ok(freshness.targets?.[0]?.expr.includes(`, ${minAgeSeconds})`), freshness.targets?.[0]?.expr);
    assert.match(freshness.description ?? '', new RegExp(`${missedPolls} of its poll intervals, at least ${minAgeSeconds} s`));
  });

  test('job: the alerts and the exporter-health scrape panels select the overridden job', () => {
    const job = `job="${OVERRIDE.selectors.job}"`;
    assert.ok(alertExpr('GenesysExporterDown').includes(job));
    for (const id of [HEALTH.scrapeUp, HEALTH.upTimeline]) {
      const expr = panel('exporter-health.json', id).targets?.find((t) => t.refId === 'scrapeUp')?.expr ?? '';
      assert.ok(expr.includes(`up{${job}`), `panel ${id}: ${expr}`);
    }
    assert.doesNotMatch(readFileSync(join(out, 'dashboards', 'exporter-health.json'), 'utf8'), new RegExp(defaultAlertsConfig.selectors.job));
  });
});
