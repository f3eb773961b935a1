// The generated dashboards' panels rendered by Grafana's own engine (@grafana/data) from fixed Prometheus
// API responses: what a user would see, and that a transformation naming a field that does not exist is
// reported (Grafana itself only shows "No data"). No Prometheus runs here; the e2e pipeline test feeds the
// same code with a real one.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO_ROOT } from '../../stack/repo.ts';
import type { InstantSample } from '../../stack/prometheus-api.ts';
import { loadDashboard, type LoadedPanel } from '../support/panels/dashboards.ts';
import { framesFromPrometheus, referencedFieldNames, renderPanel, seriesName, type PanelModel } from '../support/panels/grafana.ts';

const T = 1_700_000_000;
const overview = loadDashboard(join(REPO_ROOT, 'out', 'dashboards', 'queue-overview.json'));
const panel = (title: string): LoadedPanel => {
  const found = overview.panels.find((p) => p.title === title);
  assert.ok(found, `the queue overview has a panel "${title}"`);
  return found;
};

/** `data.result` of a Prometheus /api/v1/query response (resultType vector), as Prometheus writes it. */
const vector = (...series: [Record<string, string>, string][]): InstantSample[] =>
  (
    JSON.parse(
      JSON.stringify({ status: 'success', data: { resultType: 'vector', result: series.map(([metric, value]) => ({ metric, value: [T, value] })) } }),
    ) as { data: { result: InstantSample[] } }
  ).data.result;

function render(p: LoadedPanel, results: Record<string, InstantSample[]>, model: PanelModel = p.model) {
  const frames = framesFromPrometheus(p.queries.map((query) => ({ target: query, samples: results[query.refId] ?? [] })));
  return renderPanel(model, frames, `${overview.uid}/${p.id}`);
}

/** The panel with one transformation's options edited (a deep copy; the loaded dashboard stays as generated). */
type TransformationOptions = {
  binary: { left: { matcher: { options: string } } };
  renameByName: Record<string, string>;
};
function withTransformation(p: LoadedPanel, index: number, edit: (options: TransformationOptions) => void): PanelModel {
  const model = structuredClone(p.model) as PanelModel & { transformations: { options: TransformationOptions }[] };
  const transformation = model.transformations[index];
  assert.ok(transformation, `${p.title} has a transformation ${index + 1}`);
  edit(transformation.options);
  return model;
}

describe("framing as Grafana's Prometheus data source", () => {
  test('series names from legendFormat, the metric otherwise, the expression for {}', () => {
    const target = { refId: 'A', expr: 'sum(x)' };
    assert.equal(seriesName({ ...target, legendFormat: '{{queue_name}} ({{ media_type }})' }, { queue_name: 'Sales', media_type: 'voice' }), 'Sales (voice)');
    assert.equal(seriesName({ ...target, legendFormat: '{{missing}}x' }, { queue_name: 'Sales' }), 'x');
    assert.equal(seriesName(target, { __name__: 'up', job: 'j', instance: 'i' }), 'up{instance="i", job="j"}');
    assert.equal(seriesName({ ...target, legendFormat: '__auto' }, { job: 'j' }), '');
    assert.equal(seriesName(target, {}), 'sum(x)');
  });

  test('several table queries give one frame each with a "Value #refId" column; one alone gives "Value"', () => {
    const sample = vector([{ queue_name: 'Sales' }, '3']);
    const two = framesFromPrometheus([
      { target: { refId: 'a', expr: 'a', format: 'table' }, samples: sample },
      { target: { refId: 'b', expr: 'b', format: 'table' }, samples: sample },
    ]);
    assert.deepEqual(
      two.map((f) => f.fields.map((x) => x.name)),
      [
        ['Time', 'queue_name', 'Value #a'],
        ['Time', 'queue_name', 'Value #b'],
      ],
    );
    const one = framesFromPrometheus([{ target: { refId: 'a', expr: 'a', format: 'table' }, samples: sample }]);
    assert.deepEqual(
      one[0]?.fields.map((x) => x.name),
      ['Time', 'queue_name', 'Value'],
    );
  });
});

describe("the queue overview through Grafana's engine", () => {
  const sla = () => panel('SLA compliance, rolling 15 min');
  const capacity = () => panel('Agent capacity');

  test('the SLA stat: 1 − breaches/offers by its own transformations, formatted as a percentage, coloured by its thresholds', async () => {
    const shown = await render(sla(), { breaches: vector([{}, '30']), offers: vector([{}, '120']) });
    assert.deepEqual(shown.problems, []);
    assert.deepEqual(
      shown.values.map((v) => [v.name, v.numeric, v.text]),
      [['SLA Compliance %', 0.75, '75%']],
    );
    // 0.6 ≤ 0.75 < 0.8: the yellow step of the generated thresholds, in Grafana's palette.
    const yellow = (await render(sla(), { breaches: vector([{}, '30']), offers: vector([{}, '100']) })).values[0]?.color;
    const green = (await render(sla(), { breaches: vector([{}, '10']), offers: vector([{}, '100']) })).values[0]?.color;
    const red = (await render(sla(), { breaches: vector([{}, '50']), offers: vector([{}, '100']) })).values[0]?.color;
    assert.equal(shown.values[0]?.color, yellow);
    assert.equal(new Set([yellow, green, red]).size, 3, `three threshold colours: ${[red, yellow, green]}`);
  });

  test('a calculateField operand naming a field that does not exist is reported, and nothing is shown', async () => {
    const broken = withTransformation(sla(), 0, (options) => (options.binary.left.matcher.options = 'breachez'));
    const shown = await render(sla(), { breaches: vector([{}, '30']), offers: vector([{}, '120']) }, broken);
    assert.ok(
      shown.problems.some((p) => p.includes('"breachez"') && p.includes('calculateField')),
      shown.problems.join('\n'),
    );
    assert.deepEqual(shown.values, [], 'Grafana shows no value');
  });

  test('an organize rename of a field that does not exist is reported, although Grafana ignores it silently', async () => {
    const broken = withTransformation(capacity(), 2, (options) => {
      options.renameByName = { ...options.renameByName, 'Value #idel': 'Idle agents' };
    });
    const results = {
      waiting: vector([{ queue_name: 'Sales' }, '2']),
      idle: vector([{ queue_name: 'Sales' }, '1']),
      onQueue: vector([{ queue_name: 'Sales' }, '5']),
    };
    const shown = await render(capacity(), results, broken);
    assert.ok(
      shown.problems.some((p) => p.includes('"Value #idel"')),
      shown.problems.join('\n'),
    );
  });

  test('the agent capacity table: spare agents = idle − waiting per queue, red below 0', async () => {
    const results = {
      waiting: vector([{ queue_name: 'Sales' }, '2'], [{ queue_name: 'Support' }, '0']),
      idle: vector([{ queue_name: 'Sales' }, '1'], [{ queue_name: 'Support' }, '4']),
      onQueue: vector([{ queue_name: 'Sales' }, '5'], [{ queue_name: 'Support' }, '6']),
    };
    const shown = await render(capacity(), results);
    assert.deepEqual(shown.problems, []);
    const cell = (queue: string, column: string) => shown.values.find((v) => v.labels.Queue === queue && v.name === column);
    assert.equal(cell('Sales', 'Spare agents')?.numeric, -1);
    assert.equal(cell('Support', 'Spare agents')?.numeric, 4);
    assert.notEqual(cell('Sales', 'Spare agents')?.color, cell('Support', 'Spare agents')?.color, 'a negative spare count is coloured differently');
    assert.equal(cell('Sales', 'Contacts waiting')?.refId, 'waiting', 'a renamed "Value #waiting" column is traced to its query');
    assert.equal(cell('Sales', 'Idle agents')?.numeric, 1);
  });

  test("every field name the generated dashboards' transformations use is one this framing produces", async () => {
    for (const p of overview.panels.filter((x) => (x.model.transformations ?? []).length > 0)) {
      const results = Object.fromEntries(p.queries.map((q) => [q.refId, vector([{ queue_name: 'Sales' }, '1'])]));
      const shown = await render(p, results);
      assert.deepEqual(shown.problems, [], `${p.title}: ${(p.model.transformations ?? []).map((t) => referencedFieldNames(t).join(', ')).join(' | ')}`);
    }
  });
});
