import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimulatorHandle, SimulatorOptions } from '../../simulator/index.ts';
import { AGGREGATES, ALL_OBSERVATION_METRICS, api, login, OBSERVATIONS, QUEUES, queueFilter, START, startManual } from './support/helpers.ts';

/** Drives a simulator through fixed steps and a scenario, collecting ground truth and API answers. */
async function run(options: SimulatorOptions, steps: readonly number[]): Promise<unknown[]> {
  const sim: SimulatorHandle = await startManual(options);
  try {
    const client = api(sim, await login(sim));
    const seen: unknown[] = [];
    const ids = sim.queues().map((q) => q.id);
    for (const [i, step] of steps.entries()) {
      sim.advanceBy(step);
      if (i === 1) sim.startScenario({ scenario: 'surge', queueId: ids[0]!, factor: 5, durationSeconds: 300 });
      seen.push(sim.truthNow());
      seen.push((await client.post(OBSERVATIONS, { filter: queueFilter(ids), metrics: ALL_OBSERVATION_METRICS, detailMetrics: ['oWaiting'] })).json);
    }
    const end = sim.now().toISOString();
    seen.push(sim.truthContacts({ since: START, until: end }));
    // The steps add up to whole minutes, so PT1M divides the interval.
    const aggregates = await client.post(AGGREGATES, {
      interval: `${START}/${end}`,
      granularity: 'PT1M',
      groupBy: ['queueId', 'mediaType'],
      metrics: ['nOffered', 'tAnswered', 'tAbandon', 'oServiceLevel'],
    });
    assert.equal(aggregates.status, 200, aggregates.text);
    seen.push(aggregates.json);
    seen.push((await client.get(`${QUEUES}?pageSize=100`)).json);
    return seen;
  } finally {
    await sim.close();
  }
}

describe('simulator: determinism under a fixed seed', () => {
  const steps = [30_000, 45_000, 60_000, 120_000, 105_000];

  test('same seed and same time steps give identical ground truth and API answers', async () => {
    const a = await run({ seed: 7 }, steps);
    const b = await run({ seed: 7 }, steps);
    assert.deepEqual(a, b);
  });

  test('the history does not depend on how time is cut into steps', async () => {
    const coarse = await run({ seed: 7 }, [30_000, 45_000, 285_000]);
    const fine = await run({ seed: 7 }, [30_000, 45_000, 60_000, 120_000, 105_000]);
    // The last three entries (contacts since start, aggregates, queues) cover the same span.
    assert.deepEqual(coarse.slice(-3), fine.slice(-3));
  });

  test('another seed gives another org and other traffic', async () => {
    const a = await run({ seed: 7 }, steps);
    const c = await run({ seed: 8 }, steps);
    assert.notDeepEqual(a.at(-1), c.at(-1));
    assert.notDeepEqual(a.at(-3), c.at(-3));
  });
});
