import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { builtDashboards, dashboardByFile } from '../support/built-dashboards.ts';

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's datasource variable, literally
const DATASOURCE_UID = '${datasource}';
/** Grafana's own variables a query may use. */
const GRAFANA_BUILTINS = new Set(['__rate_interval', '__interval', '__range', '__url_time_range']);

/** `$name` and `${name}` / `${name:format}` references in a string. */
function variableReferences(text: string): string[] {
  return [...text.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

describe('datasource', () => {
  for (const { source, model } of builtDashboards()) {
    test(`${source.module}: every panel and every query reads from $datasource`, () => {
      const datasourceVariable = model.templating.list.find((v) => v.name === 'datasource');
      assert.equal(datasourceVariable?.type, 'datasource');
      assert.equal(datasourceVariable?.query, 'prometheus');
      assert.ok(model.panels.length > 0);
      for (const panel of model.panels) {
        assert.deepEqual(panel.datasource, { type: 'prometheus', uid: DATASOURCE_UID }, `panel ${panel.id} "${panel.title}"`);
        assert.ok((panel.targets ?? []).length > 0, `panel ${panel.id} "${panel.title}" has no query`);
        for (const target of panel.targets ?? []) {
          assert.deepEqual(target.datasource, { type: 'prometheus', uid: DATASOURCE_UID }, `panel ${panel.id} query ${target.refId}`);
        }
      }
      for (const variable of model.templating.list.filter((v) => v.type === 'query')) {
        assert.equal(variable.datasource?.uid, DATASOURCE_UID, `variable ${variable.name}`);
      }
    });
  }
});

describe('variables', () => {
  const expected: Record<string, string[]> = {
    'queue-overview.json': ['datasource', 'cluster', 'queue', 'media_type'],
    'queue-detail.json': ['datasource', 'cluster', 'queue', 'media_type'],
    'exporter-health.json': ['datasource', 'cluster'],
  };
  for (const { source, model } of builtDashboards()) {
    test(`${source.module}: has its variables, and every $variable a query or link uses is defined`, () => {
      const defined = model.templating.list.map((v) => v.name);
      assert.deepEqual(defined, expected[source.fileName]);
      const texts = [
        ...model.templating.list.map((v) => String(v.query ?? '')),
        ...model.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => [t.expr, t.legendFormat ?? ''])),
        ...model.panels.flatMap((p) => [p.title, p.description ?? '']),
        ...model.panels.flatMap((p) => (p.fieldConfig.defaults.links ?? []).flatMap((l) => [l.title, l.url ?? ''])),
      ];
      for (const text of texts) {
        for (const name of variableReferences(text)) {
          assert.ok(defined.includes(name) || GRAFANA_BUILTINS.has(name), `"$${name}" is not defined, in: ${text}`);
        }
      }
    });
  }

  test('overview: queue is multi-value with All as .*, media type multi-value with All (.*) as the default', () => {
    const variables = dashboardByFile('queue-overview.json').templating.list;
    const queue = variables.find((v) => v.name === 'queue');
    assert.equal(queue?.multi, true);
    assert.equal(queue?.includeAll, true);
    assert.equal(queue?.allValue, '.*');
    assert.equal(queue?.query, 'label_values(genesys_queue_info{cluster=~"$cluster"}, queue_name)');
    assert.equal(variables.find((v) => v.name === 'cluster')?.query, 'label_values(genesys_up, cluster)');
    const media = variables.find((v) => v.name === 'media_type');
    assert.equal(media?.multi, true);
    assert.equal(media?.includeAll, true);
    assert.equal(media?.allValue, '.*');
    // Grafana's "All" selection: an email-only queue shows its data without anyone changing the variable.
    assert.deepEqual(media?.current?.value, ['$__all']);
  });

  test('queue panels filter by cluster, queue and media type; the detail matches its one queue exactly', () => {
    const overview = dashboardByFile('queue-overview.json');
    const detail = dashboardByFile('queue-detail.json');
    const depth = (d: typeof overview) =>
      d.panels
        .flatMap((p) => p.targets ?? [])
        .map((t) => t.expr)
        .filter((e) => e.includes('genesys_queue_depth{'));
    assert.ok(depth(overview).length > 0 && depth(detail).length > 0);
    for (const expr of depth(overview)) {
      assert.match(expr, /genesys_queue_depth\{cluster=~"\$cluster", queue_name=~"\$queue", media_type=~"\$media_type"\}/);
    }
    // Grafana does not regex-escape a single-value variable: a queue named "Sales (EU)" needs =, not =~.
    const detailVariable = detail.templating.list.find((v) => v.name === 'queue');
    assert.equal(detailVariable?.multi, false);
    assert.equal(detailVariable?.includeAll, false);
    for (const expr of detail.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr)) {
      assert.doesNotMatch(expr, /queue_name=~"\$queue"/, expr);
    }
    for (const expr of depth(detail)) assert.match(expr, /queue_name="\$queue"/);
  });
});

describe('query conventions', () => {
  test('every rate/increase window is $__rate_interval, except the SLA rolling window of 15m', () => {
    let windows = 0;
    for (const { source, model } of builtDashboards()) {
      for (const panel of model.panels) {
        for (const target of panel.targets ?? []) {
          for (const m of target.expr.matchAll(/\b(rate|increase|irate)\((\w+)\{[^}]*\}\[([^\]]+)\]\)/g)) {
            windows += 1;
            const [, fn, metric, window] = m;
            const slaCounter = metric === 'genesys_queue_sla_breach_total' || metric === 'genesys_queue_offer_total';
            const allowed = slaCounter && fn === 'increase' ? ['$__rate_interval', '15m'] : ['$__rate_interval'];
            assert.ok(allowed.includes(window ?? ''), `${source.module} panel ${panel.id} ${target.refId}: ${fn}(${metric}[${window}])`);
          }
        }
      }
    }
    assert.ok(windows > 20, `only ${windows} rate/increase windows found: the pattern is not matching`);
  });
});
