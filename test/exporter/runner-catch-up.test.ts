// A run that starts late (its predecessor overran: a slow answer, a stall) keeps the batch phases of its
// due time: batches whose phase has passed go at once and catch up, instead of the whole run, and every
// run after it, sliding by the overrun (at 10,000 queues each slide added to every value's age).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nextRunDueMs, planBatchStarts, runAnchorMs } from '../../exporter/collectors/budget.ts';
import type { Collector, CollectorRun } from '../../exporter/collectors/collector.ts';
import { QueueDirectory } from '../../exporter/collectors/queue-directory.ts';
import { CollectorRunner } from '../../exporter/collectors/runner.ts';
import { silentLogger } from '../../exporter/log.ts';
import { createExporterRegistry } from '../../exporter/registry.ts';

/**
 * Runs `collector` every `intervalMs` until `done` settles, then stops the runner. The budget is far more than
 * the collector asks for: the interval stays as given, the budget never spaces batches, and a first run is
 * compressed to almost nothing (firstRunIntervalMs).
 */
async function runUntil(collector: Collector, intervalMs: number, done: Promise<void>): Promise<void> {
  const runner = new CollectorRunner({
    collectors: [{ collector, intervalMs }],
    registry: createExporterRegistry({ processMetrics: false }),
    directory: new QueueDirectory(),
    requestsPerMinute: 100_000,
    stalenessMs: 60_000,
    logger: silentLogger,
  });
  try {
    runner.start();
    await done;
  } finally {
    await runner.stop();
  }
}

describe('runAnchorMs (where a run counts its batch phases from)', () => {
  test('on time: its start; late by less than an interval: its due time; later than that: a new cycle from its start', () => {
    assert.equal(runAnchorMs(10_000, 10_000, 45_000), 10_000);
    assert.equal(runAnchorMs(10_000, 10_003, 45_000), 10_000);
    assert.equal(runAnchorMs(10_000, 30_000, 45_000), 10_000);
    assert.equal(runAnchorMs(10_000, 55_000, 45_000), 55_000);
    // A run started early (a timer may fire a little early) never schedules batches before its start.
    assert.equal(runAnchorMs(10_000, 9_999, 45_000), 9_999);
  });

  test('100 batches at even phases: after a 9 s overrun, the batches due in it go at once and the rest keep their phase', () => {
    const intervalMs = 45_600;
    const spacingMs = intervalMs / 100;
    const dueAtMs = 100_000;
    const startedAtMs = dueAtMs + 9_000;
    const anchor = runAnchorMs(dueAtMs, startedAtMs, intervalMs);
    const delays = Array.from({ length: 100 }, (_, i) => Math.max(0, anchor + i * spacingMs - startedAtMs));
    const atOnce = delays.filter((d) => d === 0).length;
    assert.equal(atOnce, Math.floor(9_000 / spacingMs) + 1);
    // The last batch keeps its place in the cycle: due one interval after its previous run's, not 9 s later.
    assert.equal(startedAtMs + delays[99]!, dueAtMs + 99 * spacingMs);
  });
});

describe('CollectorRunner: a run that starts late catches up', () => {
  test('the run after an overrun sends the batches whose phase has passed at once', { timeout: 30_000 }, async () => {
    const INTERVAL_MS = 1_000;
    const BATCHES = 4; // phases 0, 250, 500, 750 ms
    /** Per run, how long each batch waited for its slot (ms). */
    const waits: number[][] = [];
    let runs = 0;
    let thirdRunDone: () => void = () => {};
    const thirdRun = new Promise<void>((resolve) => (thirdRunDone = resolve));
    const collector: Collector = {
      name: 'observations',
      needsQueues: false,
      requestsPerRun: () => BATCHES,
      async collect(run: CollectorRun) {
        runs += 1;
        const thisRun = runs;
        const waited: number[] = [];
        waits.push(waited);
        await Promise.all(
          Array.from({ length: BATCHES }, async (_, index) => {
            const asked = performance.now();
            await run.batchSlot(index, BATCHES);
            waited[index] = performance.now() - asked;
            // Run 2's last batch answers 700 ms late: the run ends ~450 ms after run 3 was due.
            if (thisRun === 2 && index === BATCHES - 1) await new Promise((resolve) => setTimeout(resolve, 700));
          }),
        );
        if (thisRun === 3) thirdRunDone();
        return {};
      },
    };
    await runUntil(collector, INTERVAL_MS, thirdRun);
    // Run 2 started on time: its batch 1 waited for its phase (250 ms).
    assert.ok(waits[1]![1]! >= 200, `run 2 batch 1 waited ${waits[1]![1]} ms for its phase`);
    // Run 3 started ~450 ms late: batches 0 and 1 (phases 0 and 250 ms) were past due and went at once.
    // Counted from the late start instead, batch 1 would have waited 250 ms more.
    assert.ok(waits[2]![0]! < 50, `run 3 batch 0 waited ${waits[2]![0]} ms`);
    assert.ok(waits[2]![1]! < 50, `run 3 batch 1 waited ${waits[2]![1]} ms although its phase had passed`);
  });
});

describe('nextRunDueMs (a compressed first run is followed at once)', () => {
  const RPM = 200;
  test('a run at the planned spacing: the next is due one interval on', () => {
    const intervalMs = 45_600;
    assert.equal(nextRunDueMs(1_000, intervalMs, { count: 100, spacingMs: intervalMs / 100 }, RPM), 1_000 + intervalMs);
    assert.equal(nextRunDueMs(1_000, intervalMs, undefined, RPM), 1_000 + intervalMs);
  });

  test("10,000 queues, the lead's first run alone at the budget's pace: the second run continues its phases, no value older than interval + one batch", () => {
    const intervalMs = 45_556;
    const count = 100;
    const first = planBatchStarts(count, 0, RPM); // alone: as fast as the planned budget allows
    const steady = planBatchStarts(count, intervalMs, RPM);
    const due = nextRunDueMs(0, intervalMs, { count, spacingMs: first.spacingMs }, RPM);
    assert.ok(due < intervalMs, `due at ${due} ms`);
    for (let i = 0; i < count; i++) {
      const age = due + steady.offsetsMs[i]! - first.offsetsMs[i]!;
      assert.ok(age <= intervalMs + steady.spacingMs + 1e-6, `batch ${i}: ${age} ms between its first and second value`);
    }
    // Never closer than the steady spacing after the first run's last batch: within the budget.
    assert.ok(due - first.offsetsMs.at(-1)! >= steady.spacingMs - 1e-6);
  });
});

describe('CollectorRunner: the run after a compressed first run', () => {
  test('starts right after it instead of a whole interval later', { timeout: 30_000 }, async () => {
    const INTERVAL_MS = 2_000;
    const starts: number[] = [];
    let secondRun: () => void = () => {};
    const second = new Promise<void>((resolve) => (secondRun = resolve));
    const collector: Collector = {
      name: 'observations',
      needsQueues: false,
      requestsPerRun: () => 4,
      async collect(run: CollectorRun) {
        starts.push(performance.now());
        if (starts.length === 2) secondRun();
        await Promise.all([0, 1, 2, 3].map((index) => run.batchSlot(index, 4)));
        return {};
      },
    };
    await runUntil(collector, INTERVAL_MS, second);
    // Due one steady spacing (500 ms) after the first run's last batch; a whole interval would be 2,000 ms.
    assert.ok(starts[1]! - starts[0]! < 1_500, `the second run started ${starts[1]! - starts[0]!} ms after the first`);
  });
});
