// What the round trip accepts as the same dashboard and the same query, and which queries the typed PromQL builder
// writes (and why the others stay raw): pure functions, no module written.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { dashboardDifferences } from '../../importer/equivalence.ts';
import { canonicalPromql, samePromql, translatePromql } from '../../importer/promql.ts';
import { FIXTURES } from './inputs.ts';

describe('PromQL equivalence (what the round trip accepts for a query)', () => {
  test('spelling does not matter: whitespace, quotes, parentheses, where by (…) stands, matcher and label order, keyword case', () => {
    const same: [string, string][] = [
      ['sum(rate(x{a="1",b=~"2"}[5m])) by (b, a)', 'sum by (a, b) (rate(x{b=~\'2\', a="1"}[5m]))'],
      ['SUM BY (a) (x) > bool ON(a) (y)', 'sum by (a) (x) > bool on (a) y'],
      ['histogram_quantile(.9, x)', 'histogram_quantile(0.9, x)'],
      ['rate(x[$__rate_interval])', 'rate(x[ $__rate_interval ])'],
    ];
    for (const [a, b] of same) assert.ok(samePromql(a, b), `${a} should equal ${b}`);
  });

  test('anything that changes the query is a difference', () => {
    const different: [string, string][] = [
      ['sum by (a) (x)', 'sum without (a) (x)'],
      ['x{a=~"b"}', 'x{a="b"}'],
      ['rate(x[5m])', 'rate(x[1m])'],
      ['rate(x[$__rate_interval])', 'rate(x[$__interval])'],
      ['a - b', 'b - a'],
      ['(a + b) * c', 'a + b * c'],
      ['x{q="$queue"}', 'x{q="$queues"}'],
      ['a or on(b) c', 'a or c'],
    ];
    for (const [a, b] of different) assert.ok(!samePromql(a, b), `${a} should differ from ${b}`);
    assert.equal(canonicalPromql('sum(x'), undefined);
  });

  test('a changed query is a round-trip difference at its path; a respelled one is not', () => {
    const input = { title: 't', panels: [{ id: 1, type: 'timeseries', targets: [{ refId: 'A', expr: 'sum(x) by (a)' }] }] };
    const respelled = structuredClone(input);
    const target = respelled.panels[0]?.targets[0];
    assert.ok(target);
    target.expr = 'sum by (a) (x)';
    assert.deepEqual(dashboardDifferences(input, respelled), []);
    target.expr = 'sum by (b) (x)';
    assert.deepEqual(
      dashboardDifferences(input, respelled).map((d) => d.path),
      ['panels[id=1].targets.0.expr'],
    );
  });
});

describe('which queries the typed builder writes', () => {
  const reason = (query: string) => {
    const translation = translatePromql(query);
    return translation.kind === 'raw' ? translation.reason : `builder: ${translation.code}`;
  };

  test('a query stays raw, naming why, when the catalog or the builder cannot say it', () => {
    assert.equal(reason('sum(rate(node_cpu_seconds_total[5m]))'), 'metric node_cpu_seconds_total is not in the catalog');
    assert.equal(reason('genesys_queue_depth{team="a"}'), 'label team is not a label of genesys_queue_depth in the catalog');
    assert.equal(reason('sum by (team) (genesys_queue_depth)'), 'sum by (team): label team is not carried by genesys_queue_depth');
    assert.match(
      reason('genesys_queue_wait_time_seconds'),
      /^metric genesys_queue_wait_time_seconds is a histogram: select genesys_queue_wait_time_seconds_bucket or/,
    );
    assert.equal(reason('{__name__=~"genesys_.*"}'), 'selector {__name__=~"genesys_.*"} names no metric by name');
    assert.equal(reason('up'), 'up is selected without job="…" (the builder asks for the job)');
    assert.match(reason('genesys_queue_depth{queue_name=~"a.*", queue_name!="ab"}'), /^label queue_name is matched twice/);
    assert.equal(
      reason('sum by ($group) (genesys_queue_depth)'),
      'it does not parse as PromQL (read with each Grafana variable outside a string as a duration)',
    );
    assert.equal(reason('genesys_queue_depth # the depth'), 'it has text around the expression (a comment?) the builder would drop');
    assert.equal(reason(''), 'it is empty');
    assert.equal(reason('vector(1)'), 'it selects no metric the builder can type');
  });

  test('what the builder has no call for is a template around typed pieces; a histogram quantile needs le to be typed', () => {
    // `${…}` in the expected code: a hole of the template the module writes.
    const hole = (code: string) => `\${${code}}`;
    assert.equal(
      reason('sum without (media_type) (genesys_queue_depth)'),
      `builder: raw(\`sum without (media_type) (${hole('series("genesys_queue_depth")')})\`)`,
    );
    assert.equal(
      reason('histogram_quantile(0.5, sum by (queue_name) (rate(genesys_queue_wait_time_seconds_bucket[5m])))'),
      `builder: raw(\`histogram_quantile(0.5, ${hole('sumBy(["queue_name"], rate(range(series("genesys_queue_wait_time_seconds_bucket"), "5m")))')})\`)`,
    );
    assert.equal(reason('genesys_up{cluster=~"$cluster"} == 0'), `builder: raw(\`${hole('clusterSeries("genesys_up")')} == 0\`)`);
  });
});

describe('equivalence is strict', () => {
  const input = JSON.parse(readFileSync(join(FIXTURES, 'rows.json'), 'utf8')) as {
    panels: { id: number; title?: string; fieldConfig?: { defaults: { unit?: string } } }[];
  };

  test('a changed value, a missing non-default key and an extra panel are each reported by path', () => {
    const rebuilt = structuredClone(input);
    const requests = rebuilt.panels[1];
    assert.ok(requests?.fieldConfig);
    requests.fieldConfig.defaults.unit = 'ops';
    delete requests.title;
    rebuilt.panels.push({ id: 99 });
    assert.deepEqual(
      dashboardDifferences(input, rebuilt).map((d) => d.path),
      ['panels[id=2].title', 'panels[id=2].fieldConfig.defaults.unit', 'panels[id=99]'],
    );
  });

  test("a key missing on one side is fine only when it holds the SDK's default; the dashboard id and version are ignored", () => {
    const rebuilt = structuredClone(input) as unknown as Record<string, unknown>;
    rebuilt.id = 1;
    rebuilt.version = 1;
    rebuilt.editable = true; // the SDK default
    assert.deepEqual(dashboardDifferences(input, rebuilt), []);
    rebuilt.editable = false;
    assert.deepEqual(
      dashboardDifferences(input, rebuilt).map((d) => d.path),
      ['editable'],
    );
  });
});

describe('translatePromql parses its query once', () => {
  test('the input text is parsed once (translation and the check of its canonical form share the tree); the builder text once', () => {
    const query = 'sum(genesys_queue_depth{queue_name=~"$queue"}) by (queue_name)';
    const parsed: string[] = [];
    const parse = parser.parse;
    parser.parse = function (this: typeof parser, ...args: Parameters<typeof parse>) {
      parsed.push(String(args[0]));
      return parse.apply(this, args);
    } as typeof parse;
    try {
      const translation = translatePromql(query);
      assert.equal(translation.kind, 'builder', JSON.stringify(translation));
    } finally {
      delete (parser as { parse?: unknown }).parse; // back to the prototype's method
    }
    assert.deepEqual(parsed, [query, 'sum by (queue_name) (genesys_queue_depth{queue_name=~"$queue"})']);
  });
});
