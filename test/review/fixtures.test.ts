// Real-world changes to the generated files, and the exact review lines each must produce. The base of
// every pair is the committed out/; the head is that tree edited the way the change edits it.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dump, load } from 'js-yaml';
import { changeLines, editJson, editYaml, type JsonObject, panel, realOut, reverseKeys, review } from '../support/review-fixtures.ts';

const OVERVIEW = 'dashboards/queue-overview.json';
const DETAIL = 'dashboards/queue-detail.json';
const ALERTS = 'prometheus/alerting_rules.yaml';
const ALERTMANAGER = 'alertmanager/alertmanager.yml';

describe('review fixtures: one real-world change each, exact lines', () => {
  test('a query edit shows the panel, the changed part and the whole PromQL before and after', () => {
    const base = realOut();
    let before = '';
    let after = '';
    const head = editJson(base, OVERVIEW, (d) => {
      const target = panel(d, 'Wait time p95 by queue and media type').targets[0];
      before = target.expr;
      after = before.replace('histogram_quantile(0.95,', 'histogram_quantile(0.99,');
      assert.notEqual(after, before, 'fixture: the p95 panel no longer uses histogram_quantile(0.95, …)');
      target.expr = after;
    });
    const { markdown } = review(base, head);
    assert.deepEqual(changeLines(markdown), [
      '**Summary:** 1 dashboard changed (1 panel).',
      '#### Genesys Cloud: queue overview (`genesys-queue-overview`)',
      '- **Wait time p95 by queue and media type** (timeseries, id 6)',
      '  - query `p95`: `0.95` → `0.99`',
    ]);
    const lines = markdown.split('\n');
    assert.deepEqual(lines.slice(0, 3), ['<!-- genesys-review -->', '## Review of generated output: `main` (0123456) → `working tree`', '']);
    const diffStart = lines.indexOf('    ```diff');
    assert.deepEqual(lines.slice(diffStart, diffStart + 4), ['    ```diff', `    - ${before}`, `    + ${after}`, '    ```']);
    assert.ok(lines.includes('![Layout of genesys-queue-overview before and after](genesys-queue-overview.svg)'));
  });

  test('a threshold change reads as the colour scale before and after', () => {
    const base = realOut();
    const head = editJson(base, OVERVIEW, (d) => {
      const steps = panel(d, 'SLA compliance, rolling 15 min').fieldConfig.defaults.thresholds.steps;
      assert.deepEqual(
        steps.map((s: { value: number | null }) => s.value),
        [null, 0.6, 0.8],
        'fixture: thresholds changed in the module',
      );
      steps[1].value = 0.7;
    });
    assert.deepEqual(changeLines(review(base, head).markdown), [
      '**Summary:** 1 dashboard changed (1 panel).',
      '#### Genesys Cloud: queue overview (`genesys-queue-overview`)',
      '- **SLA compliance, rolling 15 min** (stat, id 1)',
      '  - thresholds: `red, yellow ≥ 0.6, green ≥ 0.8` → `red, yellow ≥ 0.7, green ≥ 0.8`',
    ]);
  });

  test('a reorder (panels array shuffled, keys reversed, YAML reformatted) shows no change at all', () => {
    const base = realOut();
    let head = new Map(base);
    for (const path of [...base.keys()].filter((p) => p.startsWith('dashboards/'))) {
      head = editJson(head, path, (d) => {
        d.panels.reverse();
        const reversed = reverseKeys(d) as Record<string, unknown>;
        for (const key of Object.keys(d)) delete d[key];
        Object.assign(d, reversed);
      });
    }
    for (const path of [ALERTS, 'prometheus/recording_rules.yaml', ALERTMANAGER]) {
      head.set(path, dump(reverseKeys(load(base.get(path) ?? '')), { lineWidth: 60 }));
    }
    assert.notDeepEqual(head, base, 'fixture: the reorder must change the files');
    const { review: result, markdown } = review(base, head);
    assert.deepEqual(changeLines(markdown), [
      '**No changes.** Both sides generate the same dashboards, rules, Alertmanager configuration and deployment files.',
    ]);
    assert.deepEqual([result.dashboards, result.alerts, result.recordingRules, result.files, result.alertmanager], [[], [], [], [], null]);
  });

  test('a taller panel pushes the panels below down: a resize, and no panel below reported as moved', () => {
    const base = realOut();
    const head = editJson(base, OVERVIEW, (d) => {
      const grown = panel(d, 'Contacts waiting by queue');
      const bottom = grown.gridPos.y + grown.gridPos.h;
      for (const p of d.panels) if (p.gridPos.y >= bottom) p.gridPos.y += 3;
      grown.gridPos.h += 3;
    });
    assert.deepEqual(changeLines(review(base, head).markdown), [
      '**Summary:** 1 dashboard changed (1 panel).',
      '#### Genesys Cloud: queue overview (`genesys-queue-overview`)',
      '- **Contacts waiting by queue** (timeseries, id 5)',
      '  - resized: 12×9 → 12×12',
    ]);
  });

  test('a panel moved from one row to another is one move, naming both rows', () => {
    // queue-detail has no rows today; the fixture adds two (as a module with rows would generate them).
    const withRows = (d: JsonObject): void => {
      for (const p of d.panels) p.gridPos.y += p.gridPos.y >= 18 ? 2 : 1;
      d.panels.push(
        { id: 100, type: 'row', title: 'Now', collapsed: false, gridPos: { x: 0, y: 0, w: 24, h: 1 }, panels: [] },
        { id: 101, type: 'row', title: 'History', collapsed: false, gridPos: { x: 0, y: 19, w: 24, h: 1 }, panels: [] },
      );
    };
    const base = editJson(realOut(), DETAIL, withRows);
    const head = editJson(base, DETAIL, (d) => {
      const longestWait = panel(d, 'Longest wait');
      assert.deepEqual(longestWait.gridPos, { h: 8, w: 12, x: 12, y: 11 }, 'fixture: queue-detail layout changed');
      const bottom = Math.max(...d.panels.map((p: { gridPos: { y: number; h: number } }) => p.gridPos.y + p.gridPos.h));
      longestWait.gridPos.y = bottom;
    });
    assert.deepEqual(changeLines(review(base, head).markdown), [
      '**Summary:** 1 dashboard changed (1 panel).',
      '#### Genesys Cloud: queue detail (`genesys-queue-detail`)',
      '- **Longest wait** (timeseries, id 7)',
      '  - moved: row “Now”, x 12, y 11 → row “History”, x 12, y 61',
    ]);
  });

  test("an alert's `for` changed", () => {
    const base = realOut();
    const head = editYaml(base, ALERTS, (y) => {
      const rule = y.groups.flatMap((g: { rules: unknown[] }) => g.rules).find((r: { alert?: string }) => r.alert === 'QueueDepthCritical');
      assert.equal(rule.for, '5m', 'fixture: QueueDepthCritical is no longer for 5m');
      rule.for = '10m';
    });
    assert.deepEqual(changeLines(review(base, head).markdown), ['**Summary:** 1 alert changed.', '- **QueueDepthCritical**', '  - `for`: `5m` → `10m`']);
  });

  test('a route added to Alertmanager is named by its matchers from the root', () => {
    const base = realOut();
    const head = editYaml(base, ALERTMANAGER, (y) => {
      y.route.routes.splice(1, 0, { matchers: ['severity="info"', 'team="contact-center"'], receiver: 'slack-warning', group_wait: '5m' });
    });
    assert.deepEqual(changeLines(review(base, head).markdown), [
      '**Summary:** 1 Alertmanager change.',
      '- route `root › severity="info", team="contact-center"`: added',
      '  - `group_wait`: `5m`',
      '  - `receiver`: `slack-warning`',
    ]);
  });

  test('routes reordered: Alertmanager matches the first route, so the order is a change', () => {
    const base = realOut();
    const head = editYaml(base, ALERTMANAGER, (y) => {
      // The catch-all warning route moved before the opening-hours one: queue warnings would no longer be muted.
      y.route.routes.unshift(y.route.routes.pop());
    });
    assert.deepEqual(changeLines(review(base, head).markdown), [
      '**Summary:** 1 Alertmanager change.',
      '- routes under `root` reordered (first match wins): `severity="critical"`, `severity="critical"#2`, `severity="warning", queue_id=~".+"`, `severity="warning"` → `severity="warning"`, `severity="critical"`, `severity="critical"#2`, `severity="warning", queue_id=~".+"`',
    ]);
  });
});
