// Freshness of polled data: batches start evenly across the interval (planBatchStarts), each batch is
// served as it returns (SnapshotStore parts), and the age of each collector's oldest value is known.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { firstRunIntervalMs, planBatchStarts, planSchedule, PLANNED_SHARE_OF_BUDGET } from '../../exporter/collectors/budget.ts';
import { CollectorRunner } from '../../exporter/collectors/runner.ts';
import { DEFAULT_REQUESTS_PER_MINUTE as DEFAULT_BUDGET_PER_MINUTE } from '../../exporter/genesys/client-options.ts';
import type { Collector, CollectorRun } from '../../exporter/collectors/collector.ts';
import { QueueDirectory } from '../../exporter/collectors/queue-directory.ts';
import { silentLogger } from '../../exporter/log.ts';
import { createExporterRegistry } from '../../exporter/registry.ts';
import { SnapshotBuilder } from '../../exporter/samples.ts';
import type { Snapshot } from '../../exporter/samples.ts';
import { SnapshotStore } from '../../exporter/snapshot-store.ts';
import type { StoreChange } from '../../exporter/snapshot-store.ts';

const BATCH_SIZE = 100;

/** A depth snapshot for `queues`, each at `depth`. */
function depths(queues: readonly string[], depth: number): Snapshot {
  const builder = new SnapshotBuilder();
  for (const id of queues) builder.add('genesys_queue_depth', { labels: { queue_id: id, queue_name: `Queue ${id}`, media_type: 'voice' }, value: depth });
  return builder.build();
}

/** queue id → depth, of what the store serves now; fails on a duplicate series. */
function servedDepths(store: SnapshotStore): Map<string, number> {
  const out = new Map<string, number>();
  for (const sample of store.samples('genesys_queue_depth')) {
    assert.ok(!out.has(sample.labels.queue_id), `queue ${sample.labels.queue_id} is served twice`);
    out.set(sample.labels.queue_id, sample.value);
  }
  return out;
}

describe('planBatchStarts (batches spread across the interval)', () => {
  for (const queues of [1_000, 5_000, 10_000]) {
    test(`${queues} queues at the default budget: even phases, within the budget, no value older than interval + one batch`, () => {
      const batchCount = Math.ceil(queues / BATCH_SIZE);
      const plan = planSchedule(
        [
          { name: 'observations', configuredIntervalMs: 10_000, requestsPerRun: batchCount },
          { name: 'aggregates', configuredIntervalMs: 30_000, requestsPerRun: batchCount },
        ],
        DEFAULT_BUDGET_PER_MINUTE,
      );
      const intervals = { observations: plan.intervals.get('observations')!.intervalMs, aggregates: plan.intervals.get('aggregates')!.intervalMs };
      const schedules = {
        observations: planBatchStarts(batchCount, intervals.observations, DEFAULT_BUDGET_PER_MINUTE),
        aggregates: planBatchStarts(batchCount, intervals.aggregates, DEFAULT_BUDGET_PER_MINUTE),
      };
      for (const [name, schedule] of Object.entries(schedules) as [keyof typeof intervals, ReturnType<typeof planBatchStarts>][]) {
        assert.equal(schedule.offsetsMs.length, batchCount);
        assert.equal(schedule.offsetsMs[0], 0);
        // Every batch starts inside its run's interval, so run k+1's batch i starts exactly one interval after run k's.
        assert.ok(schedule.offsetsMs.at(-1)! < intervals[name], `${name}: last batch at ${schedule.offsetsMs.at(-1)} ms of a ${intervals[name]} ms interval`);
        for (let i = 1; i < batchCount; i++)
          assert.ok(Math.abs(schedule.offsetsMs[i]! - schedule.offsetsMs[i - 1]! - schedule.spacingMs) < 1e-6, `${name}: uneven at batch ${i}`);
      }

      // Ten minutes of both collectors with batches taking 0..maxBatchMs: every sliding minute stays within
      // the budget, and each queue's value is replaced before it is older than interval + one batch.
      const maxBatchMs = 2_000;
      const durationOf = (run: number, batch: number): number => (((run * 7919 + batch * 104_729) % 1000) / 1000) * maxBatchMs;
      const starts: number[] = [];
      for (const name of ['observations', 'aggregates'] as const) {
        const runs = Math.ceil(600_000 / intervals[name]);
        for (let batch = 0; batch < batchCount; batch++) {
          let previousPublish: number | undefined;
          for (let run = 0; run < runs; run++) {
            const start = run * intervals[name] + schedules[name].offsetsMs[batch]!;
            starts.push(start);
            const publish = start + durationOf(run, batch);
            if (previousPublish !== undefined) {
              const oldestAge = publish - previousPublish;
              assert.ok(oldestAge <= intervals[name] + maxBatchMs, `${name} batch ${batch}: a value reached ${oldestAge} ms (interval ${intervals[name]} ms)`);
            }
            previousPublish = publish;
          }
        }
      }
      starts.sort((a, b) => a - b);
      let windowStart = 0;
      for (let i = 0; i < starts.length; i++) {
        while (starts[i]! - starts[windowStart]! >= 60_000) windowStart++;
        assert.ok(i - windowStart + 1 <= DEFAULT_BUDGET_PER_MINUTE, `${i - windowStart + 1} requests in the minute before ${starts[i]} ms`);
      }
    });
  }

  test('never closer than the planned share of the budget allows, even for an interval too short to plan (a first run: 0)', () => {
    const schedule = planBatchStarts(50, 1_000, 60);
    assert.equal(schedule.spacingMs, 60_000 / (60 * PLANNED_SHARE_OF_BUDGET));
    assert.equal(planBatchStarts(10, 0, 200).spacingMs, 60_000 / (200 * PLANNED_SHARE_OF_BUDGET));
    assert.deepEqual(planBatchStarts(0, 10_000, 300).offsetsMs, []);
  });
});

describe('firstRunIntervalMs (the first run uses the budget headroom)', () => {
  const planFor = (queues: number) =>
    planSchedule(
      [
        { name: 'queues', configuredIntervalMs: 300_000, requestsPerRun: 1 },
        { name: 'observations', configuredIntervalMs: 10_000, requestsPerRun: Math.ceil(queues / BATCH_SIZE) },
        { name: 'aggregates', configuredIntervalMs: 30_000, requestsPerRun: Math.ceil(queues / BATCH_SIZE) },
      ],
      200,
    );

  test('with headroom, every first run is compressed by the same factor, and together they fill the planned budget exactly', () => {
    const plan = planFor(1_000);
    const first = (name: 'queues' | 'observations' | 'aggregates') => firstRunIntervalMs(plan, plan.intervals.get(name)!.intervalMs);
    assert.ok(first('observations') < 10_000 / 2, `observations' first run spreads over ${first('observations')} ms`);
    const firstRunRate = 60_000 / first('queues') + (10 * 60_000) / first('observations') + (10 * 60_000) / first('aggregates');
    assert.ok(Math.abs(firstRunRate - plan.plannedBudgetPerMinute) < 1e-6, `first runs together send ${firstRunRate}/min`);
  });

  test('a stretched plan has no headroom: the first run keeps the interval', () => {
    const plan = planFor(10_000);
    assert.ok(plan.stretchFactor > 1);
    assert.equal(firstRunIntervalMs(plan, plan.intervals.get('observations')!.intervalMs), plan.intervals.get('observations')!.intervalMs);
  });
});

describe('SnapshotStore parts (each batch served as it returns)', () => {
  test('a batch replaces only its queues; the others keep their values and their own age', () => {
    let now = 1_000_000;
    const store = new SnapshotStore(() => now);
    store.publishPart('observations', ['a', 'b'], depths(['a', 'b'], 1), 60_000);
    now += 4_000;
    store.publishPart('observations', ['c', 'd'], depths(['c', 'd'], 2), 60_000);
    now += 1_000;
    assert.deepEqual(
      servedDepths(store),
      new Map([
        ['a', 1],
        ['b', 1],
        ['c', 2],
        ['d', 2],
      ]),
    );
    assert.equal(store.dataAgeSeconds('observations'), 5);
    store.publishPart('observations', ['a', 'b'], depths(['a', 'b'], 7), 60_000);
    assert.deepEqual(
      servedDepths(store),
      new Map([
        ['a', 7],
        ['b', 7],
        ['c', 2],
        ['d', 2],
      ]),
    );
    assert.equal(store.dataAgeSeconds('observations'), 1, 'the oldest value is now batch c,d from 1 s ago');
    assert.equal(store.dataAgeSeconds('aggregates'), undefined);
  });

  test('queues that move to another batch are served once, never missing in between', () => {
    const store = new SnapshotStore(() => 0);
    store.publishPart('observations', ['a', 'b'], depths(['a', 'b'], 1), 60_000);
    store.publishPart('observations', ['c'], depths(['c'], 1), 60_000);
    // A queue was added before b: the batches are now [a, x] and [b, c].
    store.publishPart('observations', ['a', 'x'], depths(['a', 'x'], 2), 60_000);
    assert.deepEqual(
      servedDepths(store),
      new Map([
        ['a', 2],
        ['x', 2],
        ['b', 1],
        ['c', 1],
      ]),
      'b keeps its value until its new batch returns',
    );
    store.publishPart('observations', ['b', 'c'], depths(['b', 'c'], 3), 60_000);
    assert.deepEqual(
      servedDepths(store),
      new Map([
        ['a', 2],
        ['x', 2],
        ['b', 3],
        ['c', 3],
      ]),
    );
  });

  test('a batch published over a whole snapshot takes its queues out of it; series of no queue stay', () => {
    const store = new SnapshotStore(() => 0);
    const whole = new SnapshotBuilder();
    for (const id of ['a', 'b']) whole.add('genesys_queue_depth', { labels: { queue_id: id, queue_name: id, media_type: 'voice' }, value: 1 });
    whole.add('genesys_exporter_queues', { labels: {}, value: 2 });
    store.publish('observations', whole.build(), 60_000);
    store.publishPart('observations', ['a', 'b'], depths(['a', 'b'], 5), 60_000);
    assert.deepEqual(
      servedDepths(store),
      new Map([
        ['a', 5],
        ['b', 5],
      ]),
    );
    assert.equal(store.samples('genesys_exporter_queues').length, 1);
  });

  test('an expired batch leaves /metrics but keeps counting in the data age until its queues return', () => {
    let now = 0;
    const store = new SnapshotStore(() => now);
    store.publishPart('aggregates', ['a'], depths(['a'], 1), 10_000);
    now = 8_000;
    store.publishPart('aggregates', ['b'], depths(['b'], 1), 10_000);
    now = 12_000;
    assert.deepEqual(store.expire(), ['aggregates']);
    assert.deepEqual([...servedDepths(store).keys()], ['b']);
    now = 15_000;
    assert.equal(store.dataAgeSeconds('aggregates'), 15, 'the dropped batch is what the collector owes');
    store.publishPart('aggregates', ['a'], depths(['a'], 2), 10_000);
    assert.equal(store.dataAgeSeconds('aggregates'), 7);
    assert.deepEqual(
      servedDepths(store),
      new Map([
        ['b', 1],
        ['a', 2],
      ]),
    );
  });

  test('forgetOlderThan drops the parts of queues a complete run no longer has', () => {
    let now = 0;
    const store = new SnapshotStore(() => now);
    store.publishPart('observations', ['a'], depths(['a'], 1), 60_000);
    store.publishPart('observations', ['gone'], depths(['gone'], 1), 60_000);
    now = 10_000;
    store.publishPart('observations', ['a'], depths(['a'], 2), 60_000);
    assert.equal(store.dataAgeSeconds('observations'), 10);
    assert.equal(store.forgetOlderThan('observations', 10_000), true);
    assert.deepEqual(servedDepths(store), new Map([['a', 2]]));
    assert.equal(store.dataAgeSeconds('observations'), 0);
  });

  test('the queue filter epoch moves only when the filter may decide differently', () => {
    const store = new SnapshotStore(() => 0);
    const before = store.queueFilterEpoch;
    store.publishPart('observations', ['a'], depths(['a'], 1), 60_000);
    store.expire();
    assert.equal(store.queueFilterEpoch, before, 'publishing and expiring do not touch the filter');
    store.queueFilterChanged();
    assert.equal(store.queueFilterEpoch, before + 1);
    store.setQueueFilter(() => true);
    assert.equal(store.queueFilterEpoch, before + 2);
  });

  test('listeners learn which collector and which queues changed', () => {
    const store = new SnapshotStore(() => 0);
    const changes: StoreChange[] = [];
    store.onChange((change) => changes.push(change));
    store.publishPart('observations', ['a', 'b'], depths(['a', 'b'], 1), 60_000);
    store.publish('queues', {}, 60_000);
    assert.deepEqual(changes, [
      { kind: 'publish', owner: 'observations', queueIds: ['a', 'b'] },
      { kind: 'publish', owner: 'queues', queueIds: undefined },
    ]);
  });
});

describe('CollectorRunner with a batch-publishing collector', () => {
  /** A collector of three one-queue batches whose batch 1 answers only when `release` is called (and fails when told). */
  function heldCollector(): { collector: Collector; release: () => void; failNext: { value: boolean }; slots: number[] } {
    let release: () => void = () => {};
    const failNext = { value: false };
    const slots: number[] = [];
    let run = 0;
    const collector: Collector = {
      name: 'observations',
      needsQueues: false,
      requestsPerRun: () => 3,
      async collect(runOf: CollectorRun) {
        run += 1;
        const thisRun = run;
        const settled = await Promise.allSettled(
          ['q0', 'q1', 'q2'].map(async (id, index) => {
            await runOf.batchSlot(index, 3);
            slots.push(index);
            if (index === 1) {
              await new Promise<void>((resolve) => (release = resolve));
              if (failNext.value) throw new Error('batch 1 failed');
            }
            runOf.publishBatch([id], depths([id], thisRun));
          }),
        );
        const failed = settled.find((s) => s.status === 'rejected');
        if (failed) throw (failed as PromiseRejectedResult).reason;
        return undefined;
      },
    };
    return { collector, release: () => release(), failNext, slots };
  }

  test('a batch is served before a later batch of the same run returns; a failed batch keeps its last value and fails the run', async () => {
    const registry = createExporterRegistry({ processMetrics: false });
    const held = heldCollector();
    const runner = new CollectorRunner({
      collectors: [{ collector: held.collector, intervalMs: 300 }],
      registry,
      directory: new QueueDirectory(),
      requestsPerMinute: 100_000,
      stalenessMs: 60_000,
      logger: silentLogger,
    });
    const waitFor = async (what: string, condition: () => boolean | Promise<boolean>): Promise<void> => {
      for (let i = 0; i < 1000; i++) {
        if (await condition()) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.fail(`timed out waiting for ${what}`);
    };
    const success = async (): Promise<number | undefined> =>
      (await registry.gauge('genesys_exporter_collector_success').get()).values.find((v) => v.labels.collector === 'observations')?.value;
    try {
      const epochAtStart = registry.store.queueFilterEpoch;
      runner.start();
      // Batch 0 is served while batch 1 is still held: publishing does not wait for the run's last batch.
      await waitFor('batch 0 of run 1', () => servedDepths(registry.store).get('q0') === 1);
      assert.equal(servedDepths(registry.store).has('q1'), false);
      // Batch 2 is served while batch 1 is still held (the first run is compressed into the budget's headroom).
      await waitFor('batch 2 of run 1', () => servedDepths(registry.store).get('q2') === 1);
      assert.deepEqual(held.slots, [0, 1, 2]);
      held.release();
      await waitFor('run 1 to succeed', async () => (await success()) === 1);
      assert.equal(servedDepths(registry.store).get('q1'), 1);
      // This collector does not need the queue list, so it is what reads it: a run of it moves the filter epoch.
      assert.ok(registry.store.queueFilterEpoch > epochAtStart, 'a queue-list run tells the store the filter may decide differently');
      // Run 2: batch 1 fails; batches 0 and 2 are served fresh, q1 keeps run 1's value, the run fails.
      held.failNext.value = true;
      await waitFor('batch 2 of run 2', () => servedDepths(registry.store).get('q2') === 2);
      held.release();
      await waitFor('run 2 to be reported as failed', async () => (await success()) === 0);
      assert.deepEqual(
        servedDepths(registry.store),
        new Map([
          ['q0', 2],
          ['q2', 2],
          ['q1', 1],
        ]),
      );
      const age = (await registry.gauge('genesys_exporter_collector_data_age_seconds').get()).values.find((v) => v.labels.collector === 'observations');
      assert.ok(age !== undefined && age.value >= 0, 'the data age of the collector is exported');
    } finally {
      held.release();
      await runner.stop();
    }
  });

  test('the first collector that needs the queue list runs its first poll alone; the others start once it is over', async () => {
    const registry = createExporterRegistry({ processMetrics: false });
    const directory = new QueueDirectory();
    directory.replace([]);
    const events: string[] = [];
    let releaseLead: () => void = () => {};
    const collector = (name: 'observations' | 'aggregates', held: boolean): Collector => ({
      name,
      needsQueues: true,
      requestsPerRun: () => 1,
      async collect() {
        events.push(`${name} started`);
        if (held && !events.includes(`${name} ended`)) await new Promise<void>((resolve) => (releaseLead = resolve));
        events.push(`${name} ended`);
        return {};
      },
    });
    const runner = new CollectorRunner({
      collectors: [
        { collector: collector('observations', true), intervalMs: 60_000 },
        { collector: collector('aggregates', false), intervalMs: 60_000 },
      ],
      registry,
      directory,
      requestsPerMinute: 300,
      stalenessMs: 60_000,
      logger: silentLogger,
    });
    try {
      runner.start();
      for (let i = 0; i < 200 && !events.includes('observations started'); i++) await new Promise((resolve) => setTimeout(resolve, 5));
      // Give a wrongly started aggregates run every chance to show up before the lead's first run ends.
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(events, ['observations started']);
      releaseLead();
      for (let i = 0; i < 200 && !events.includes('aggregates ended'); i++) await new Promise((resolve) => setTimeout(resolve, 5));
      assert.deepEqual(events, ['observations started', 'observations ended', 'aggregates started', 'aggregates ended']);
    } finally {
      releaseLead();
      await runner.stop();
    }
  });

  test('stopping ends a run that waits for its next batch slot: later batches are never sent', { timeout: 60_000 }, async () => {
    const registry = createExporterRegistry({ processMetrics: false });
    const sent: string[] = [];
    let runs = 0;
    const collector: Collector = {
      name: 'observations',
      needsQueues: false,
      // Declared demand above the budget: the plan is stretched, so even the first run has no headroom and
      // its batches are a third of the (stretched) 10-minute interval apart.
      requestsPerRun: () => 3_000,
      async collect(run: CollectorRun) {
        runs += 1;
        const settled = await Promise.allSettled(
          ['q0', 'q1', 'q2'].map(async (id, index) => {
            await run.batchSlot(index, 3);
            sent.push(`run ${runs} ${id}`);
            run.publishBatch([id], depths([id], runs));
          }),
        );
        const failed = settled.find((s) => s.status === 'rejected');
        if (failed) throw (failed as PromiseRejectedResult).reason;
        return undefined;
      },
    };
    const runner = new CollectorRunner({
      collectors: [{ collector, intervalMs: 600_000 }],
      registry,
      directory: new QueueDirectory(),
      requestsPerMinute: 300,
      stalenessMs: 60_000,
      logger: silentLogger,
    });
    runner.start();
    for (let i = 0; i < 400 && sent.length < 1; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.deepEqual(sent, ['run 1 q0']);
    // Batches 1 and 2 wait minutes for their slots; stop() must not wait for them (the test's timeout would).
    await runner.stop();
    assert.deepEqual(sent, ['run 1 q0'], 'nothing was sent after stop');
  });
});
