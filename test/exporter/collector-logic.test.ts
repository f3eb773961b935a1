// The collectors' pure decisions: the rate-budget plan, queue selection (exactly-once increases: increase-ledger.test.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { planSchedule, PLANNED_SHARE_OF_BUDGET } from '../../exporter/collectors/budget.ts';
import { selectQueues } from '../../exporter/collectors/queue-catalog.ts';
import type { RoutingQueue } from '../../exporter/genesys/routing-queues.ts';

describe('planSchedule (fit polling into the request budget)', () => {
  test('keeps configured intervals when they fit', () => {
    const plan = planSchedule(
      [
        { name: 'queues', configuredIntervalMs: 300_000, requestsPerRun: 1 },
        { name: 'observations', configuredIntervalMs: 10_000, requestsPerRun: 2 },
        { name: 'aggregates', configuredIntervalMs: 30_000, requestsPerRun: 2 },
      ],
      200,
    );
    assert.equal(plan.stretchFactor, 1);
    assert.equal(plan.demandPerMinute, 0.2 + 12 + 4);
    assert.deepEqual(plan.intervals.get('observations'), { intervalMs: 10_000, stretched: false });
  });

  test('stretches every interval by the same factor when demand exceeds the budget', () => {
    // 50 batches every 10 s = 300/min, 50 every 30 s = 100/min; budget 200 → plan for 180.
    const plan = planSchedule(
      [
        { name: 'observations', configuredIntervalMs: 10_000, requestsPerRun: 50 },
        { name: 'aggregates', configuredIntervalMs: 30_000, requestsPerRun: 50 },
      ],
      200,
    );
    const factor = 400 / (200 * PLANNED_SHARE_OF_BUDGET);
    assert.equal(plan.stretchFactor, factor);
    assert.deepEqual(plan.intervals.get('observations'), { intervalMs: Math.ceil(10_000 * factor), stretched: true });
    const stretchedDemand = (50 * 60_000) / plan.intervals.get('observations')!.intervalMs + (50 * 60_000) / plan.intervals.get('aggregates')!.intervalMs;
    assert.ok(stretchedDemand <= 200 * PLANNED_SHARE_OF_BUDGET + 1e-9, `stretched demand ${stretchedDemand}/min`);
  });
});

describe('selectQueues (filters, cap, SLA targets)', () => {
  const queue = (id: string, name: string, division: string, extra: Partial<RoutingQueue> = {}): RoutingQueue => ({
    id,
    name,
    division: { id: division, name: `Division ${division}` },
    ...extra,
  });
  const listed = [
    queue('3', 'Support', 'd1', {
      mediaSettings: { call: { serviceLevel: { percentage: 0.8, durationMs: 20_000 } }, chat: { serviceLevel: { percentage: 0.9, durationMs: 60_000 } } },
    }),
    queue('1', 'Billing', 'd1'),
    queue('2', 'Sales', 'd2'),
    queue('4', 'Support Test', 'd1'),
    queue('5', 'Archive', 'd1'),
  ];
  const all = { include: /^(?:.*)$/, exclude: undefined, divisions: [], max: 100 };

  test('include/exclude patterns and divisions', () => {
    const names = (selection: Parameters<typeof selectQueues>[1]) => selectQueues(listed, selection).exported.map((q) => q.name);
    assert.deepEqual(names(all), ['Archive', 'Billing', 'Sales', 'Support', 'Support Test']);
    assert.deepEqual(names({ ...all, include: /^(?:S.*)$/, exclude: /^(?:.*Test)$/ }), ['Sales', 'Support']);
    assert.deepEqual(names({ ...all, divisions: ['d2'] }), ['Sales']);
  });

  test('the cap keeps the first by name and counts the rest as dropped', () => {
    const { exported, droppedByCap } = selectQueues(listed, { ...all, max: 2 });
    assert.deepEqual(
      exported.map((q) => q.id),
      ['5', '1'],
    );
    assert.equal(droppedByCap, 3);
  });

  test('service levels: `call` becomes media type voice, seconds from durationMs', () => {
    const support = selectQueues(listed, all).exported.find((q) => q.id === '3')!;
    assert.deepEqual(
      [...support.serviceLevels],
      [
        ['voice', { ratio: 0.8, seconds: 20 }],
        ['chat', { ratio: 0.9, seconds: 60 }],
      ],
    );
  });
});
