// Each validator, given a module with one mistake, reports that mistake with module, item and hint.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { generateArtifacts } from '../../generator/generate-artifacts.ts';
import { fixtureDashboard, GOOD_DEPTH } from './fixtures/dashboard.ts';
import { fixtureAlertmanager, fixtureRules, GOOD_ALERT } from './fixtures/rules.ts';
import { fixtureInputs, problemsOf } from './support/helpers.ts';

const OVERVIEW = 'test/fixtures/overview.ts › panel "Depth" (id 1) target A : ';
const ALERT = 'test/fixtures/alerts.ts › rule QueueDepthHigh : ';

test('the fixtures themselves are valid (so each failure below comes from its one mistake)', () => {
  const result = generateArtifacts(fixtureInputs());
  assert.equal(result.ok, true, result.ok ? '' : JSON.stringify(result.problems, null, 2));
});

describe('PromQL in dashboards', () => {
  test('a typo in a metric name is reported with the closest catalog name', () => {
    const problems = problemsOf({ dashboards: [fixtureDashboard({ depthExpr: GOOD_DEPTH.replace('genesys_queue_depth', 'genesys_queue_depht') })] });
    assert.deepEqual(problems, [
      `${OVERVIEW}unknown metric "genesys_queue_depht": not in metrics/catalog.ts, not a recording rule, not up/ALERTS (did you mean "genesys_queue_depth"?)`,
    ]);
  });

  test('broken PromQL is reported with its position', () => {
    const problems = problemsOf({ dashboards: [fixtureDashboard({ depthExpr: 'sum by (queue_name) (genesys_queue_depth{queue_name=~"$queue"}' })] });
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /^test\/fixtures\/overview\.ts › panel "Depth" \(id 1\) target A : PromQL does not parse at the end/);
  });

  test('a counter without rate() is reported with the fix', () => {
    const problems = problemsOf({ dashboards: [fixtureDashboard({ depthExpr: 'sum by (queue_name) (genesys_queue_offer_total)' })] });
    assert.deepEqual(problems, [
      `${OVERVIEW}counter genesys_queue_offer_total is used without rate()/increase()/irate(): its raw value only grows and drops to 0 when the exporter restarts (wrap it: rate(genesys_queue_offer_total[$__rate_interval]) in panels, rate(genesys_queue_offer_total[5m]) in rules)`,
    ]);
  });

  test('histogram buckets without rate() are reported too', () => {
    const problems = problemsOf({ dashboards: [fixtureDashboard({ depthExpr: 'sum by (le) (genesys_queue_wait_time_seconds_bucket)' })] });
    assert.match(problems.join('\n'), /histogram series genesys_queue_wait_time_seconds_bucket is used without rate/);
  });

  test('histogram_quantile over series aggregated without le is reported', () => {
    const expr = 'histogram_quantile(0.95, sum by (queue_name) (rate(genesys_queue_wait_time_seconds_bucket[$__rate_interval])))';
    const problems = problemsOf({ dashboards: [fixtureDashboard({ depthExpr: expr })] });
    assert.deepEqual(problems, [
      `${OVERVIEW}histogram_quantile() gets series without the le label (they keep only: queue_name) (keep le when aggregating: sum by (le, queue_name) (rate(…_bucket[…])))`,
    ]);
  });

  test('an unknown label in a matcher and in a by clause is reported with a suggestion', () => {
    const problems = problemsOf({ dashboards: [fixtureDashboard({ depthExpr: 'sum by (queu_name) (genesys_queue_depth{medai_type="voice"})' })] });
    assert.equal(problems.length, 2);
    assert.match(problems[0] ?? '', /label "medai_type" is not on genesys_queue_depth .*\(did you mean "media_type"\?\)$/);
    assert.match(problems[1] ?? '', /sum by \(queu_name\): label "queu_name" is not on the aggregated series .*\(did you mean "queue_name"\?\)$/);
  });

  test('a multi-value variable used with = instead of =~ is reported', () => {
    const problems = problemsOf({ dashboards: [fixtureDashboard({ depthExpr: 'sum by (queue_name) (genesys_queue_depth{queue_name="$queue"})' })] });
    assert.deepEqual(problems, [
      `${OVERVIEW}multi-value variable $queue is used with = on label queue_name; Grafana substitutes a regex (a|b) (use =~: queue_name=~"$queue")`,
    ]);
  });

  test("label_replace's $1 is not mistaken for a Grafana variable", () => {
    const expr = 'label_replace(sum by (queue_name) (genesys_queue_depth{queue_name=~"$queue"}), "queue", "$1", "queue_name", "(.*)")';
    const result = generateArtifacts(fixtureInputs({ dashboards: [fixtureDashboard({ depthExpr: expr })] }));
    assert.equal(result.ok, true, result.ok ? '' : JSON.stringify(result.problems));
  });

  test('a legend naming a label the query does not keep is reported', () => {
    const source = fixtureDashboard();
    const withLegend = {
      ...source,
      build: () => {
        const model = source.build() as { panels: { id: number; targets: Record<string, unknown>[] }[] };
        return {
          ...model,
          panels: model.panels.map((p) =>
            p.id === 1 ? { ...p, targets: p.targets.map((t) => ({ ...t, legendFormat: '{{queue_name}} {{media_type}}' })) } : p,
          ),
        };
      },
    };
    assert.deepEqual(problemsOf({ dashboards: [withLegend] }), [
      `${OVERVIEW}legendFormat uses {{media_type}}, but the query's result has no label "media_type" (it keeps: queue_name) (group by that label or change the legend)`,
    ]);
  });

  test('an undefined variable is reported', () => {
    const problems = problemsOf({ dashboards: [fixtureDashboard({ depthExpr: 'sum by (queue_name) (genesys_queue_depth{queue_name=~"$queues"})' })] });
    assert.deepEqual(problems, [`${OVERVIEW}uses $queues, but the dashboard defines no variable "queues" (did you mean "queue"?)`]);
  });

  test('a template variable query naming a missing label is reported', () => {
    const problems = problemsOf({ dashboards: [fixtureDashboard({ variableQuery: 'label_values(genesys_queue_info, media_type)' })] });
    assert.equal(problems.length, 1);
    assert.match(
      problems[0] ?? '',
      /^test\/fixtures\/overview\.ts › variable queue : label_values\(…, media_type\): the selected series have no label "media_type"/,
    );
  });
});

describe('dashboard conventions and schema', () => {
  test('a panel without a datasource is reported', () => {
    const problems = problemsOf({ dashboards: [fixtureDashboard({ depthDatasource: undefined })] });
    assert.deepEqual(problems, [
      `test/fixtures/overview.ts › panel "Depth" (id 1) : the panel names no datasource (set datasource { type: 'prometheus', uid: '\${datasource}' })`,
    ]);
  });

  test('a panel on another datasource is reported', () => {
    const problems = problemsOf({ dashboards: [fixtureDashboard({ depthDatasource: { type: 'prometheus', uid: 'some-other' } })] });
    assert.match(problems.join('\n'), /panel "Depth" \(id 1\) : the panel uses datasource "some-other", not the dashboard's Prometheus datasource/);
  });

  test('duplicate panel ids and a missing description are reported', () => {
    const problems = problemsOf({ dashboards: [fixtureDashboard({ slaId: 1, depthDescription: '' })] });
    assert.deepEqual(problems, [
      'test/fixtures/overview.ts › panel "Depth" (id 1) : has no description (say what the panel shows and how to read it)',
      'test/fixtures/overview.ts › panel "SLA" (id 1) : id 1 is also used by panel "Depth" (id 1) (panel ids must be unique within a dashboard)',
    ]);
  });

  test('duplicate dashboard uids and file names are reported', () => {
    const problems = problemsOf({
      dashboards: [fixtureDashboard({}, 'test/fixtures/a.ts', 'a.json'), fixtureDashboard({}, 'test/fixtures/b.ts', 'a.json')],
    });
    assert.deepEqual(problems, [
      'test/fixtures/b.ts › dashboard : fileName "a.json" is also written by test/fixtures/a.ts',
      'test/fixtures/b.ts › dashboard : uid "fixture-overview" is also used by test/fixtures/a.ts (dashboard uids must be unique (config/project.ts DASHBOARD_UIDS))',
    ]);
  });

  test("a dashboard that does not match Grafana's schema is reported", () => {
    const source = fixtureDashboard();
    const broken = { ...source, build: () => ({ ...(source.build() as object), refresh: 5 }) };
    const problems = problemsOf({ dashboards: [broken] });
    assert.ok(
      problems.some((p) => p.startsWith("test/fixtures/overview.ts › dashboard : does not match Grafana's dashboard schema: /refresh")),
      problems.join('\n'),
    );
  });

  test("a panel property Grafana's panel schema does not know is reported on that panel", () => {
    const source = fixtureDashboard();
    const broken = {
      ...source,
      build: () => {
        const model = source.build() as { panels: Record<string, unknown>[] };
        return { ...model, panels: model.panels.map((p) => (p['id'] === 2 ? { ...p, colour: 'red' } : p)) };
      },
    };
    assert.deepEqual(problemsOf({ dashboards: [broken] }), [
      `test/fixtures/overview.ts › panel "SLA" (id 2) : does not match Grafana's panel schema: (root) must NOT have additional properties "colour"`,
    ]);
  });

  test('a link to a dashboard uid that no module builds is reported once', () => {
    const source = fixtureDashboard();
    const linked = {
      ...source,
      build: () => ({
        ...(source.build() as object),
        links: [
          {
            title: 'Detail',
            type: 'link',
            url: '/d/genesys-queue-detial?var-queue=x',
            asDropdown: false,
            icon: 'external link',
            includeVars: true,
            keepTime: true,
            tags: [],
            targetBlank: false,
            tooltip: '',
          },
        ],
      }),
    };
    assert.deepEqual(problemsOf({ dashboards: [linked] }), [
      'test/fixtures/overview.ts › dashboard : links to dashboard uid "genesys-queue-detial", which no dashboard module builds (known uids: fixture-overview)',
    ]);
  });

  test('label_values(label) naming a label no series has is reported', () => {
    const problems = problemsOf({ dashboards: [fixtureDashboard({ variableQuery: 'label_values(queue_nmae)' })] });
    assert.deepEqual(problems, [
      'test/fixtures/overview.ts › variable queue : label_values(queue_nmae): no series in the catalog has the label "queue_nmae" (did you mean "queue_name"?)',
    ]);
  });

  test('a build() that throws is reported with the module', () => {
    const problems = problemsOf({
      dashboards: [
        {
          module: 'test/fixtures/x.ts',
          fileName: 'x.json',
          build: () => {
            throw new Error('boom');
          },
        },
      ],
    });
    assert.deepEqual(problems, ['test/fixtures/x.ts › dashboard : build() threw: boom']);
  });
});

describe('rules', () => {
  test('an alert without for is reported', () => {
    const { for: _omitted, ...withoutFor } = GOOD_ALERT;
    const problems = problemsOf({
      ruleSources: [fixtureRules()[0]!, { module: 'test/fixtures/alerts.ts', groups: [{ name: 'g', rules: [withoutFor as typeof GOOD_ALERT] }] }],
    });
    assert.deepEqual(problems, [`${ALERT}has no for (every alert waits before firing: for: '5m')`]);
  });

  test('an alert without runbook_url and with a bad severity is reported', () => {
    const { runbook_url: _omitted, ...annotations } = GOOD_ALERT.annotations;
    const problems = problemsOf({
      ruleSources: fixtureRules({ annotations: annotations as typeof GOOD_ALERT.annotations, labels: { severity: 'page' } as never }),
    });
    assert.deepEqual(problems, [
      `${ALERT}labels.severity is "page" (use one of critical, warning, info)`,
      `${ALERT}annotation runbook_url is missing (every alert has summary, description, runbook_url and dashboard_url)`,
    ]);
  });

  test('a description that does not name the queue is reported when the alert keeps queue_name', () => {
    const problems = problemsOf({ ruleSources: fixtureRules({ annotations: { ...GOOD_ALERT.annotations, description: 'Too many contacts wait.' } }) });
    assert.deepEqual(problems, [
      `${ALERT}description does not name the queue, but the alert keeps queue_name (include {{ $labels.queue_name }} in the description)`,
    ]);
  });

  test('a common mistake, `for` written inside the PromQL, does not parse', () => {
    const problems = problemsOf({ ruleSources: fixtureRules({ expr: 'sum by (queue_name) (genesys_queue_depth) > 50 for 5m' }) });
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /^test\/fixtures\/alerts\.ts › rule QueueDepthHigh : PromQL does not parse at column \d+ near "for 5m"/);
  });

  test('a Grafana variable in a rule is reported as such, not as a parse error', () => {
    const problems = problemsOf({
      ruleSources: fixtureRules(
        {},
        { expr: 'histogram_quantile(0.95, sum by (le, queue_name) (rate(genesys_queue_wait_time_seconds_bucket[$__rate_interval])))' },
      ),
    });
    assert.deepEqual(problems, [
      'test/fixtures/recording.ts › rule queue_name:genesys_queue_wait_time_seconds:p95_rate5m : uses the Grafana variable $__rate_interval, which Prometheus does not substitute (rules use fixed windows and values, e.g. rate(x[5m]))',
    ]);
  });

  test('a dashboard_url naming a dashboard that does not exist is reported', () => {
    const problems = problemsOf({ ruleSources: fixtureRules({ annotations: { ...GOOD_ALERT.annotations, dashboard_url: 'http://localhost:3000/d/nope' } }) });
    assert.deepEqual(problems, [`${ALERT}dashboard_url points at dashboard uid "nope", which no dashboard module builds (known uids: fixture-overview)`]);
  });

  test('a badly named recording rule is reported, and duplicate alert names too', () => {
    const rules = fixtureRules({}, { record: 'p95_wait' });
    const twice = [...rules, { module: 'test/fixtures/more.ts', groups: [{ name: 'more', rules: [GOOD_ALERT] }] }];
    const problems = problemsOf({ ruleSources: twice });
    assert.deepEqual(problems, [
      'test/fixtures/recording.ts › rule p95_wait : recording rule name "p95_wait" is not level:metric:operations (e.g. queue_name:genesys_queue_wait_time_seconds:p95_rate5m)',
      'test/fixtures/more.ts › rule QueueDepthHigh : alert name is also used in test/fixtures/alerts.ts group fixture-alerts (alert names must be unique)',
    ]);
  });

  test('an alert may query a recording rule, whose labels come from its expression', () => {
    const ok = generateArtifacts(fixtureInputs({ ruleSources: fixtureRules({ expr: 'queue_name:genesys_queue_wait_time_seconds:p95_rate5m > 120' }) }));
    assert.equal(ok.ok, true);
    const problems = problemsOf({ ruleSources: fixtureRules({ expr: 'queue_name:genesys_queue_wait_time_seconds:p95_rate5m{media_type="voice"} > 120' }) });
    assert.match(problems.join('\n'), /label "media_type" is not on queue_name:genesys_queue_wait_time_seconds:p95_rate5m \(it has: queue_name\)/);
  });
});

test('an Alertmanager receiver with an inline secret is refused', () => {
  const problems = problemsOf({ alertmanager: fixtureAlertmanager({ routing_key: 'abc123' }) });
  assert.deepEqual(problems, [
    'test/fixtures/alertmanager.ts › alertmanager config : receivers[0].pagerduty_configs[0].routing_key holds a secret inline (read it from a file: routing_key_file)',
  ]);
  assert.ok(!problems.join('').includes('abc123'), 'the secret itself is never printed');
});

test('every problem is reported in one run, not only the first', () => {
  const problems = problemsOf({
    dashboards: [fixtureDashboard({ depthExpr: 'sum(genesys_queue_depht)', depthDatasource: undefined })],
    ruleSources: fixtureRules({ for: '' }),
  });
  assert.equal(problems.length, 3, problems.join('\n'));
});
