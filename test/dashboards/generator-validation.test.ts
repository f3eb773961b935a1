// The dashboards pass the generator's own checks (Grafana JSON schemas, datasource, description and
// unit on every panel, unique ids and refIds, PromQL parse, catalog names, counters inside rate/increase).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defaultAlertsConfig } from '../../alerts/config.ts';
import { dashboardSources } from '../../dashboards/index.ts';
import { SeriesRegistry } from '../../generator/series-registry.ts';
import { buildDashboard, checkDashboard } from '../../generator/validate-dashboard.ts';

describe('generator validation', () => {
  test('three dashboards, one module and file each', () => {
    assert.deepEqual(
      dashboardSources(defaultAlertsConfig).map((s) => [s.module, s.fileName]),
      [
        ['dashboards/queue-overview.ts', 'queue-overview.json'],
        ['dashboards/queue-detail.ts', 'queue-detail.json'],
        ['dashboards/exporter-health.ts', 'exporter-health.json'],
      ],
    );
  });

  for (const source of dashboardSources(defaultAlertsConfig)) {
    test(`${source.module}: no problems`, () => {
      const built = buildDashboard(source);
      assert.ok('model' in built, 'problem' in built ? built.problem.message : '');
      const problems = checkDashboard(source, built.model, SeriesRegistry.fromCatalog()).problems;
      assert.deepEqual(
        problems.map((p) => `${p.item}: ${p.message}`),
        [],
      );
    });
  }

  test('build() is deterministic: two builds give the same JSON', () => {
    for (const source of dashboardSources(defaultAlertsConfig)) assert.equal(JSON.stringify(source.build()), JSON.stringify(source.build()), source.module);
  });
});
