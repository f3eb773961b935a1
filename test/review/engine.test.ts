// The rest of what the review compares, each with the exact lines it must print: dashboards added,
// removed, renamed and moved to another file; panels added, removed, renumbered; units, transformations,
// overrides, links, variables; alerts added and removed, severity, recording rules; receivers,
// inhibitions, time intervals; deployment files as data or as a diff; pictures; bad input.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dump, load } from 'js-yaml';
import { ReviewInputError } from '../../review/out-tree.ts';
import { renderLayouts } from '../../review/svg.ts';
import { changeLines, editJson, editYaml, type JsonObject, panel, realOut, review } from '../support/review-fixtures.ts';

const OVERVIEW = 'dashboards/queue-overview.json';
const HEALTH = 'dashboards/exporter-health.json';
const ALERTS = 'prometheus/alerting_rules.yaml';
const RECORDING = 'prometheus/recording_rules.yaml';
const ALERTMANAGER = 'alertmanager/alertmanager.yml';

describe('review: dashboards', () => {
  test('a dashboard renamed, one moved to another file, one removed, one added', () => {
    const base = realOut();
    const head = editJson(base, OVERVIEW, (d) => {
      d.title = 'Genesys Cloud: queues';
    });
    const detail = head.get('dashboards/queue-detail.json') ?? '';
    head.delete('dashboards/queue-detail.json');
    head.set('dashboards/detail.json', detail);
    const health = JSON.parse(head.get(HEALTH) ?? '{}');
    head.delete(HEALTH);
    const stat = (id: number, title: string, x: number, refId: string, expr: string) => ({
      id,
      type: 'stat',
      title,
      gridPos: { x, y: 0, w: 12, h: 4 },
      targets: [{ refId, expr }],
    });
    const panels = [stat(1, 'Queues', 0, 'queues', 'count(genesys_queue_info)'), stat(2, 'Agents', 12, 'agents', 'sum(genesys_queue_members)')];
    head.set('dashboards/new.json', JSON.stringify({ ...health, uid: 'genesys-new', title: 'New', panels }));
    assert.deepEqual(changeLines(review(base, head).markdown), [
      '**Summary:** 1 dashboard added, 1 dashboard removed, 1 dashboard changed (renamed).',
      '#### Genesys Cloud: exporter health (`genesys-exporter-health`): removed',
      '#### New (`genesys-new`): added, 2 panels',
      '- **Queues** (stat, id 1): added at x 0, y 0, 12×4',
      '  - query `queues`: added',
      '- **Agents** (stat, id 2): added at x 12, y 0, 12×4',
      '  - query `agents`: added',
      '#### Genesys Cloud: queues (`genesys-queue-overview`): renamed from “Genesys Cloud: queue overview”',
    ]);
  });

  test('panels added and removed; a panel renumbered is one panel with a new id, not two', () => {
    const base = realOut();
    const head = editJson(base, OVERVIEW, (d) => {
      const removed = panel(d, 'Longest wait now');
      d.panels = d.panels.filter((p: { id: number }) => p !== removed);
      panel(d, 'Agent capacity').id = 42;
      d.panels.push({
        id: 99,
        type: 'timeseries',
        title: 'Callbacks offered',
        gridPos: { x: 0, y: 42, w: 24, h: 8 },
        targets: [{ refId: 'abandoned', expr: 'sum(rate(genesys_queue_abandoned_total[5m]))' }],
      });
    });
    const lines = changeLines(review(base, head).markdown);
    assert.deepEqual(lines, [
      '**Summary:** 1 dashboard changed (3 panels).',
      '#### Genesys Cloud: queue overview (`genesys-queue-overview`)',
      '- **Agent capacity** (table, id 42)',
      '  - id: `8` → `42` (links to the old id break)',
      '- **Callbacks offered** (timeseries, id 99): added at x 0, y 42, 24×8',
      '  - query `abandoned`: added',
      '- **Longest wait now** (bargauge, id 4): removed (was at x 18, y 0, 6×8)',
    ]);
    assert.match(review(base, head).markdown, /```diff\n {4}\+ sum\(rate\(genesys_queue_abandoned_total\[5m\]\)\)\n/);
  });

  test('ids swapped between two panels: each is still itself, with a new id; a retitled panel keeps its id', () => {
    const base = realOut();
    const head = editJson(base, OVERVIEW, (d) => {
      const traffic = panel(d, 'Offered, answered, abandoned');
      const capacity = panel(d, 'Agent capacity');
      [traffic.id, capacity.id] = [capacity.id, traffic.id];
      panel(d, 'Contacts waiting by queue').title = 'Contacts waiting';
    });
    assert.deepEqual(changeLines(review(base, head).markdown), [
      '**Summary:** 1 dashboard changed (3 panels).',
      '#### Genesys Cloud: queue overview (`genesys-queue-overview`)',
      '- **Contacts waiting** (timeseries, id 5)',
      '  - title: `Contacts waiting by queue` → `Contacts waiting`',
      '- **Offered, answered, abandoned** (timeseries, id 8)',
      '  - id: `7` → `8` (links to the old id break)',
      '- **Agent capacity** (table, id 7)',
      '  - id: `8` → `7` (links to the old id break)',
    ]);
  });

  test('unit, transformation, override, link, description and variable changes', () => {
    const base = realOut();
    const head = editJson(base, OVERVIEW, (d) => {
      const waiting = panel(d, 'Contacts waiting by queue');
      waiting.fieldConfig.defaults.unit = 'none';
      waiting.description = 'Now shorter.';
      const capacity = panel(d, 'Agent capacity');
      capacity.transformations.push({ id: 'sortBy', options: { sort: [{ field: 'queue_name' }] } });
      capacity.fieldConfig.overrides.unshift({ matcher: { id: 'byName', options: 'Idle' }, properties: [{ id: 'unit', value: 'short' }] });
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana data link variable, not a template string
      panel(d, 'Longest wait now').fieldConfig.defaults.links[0].title = 'Open ${__field.labels.queue_name}';
      const queue = d.templating.list.find((v: { name: string }) => v.name === 'queue');
      queue.multi = false;
    });
    assert.deepEqual(changeLines(review(base, head).markdown), [
      '**Summary:** 1 dashboard changed (3 panels, 1 variable).',
      '#### Genesys Cloud: queue overview (`genesys-queue-overview`)',
      '- variable `queue`',
      '  - `multi`: `true` → `false`',
      '- **Longest wait now** (bargauge, id 4)',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana data link variables, not a template string
      '  - link `links[0].title`: `Queue detail: ${__field.labels.queue_name}` → `Open ${__field.labels.queue_name}`',
      '- **Contacts waiting by queue** (timeseries, id 5)',
      `  - description: \`${panel(JSON.parse(base.get(OVERVIEW) ?? '{}'), 'Contacts waiting by queue').description}\` → \`Now shorter.\``,
      '  - unit: `short` → `none`',
      '- **Agent capacity** (table, id 8)',
      '  - override `[byName=Idle]`: added `{"matcher":{"id":"byName","options":"Idle"},"properties":[{"id":"unit","value":"short"}]}`',
      '  - transformation `[sortBy]`: added `{"id":"sortBy","options":{"sort":[{"field":"queue_name"}]}}`',
    ]);
  });
});

describe('review: collapsed rows', () => {
  /** exporter-health with its panels split into two collapsed rows, as a module with rows would generate it. */
  const collapsed = (d: JsonObject): void => {
    const top = d.panels.filter((p: { gridPos: { y: number } }) => p.gridPos.y < 10);
    const rest = d.panels.filter((p: { gridPos: { y: number } }) => p.gridPos.y >= 10);
    d.panels = [
      { id: 100, type: 'row', title: 'Status', collapsed: true, gridPos: { x: 0, y: 0, w: 24, h: 1 }, panels: top },
      { id: 101, type: 'row', title: 'Requests', collapsed: true, gridPos: { x: 0, y: 1, w: 24, h: 1 }, panels: rest },
    ];
  };

  test('a panel moved from one collapsed row into another is a move between the rows', () => {
    const base = editJson(realOut(), HEALTH, collapsed);
    const head = editJson(base, HEALTH, (d) => {
      const [status, requests] = d.panels;
      const moving = status.panels.find((p: { title: string }) => p.title === 'Collector runs');
      status.panels = status.panels.filter((p: unknown) => p !== moving);
      requests.panels.push({ ...moving, gridPos: { ...moving.gridPos, x: 0, y: 60 } });
    });
    assert.deepEqual(changeLines(review(base, head).markdown), [
      '**Summary:** 1 dashboard changed (1 panel).',
      '#### Genesys Cloud: exporter health (`genesys-exporter-health`)',
      '- **Collector runs** (state-timeline, id 8)',
      '  - moved: row “Status”, x 12, y 4 → row “Requests”, x 0, y 60',
    ]);
  });

  test('expanding a row changes the row, not the panels that come out of it', () => {
    const base = editJson(realOut(), HEALTH, collapsed);
    const head = editJson(base, HEALTH, (d) => {
      const [status, requests] = d.panels;
      const inner = status.panels;
      status.collapsed = false;
      status.panels = [];
      for (const p of inner) p.gridPos.y += 1;
      requests.gridPos.y = 1 + Math.max(...inner.map((p: { gridPos: { y: number; h: number } }) => p.gridPos.y + p.gridPos.h));
      d.panels = [status, ...inner, requests];
    });
    assert.deepEqual(changeLines(review(base, head).markdown), [
      '**Summary:** 1 dashboard changed (1 panel).',
      '#### Genesys Cloud: exporter health (`genesys-exporter-health`)',
      '- **Status** (row, id 100)',
      '  - `collapsed`: `true` → `false`',
    ]);
  });
});

describe('review: rules', () => {
  test('alerts added and removed, severity and labels changed, a recording rule expr changed', () => {
    const base = realOut();
    let head = editYaml(base, ALERTS, (y) => {
      const rules = y.groups[0].rules;
      const depth = rules.find((r: { alert: string }) => r.alert === 'QueueDepthCritical');
      depth.labels.severity = 'warning';
      depth.labels.team = 'contact-center';
      y.groups[0].rules = rules.filter((r: { alert: string }) => r.alert !== 'QueueNoAvailableAgents');
      y.groups[0].rules.push({
        alert: 'QueueEmpty',
        expr: 'sum(genesys_queue_depth) == 0',
        for: '1h',
        labels: { severity: 'info' },
        annotations: { summary: 'Nothing waits' },
      });
    });
    head = editYaml(head, RECORDING, (y) => {
      const rule = y.groups[0].rules.find((r: { record: string }) => r.record === 'queue_name_media_type:genesys_queue_offer:increase15m');
      rule.expr = rule.expr.replace('[15m]', '[10m]');
    });
    assert.deepEqual(changeLines(review(base, head).markdown), [
      '**Summary:** 1 alert added, 1 alert removed, 1 alert changed, 1 recording rule changed.',
      '- **QueueDepthCritical**',
      '  - severity: `critical` → `warning`',
      '  - label `team`: added `contact-center`',
      '- **QueueNoAvailableAgents**: removed (group `genesys-queue-alerts`)',
      '- **QueueEmpty**: added (group `genesys-queue-alerts`)',
      '  - expr:',
      '  - `for`: `1h`',
      '  - severity: `info`',
      '  - annotation `summary`: `Nothing waits`',
      '- **queue_name_media_type:genesys_queue_offer:increase15m**',
      '  - expr: `15m` → `10m`',
    ]);
  });
});

describe('review: Alertmanager', () => {
  test('a receiver changed, an inhibition changed, a time interval added, a route muted by it', () => {
    const base = realOut();
    const head = editYaml(base, ALERTMANAGER, (y) => {
      y.receivers.find((r: { name: string }) => r.name === 'slack-warning').slack_configs[0].channel = '#cc-oncall';
      y.inhibit_rules[0].equal = ['cluster'];
      y.time_intervals.push({ name: 'weekends', time_intervals: [{ weekdays: ['saturday', 'sunday'] }] });
      y.route.routes.find((r: { matchers: string[] }) => r.matchers.join() === 'severity="warning"').mute_time_intervals = ['weekends'];
    });
    const lines = changeLines(review(base, head).markdown);
    assert.equal(lines[0], '**Summary:** 5 Alertmanager changes.');
    assert.deepEqual(lines.slice(1, 3), ['- route `root › severity="warning"`', '  - `mute_time_intervals`: added `["weekends"]`']);
    assert.deepEqual(lines.slice(3, 5), ['- receiver `slack-warning`', '  - `slack_configs[0].channel`: `#contact-center-alerts` → `#cc-oncall`']);
    assert.match(lines[5] ?? '', /^- inhibition removed: `alertname=~".*" mutes queue_name=~"\.\+" when equal: cluster, job`$/);
    assert.match(lines[6] ?? '', /^- inhibition added: `alertname=~".*" mutes queue_name=~"\.\+" when equal: cluster`$/);
    assert.deepEqual(lines.slice(7), ['- time interval `weekends`: added']);
  });
});

describe('review: other files', () => {
  test('a Kubernetes manifest compared by document, a comment-only edit ignored, a text file as a unified diff', () => {
    const manifest = [
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: exporter\n  namespace: monitoring\nspec:\n  ports:\n    - port: 9813\n',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: exporter\n  namespace: monitoring\nspec:\n  replicas: 1\n',
    ];
    const base = new Map(realOut())
      .set('deploy/kubernetes.yaml', manifest.join('---\n'))
      .set('deploy/Dockerfile', 'FROM node:20\nUSER node\nCMD ["node", "main.js"]\n');
    const head = new Map(base)
      .set('deploy/kubernetes.yaml', `# comment\n${[manifest[1]?.replace('replicas: 1', 'replicas: 2'), manifest[0]].join('---\n')}`)
      .set('grafana/provisioning/dashboards/genesys.yaml', `# only a comment changed\n${base.get('grafana/provisioning/dashboards/genesys.yaml')}`)
      .set('deploy/Dockerfile', 'FROM node:22\nUSER node\nCMD ["node", "main.js"]\n');
    const { markdown } = review(base, head);
    assert.deepEqual(changeLines(markdown), [
      '**Summary:** 2 files changed.',
      '- `deploy/Dockerfile`',
      '- `deploy/kubernetes.yaml`',
      '  - `Deployment monitoring/exporter.spec.replicas`: `1` → `2`',
    ]);
    assert.ok(
      markdown.includes(
        ['  ```diff', '  --- a/deploy/Dockerfile', '  +++ b/deploy/Dockerfile', '  @@ -1,3 +1,3 @@', '  -FROM node:20', '  +FROM node:22', '   USER node'].join(
          '\n',
        ),
      ),
    );
  });
});

describe('review: deployment files that wrap dashboards and rules', () => {
  /** The wrappers a generator writes for each target, built from one side's own dashboard and rules. */
  function withWrappers(tree: Map<string, string>, options: { namespace?: string; staleFrom?: Map<string, string> } = {}): Map<string, string> {
    const overview = JSON.parse(tree.get(OVERVIEW) ?? '{}');
    const stale = JSON.parse(options.staleFrom?.get(OVERVIEW) ?? 'null') ?? overview;
    const rules = load(tree.get(ALERTS) ?? '') as JsonObject;
    const meta = (name: string) => ({ name, namespace: options.namespace ?? 'monitoring' });
    return new Map(tree)
      .set(
        'deploy/grafana-operator/dashboards.yaml',
        dump({
          apiVersion: 'grafana.integreatly.org/v1beta1',
          kind: 'GrafanaDashboard',
          metadata: meta('genesys-queue-overview'),
          spec: { json: JSON.stringify(stale) },
        }),
      )
      .set(
        'deploy/grafana-sidecar/dashboards.yaml',
        dump({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { ...meta('genesys-dashboards'), labels: { grafana_dashboard: '1' } },
          data: { 'queue-overview.json': JSON.stringify(overview, null, 2) },
        }),
      )
      .set('deploy/grafana-api/queue-overview.json', JSON.stringify({ dashboard: overview, folderUid: 'genesys-cloud', overwrite: true }))
      .set(
        'deploy/prometheus-operator/alerting-rules.yaml',
        dump({ apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: meta('genesys-alerts'), spec: { groups: rules.groups } }),
      )
      .set('deploy/mimir/genesys.yaml', dump({ groups: rules.groups }));
  }

  const edited = (base: Map<string, string>): Map<string, string> => {
    const head = editJson(base, OVERVIEW, (d) => {
      const target = panel(d, 'Wait time p95 by queue and media type').targets[0];
      target.expr = target.expr.replace('histogram_quantile(0.95,', 'histogram_quantile(0.99,');
    });
    return editYaml(head, ALERTS, (y) => {
      y.groups[0].rules[0].for = '7m';
    });
  };

  test('a query and an alert changed: reported once, not again in each wrapper; the wrapper’s own change is', () => {
    const base = realOut();
    const lines = changeLines(review(withWrappers(base), withWrappers(edited(base), { namespace: 'observability' })).markdown);
    assert.deepEqual(lines, [
      '**Summary:** 1 dashboard changed (1 panel), 1 alert changed, 3 files changed.',
      '#### Genesys Cloud: queue overview (`genesys-queue-overview`)',
      '- **Wait time p95 by queue and media type** (timeseries, id 6)',
      '  - query `p95`: `0.95` → `0.99`',
      '- **QueueDepthCritical**',
      '  - `for`: `5m` → `7m`',
      // The API payload and the Mimir file have nothing of their own that changed: not listed.
      '- `deploy/grafana-operator/dashboards.yaml`',
      '  - `metadata.namespace`: `monitoring` → `observability`',
      '- `deploy/grafana-sidecar/dashboards.yaml`',
      '  - `metadata.namespace`: `monitoring` → `observability`',
      '- `deploy/prometheus-operator/alerting-rules.yaml`',
      '  - `metadata.namespace`: `monitoring` → `observability`',
    ]);
  });

  test('a wrapper still holding the old dashboard is a change of that wrapper', () => {
    const base = realOut();
    const head = edited(base);
    const lines = changeLines(review(withWrappers(base), withWrappers(head, { staleFrom: base })).markdown);
    assert.deepEqual(lines.slice(-2), [
      '- `deploy/grafana-operator/dashboards.yaml`',
      '  - `spec.json`: `«dashboard genesys-queue-overview»` → `«dashboard genesys-queue-overview (the base version)»`',
    ]);
    assert.equal(lines.filter((line) => line.startsWith('- `deploy/')).length, 1);
  });
});

describe('review: pictures, JSON, errors', () => {
  test('one SVG per changed dashboard, the same bytes each time, marking what changed', () => {
    const base = realOut();
    const head = editJson(base, OVERVIEW, (d) => {
      panel(d, 'Contacts waiting now').title = 'Waiting now';
      d.panels = d.panels.filter((p: { title: string }) => p.title !== 'Agent capacity');
    });
    const { review: result } = review(base, head);
    const first = renderLayouts(result.dashboards, base, head);
    assert.deepEqual([...first.keys()], ['genesys-queue-overview']);
    assert.equal(renderLayouts(result.dashboards, base, head).get('genesys-queue-overview'), first.get('genesys-queue-overview'));
    const svg = first.get('genesys-queue-overview') ?? '';
    // Before: Agent capacity removed (red), panel 3 changed (orange); after: Agent capacity gone.
    assert.match(svg, /fill="#fad2cf"[^>]*\/>\n<text[^>]*>8 · Agent capacity<\/text>/);
    assert.equal((svg.match(/fill="#feefc3"/g) ?? []).length, 1 + 2, 'panel 3 on both sides, plus the legend');
    assert.equal((svg.match(/>8 · Agent capacity</g) ?? []).length, 1);
  });

  test('the JSON change list says what the Markdown says', () => {
    const base = realOut();
    const head = editYaml(base, ALERTS, (y) => {
      y.groups[0].rules[0].for = '7m';
    });
    const { review: result } = review(base, head);
    const name = (base.get(ALERTS) ?? '').match(/- alert: (\w+)/)?.[1];
    assert.deepEqual(JSON.parse(JSON.stringify(result.alerts)), [
      { kind: 'alert', name, group: 'genesys-queue-alerts', status: 'changed', changes: [{ path: 'for', before: '5m', after: '7m' }] },
    ]);
  });

  test('a generated file that does not parse is an error naming the side and the file', () => {
    const base = realOut();
    const head = new Map(base).set(OVERVIEW, '{"uid": ');
    assert.throws(
      () => review(base, head),
      (error: unknown) => {
        assert.ok(error instanceof ReviewInputError);
        assert.match(error.message, /^head dashboards\/queue-overview\.json: not valid JSON/);
        return true;
      },
    );
  });
});
