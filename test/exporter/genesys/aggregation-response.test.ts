// parseAggregationResponse: paths in shape errors (built only when a check fails) and what is kept.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAggregationResponse } from '../../../exporter/genesys/conversation-aggregates.ts';
import { ShapeError } from '../../../exporter/genesys/response-shape.ts';

const interval = () => ({
  interval: '2026-11-29T15:00:00.000Z/2026-11-29T15:15:00.000Z',
  metrics: [
    { metric: 'nOffered', stats: { count: 4 } },
    { metric: 'tWait', stats: { max: 9000, count: 4, sum: 20_000 } },
  ],
  views: [{ name: 'tWaitLt1000', stats: { count: 1 } }],
});
const body = () => ({
  results: [
    { group: { queueId: 'q1', mediaType: 'voice' }, data: [interval()] },
    { group: { queueId: 'q2', mediaType: 'chat' }, data: [interval(), interval()] },
  ],
});

describe('parseAggregationResponse', () => {
  test('keeps the asked-for metrics and views, drops unknown metrics and extra view fields', () => {
    const json = body();
    const first = json.results[1]!.data[1]!;
    (first.metrics as unknown[]).push({ metric: 'nSomethingNew', stats: { count: 1 } });
    (first.views[0]!.stats as Record<string, number>).extra = 3;
    const parsed = parseAggregationResponse(json).results[1]!.data[1]!;
    assert.deepEqual(
      parsed.metrics.map((m) => m.metric),
      ['nOffered', 'tWait'],
    );
    assert.deepEqual(parsed.metrics[1]!.stats, { max: 9000, count: 4, sum: 20_000 });
    assert.deepEqual(parsed.views, [{ name: 'tWaitLt1000', stats: { count: 1 } }]);
  });

  test('names the exact path of a bad value deep in a later result', () => {
    const cases: [string, (json: ReturnType<typeof body>) => void, string][] = [
      [
        'view count',
        (j) => ((j.results[1]!.data[1]!.views[0]!.stats as Record<string, unknown>).count = 'many'),
        'results[1].data[1].views[0].stats.count should be a finite number ≥ 0, got string',
      ],
      [
        'view name',
        (j) => ((j.results[1]!.data[0]!.views[0] as Record<string, unknown>).name = 7),
        'results[1].data[0].views[0].name should be a string, got number',
      ],
      [
        'timer sum',
        (j) => ((j.results[1]!.data[1]!.metrics[1]!.stats as Record<string, unknown>).sum = null),
        'results[1].data[1].metrics[1].stats.sum should be a finite number ≥ 0, got null',
      ],
      [
        'count metric',
        (j) => ((j.results[0]!.data[0]!.metrics[0]!.stats as Record<string, unknown>).count = Infinity),
        'results[0].data[0].metrics[0].stats.count should be a finite number ≥ 0, got Infinity',
      ],
      [
        'metric stats',
        (j) => ((j.results[1]!.data[1]!.metrics[0] as Record<string, unknown>).stats = []),
        'results[1].data[1].metrics[0].stats should be an object',
      ],
      ['interval', (j) => ((j.results[1]!.data as unknown[])[1] = 'x'), 'results[1].data[1] should be an object, got string'],
      [
        'interval text',
        (j) => ((j.results[1]!.data[1] as Record<string, unknown>).interval = undefined),
        'results[1].data[1].interval should be a string, got undefined',
      ],
      [
        'negative count',
        (j) => ((j.results[0]!.data[0]!.metrics[0]!.stats as Record<string, unknown>).count = -3),
        'results[0].data[0].metrics[0].stats.count should be a finite number ≥ 0, got -3',
      ],
      [
        'string number',
        (j) => ((j.results[1]!.data[1]!.metrics[1]!.stats as Record<string, unknown>).count = '4'),
        'results[1].data[1].metrics[1].stats.count should be a finite number ≥ 0, got string',
      ],
      ['queue id', (j) => ((j.results[1]!.group as Record<string, unknown>).queueId = 12), 'results[1].group.queueId should be a string, got number'],
      ['views list', (j) => ((j.results[1]!.data[1] as Record<string, unknown>).views = {}), 'results[1].data[1].views should be an array, got object'],
    ];
    for (const [what, spoil, message] of cases) {
      const json = body();
      spoil(json);
      assert.throws(
        () => parseAggregationResponse(json),
        (error: unknown) => error instanceof ShapeError && error.message === message,
        what,
      );
    }
  });

  test('missing metric and view lists are empty (Genesys leaves out empty lists)', () => {
    const parsed = parseAggregationResponse({ results: [{ group: {}, data: [{ interval: '2026-11-29T15:00:00.000Z/2026-11-29T15:15:00.000Z' }] }] });
    assert.deepEqual(parsed.results[0]!.data[0], { interval: '2026-11-29T15:00:00.000Z/2026-11-29T15:15:00.000Z', metrics: [], views: [] });
  });
});
