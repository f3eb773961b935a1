import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { defaultAlertsConfig } from '../../alerts/config.ts';
import { DASHBOARD_UIDS } from '../../config/project.ts';
import type { Layout } from '../../dashboards/common.ts';
import * as exporterHealth from '../../dashboards/exporter-health.ts';
import * as queueDetail from '../../dashboards/queue-detail.ts';
import * as queueOverview from '../../dashboards/queue-overview.ts';
import { toJson } from '../support/built-dashboards.ts';
import type { JsonDashboard } from '../support/built-dashboards.ts';

interface Module {
  readonly name: string;
  readonly uid: string;
  readonly panelIds: Readonly<Record<string, number>>;
  readonly layout: () => Layout;
  readonly build: (layout?: Layout) => Dashboard;
}

const config = defaultAlertsConfig;
const modules: Module[] = [
  {
    name: 'queue overview',
    uid: DASHBOARD_UIDS.queueOverview,
    panelIds: queueOverview.PANEL,
    layout: () => queueOverview.queueOverviewLayout(config),
    build: (layout) => queueOverview.buildQueueOverview(config, layout),
  },
  {
    name: 'queue detail',
    uid: DASHBOARD_UIDS.queueDetail,
    panelIds: queueDetail.PANEL,
    layout: () => queueDetail.queueDetailLayout(config),
    build: (layout) => queueDetail.buildQueueDetail(config, layout),
  },
  {
    name: 'exporter health',
    uid: DASHBOARD_UIDS.exporterHealth,
    panelIds: exporterHealth.PANEL,
    layout: () => exporterHealth.exporterHealthLayout(config),
    build: (layout) => exporterHealth.buildExporterHealth(config, layout),
  },
];

/** Everything that must not depend on where a panel sits: id → title, type and its queries by refId. */
function identity(dashboard: JsonDashboard): Map<number, string> {
  return new Map(
    dashboard.panels.map((panel) => [
      panel.id,
      JSON.stringify({ title: panel.title, type: panel.type, queries: (panel.targets ?? []).map((t) => [t.refId, t.expr]) }),
    ]),
  );
}

const reversed = (layout: Layout): Layout => [...layout].reverse().map((line) => [...line].reverse());

describe('stable panel ids and refIds', () => {
  for (const module of modules) {
    test(`${module.name}: fixed uid, unique ids matching its PANEL table, unique refIds per panel`, () => {
      const dashboard = toJson(module.build());
      assert.equal(dashboard.uid, module.uid);
      const ids = dashboard.panels.map((p) => p.id);
      assert.equal(new Set(ids).size, ids.length, `duplicate panel id in ${ids.join(', ')}`);
      assert.deepEqual(
        [...ids].sort((a, b) => a - b),
        Object.values(module.panelIds).sort((a, b) => a - b),
      );
      for (const panel of dashboard.panels) {
        const refIds = (panel.targets ?? []).map((t) => t.refId);
        assert.equal(new Set(refIds).size, refIds.length, `panel ${panel.id}: duplicate refId in ${refIds.join(', ')}`);
        for (const refId of refIds) assert.doesNotMatch(refId, /^[A-Z]$/, `panel ${panel.id}: refId ${refId} looks positional`);
      }
    });

    test(`${module.name}: reversing the layout moves panels but renumbers nothing`, () => {
      const original = toJson(module.build());
      const moved = toJson(module.build(reversed(module.layout())));
      assert.deepEqual(identity(moved), identity(original));
      // The reversal really moved panels (otherwise the comparison above proves nothing).
      const position = (d: JsonDashboard) => new Map(d.panels.map((p) => [p.id, JSON.stringify(p.gridPos)]));
      const movedPositions = position(moved);
      const changed = [...position(original)].filter(([id, pos]) => movedPositions.get(id) !== pos);
      assert.ok(changed.length >= original.panels.length / 2, `only ${changed.length} panels moved`);
    });

    test(`${module.name}: panels stay inside the 24-column grid and do not overlap`, () => {
      const panels = toJson(module.build()).panels;
      for (const p of panels) assert.ok(p.gridPos.x >= 0 && p.gridPos.x + p.gridPos.w <= 24, `panel ${p.id} ${JSON.stringify(p.gridPos)}`);
      for (const a of panels) {
        for (const b of panels) {
          if (a.id >= b.id) continue;
          const overlap =
            a.gridPos.x < b.gridPos.x + b.gridPos.w &&
            b.gridPos.x < a.gridPos.x + a.gridPos.w &&
            a.gridPos.y < b.gridPos.y + b.gridPos.h &&
            b.gridPos.y < a.gridPos.y + a.gridPos.h;
          assert.ok(!overlap, `panels ${a.id} and ${b.id} overlap`);
        }
      }
    });
  }

  test('a layout line wider than the grid is an error naming the dashboard and the line', () => {
    const [first, ...rest] = queueOverview.queueOverviewLayout(config);
    assert.ok(first !== undefined);
    const tooWide: Layout = [...rest, [...first, ...first]];
    assert.throws(
      () => queueOverview.buildQueueOverview(config, tooWide),
      new RegExp(`dashboard "Genesys Cloud: queue overview": layout line ${rest.length + 1} is 48 columns wide`),
    );
  });
});
