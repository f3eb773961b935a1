import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DASHBOARD_TAG, DASHBOARD_UIDS } from '../../config/project.ts';
import { PANEL as DETAIL } from '../../dashboards/queue-detail.ts';
import { PANEL as OVERVIEW } from '../../dashboards/queue-overview.ts';
import { builtDashboards, dashboardByFile, panelById, targetOf } from '../support/built-dashboards.ts';

/** As the issue specifies: green ≥ 0.80, yellow 0.60–0.79, red < 0.60. */
const SLA_STEPS = [
  { value: null, color: 'red' },
  { value: 0.6, color: 'yellow' },
  { value: 0.8, color: 'green' },
];

describe('SLA compliance, rolling 15 minutes (overview)', () => {
  const panel = panelById(dashboardByFile('queue-overview.json'), OVERVIEW.slaCompliance);

  test('the transformation chain: 1 - (breaches / offers), organize renames to "SLA Compliance %"', () => {
    assert.deepEqual(panel.transformations, [
      {
        id: 'calculateField',
        options: {
          mode: 'binary',
          binary: { left: { matcher: { id: 'byName', options: 'breaches' } }, operator: '/', right: { matcher: { id: 'byName', options: 'offers' } } },
          alias: 'breach ratio',
        },
      },
      {
        id: 'calculateField',
        options: {
          mode: 'binary',
          binary: { left: { fixed: '1' }, operator: '-', right: { matcher: { id: 'byName', options: 'breach ratio' } } },
          alias: 'SLA compliance',
        },
      },
      {
        id: 'organize',
        options: { excludeByName: { breaches: true, offers: true, 'breach ratio': true }, renameByName: { 'SLA compliance': 'SLA Compliance %' } },
      },
    ]);
    // The calculation refers to fields by display name: the queries' legends must produce them.
    assert.equal(targetOf(panel, 'breaches').legendFormat, 'breaches');
    assert.equal(targetOf(panel, 'offers').legendFormat, 'offers');
    assert.deepEqual((panel.options?.['reduceOptions'] as { calcs: string[] } | undefined)?.calcs, ['last']);
  });

  test('thresholds, unit (1.0 = 100 %) and colour by threshold', () => {
    const defaults = panel.fieldConfig.defaults;
    assert.equal(defaults['unit'], 'percentunit');
    assert.deepEqual(defaults['thresholds'], { mode: 'absolute', steps: SLA_STEPS });
    assert.deepEqual(defaults['color'], { mode: 'thresholds' });
  });

  test('a 15 m window on the counters, breaches summed by the same labels as offers, 0/0 dropped', () => {
    const breaches = targetOf(panel, 'breaches').expr;
    const offers = targetOf(panel, 'offers').expr;
    assert.match(breaches, /^\(sum\(increase\(genesys_queue_sla_breach_total\{[^}]*\}\[15m\]\)\) or /);
    assert.match(offers, /^sum\(increase\(genesys_queue_offer_total\{[^}]*\}\[15m\]\)\) > 0$/);
  });

  test('the per-queue and detail SLA panels use the same thresholds', () => {
    const byQueue = panelById(dashboardByFile('queue-overview.json'), OVERVIEW.slaComplianceByQueue);
    const detail = panelById(dashboardByFile('queue-detail.json'), DETAIL.slaCompliance);
    for (const p of [byQueue, detail]) {
      assert.deepEqual(p.fieldConfig.defaults['thresholds'], { mode: 'absolute', steps: SLA_STEPS }, p.title);
      assert.equal(p.fieldConfig.defaults['unit'], 'percentunit', p.title);
    }
  });
});

describe('links', () => {
  test('the overview drills down to the detail dashboard with the clicked queue', () => {
    const overview = dashboardByFile('queue-overview.json');
    const linked = overview.panels.filter((p) => (p.fieldConfig.defaults.links ?? []).length > 0);
    const linkedIds = linked.map((p) => p.id).sort((a, b) => a - b);
    assert.deepEqual(
      linkedIds,
      [
        OVERVIEW.slaComplianceByQueue,
        OVERVIEW.waitingNow,
        OVERVIEW.longestWaitNow,
        OVERVIEW.depthByQueue,
        OVERVIEW.p95WaitByQueue,
        OVERVIEW.averageHandleTime,
        OVERVIEW.averageSpeedOfAnswer,
        OVERVIEW.abandonRate,
        OVERVIEW.transferRate,
      ].sort((a, b) => a - b),
    );
    for (const panel of linked) {
      const url = panel.fieldConfig.defaults.links?.[0]?.url ?? '';
      assert.ok(url.startsWith(`/d/${DASHBOARD_UIDS.queueDetail}?`), url);
      const params = url.slice(url.indexOf('?') + 1).split('&');
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana data link variable, literally
      assert.ok(params.includes('var-queue=${__field.labels.queue_name}'), url);
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana URL variables, literally
      for (const kept of ['${__url_time_range}', '${datasource:queryparam}', '${cluster:queryparam}', '${media_type:queryparam}']) {
        assert.ok(params.includes(kept), `${url} does not keep ${kept}`);
      }
      // Every linked panel's series still carry queue_name, or the link would have an empty queue.
      for (const target of panel.targets ?? []) assert.match(target.expr, /by \((le, )?queue_name\b/, target.expr);
    }
  });

  for (const { source, model } of builtDashboards()) {
    test(`${source.module}: tagged, and links to the family by tag keeping time and variables`, () => {
      assert.deepEqual(model.tags, [DASHBOARD_TAG]);
      assert.deepEqual(
        model.links.map((l) => ({ type: l.type, tags: l.tags, keepTime: l.keepTime, includeVars: l.includeVars })),
        [{ type: 'dashboards', tags: [DASHBOARD_TAG], keepTime: true, includeVars: true }],
      );
    });
  }
});
