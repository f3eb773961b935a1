// IncreaseLedger: exactly-once increases from re-reads of changing aggregate intervals.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { IncreaseLedger } from '../../exporter/collectors/increase-ledger.ts';

/** What one read of an interval adds (a fresh zero totals array each time). */
function increasesOf(ledger: IncreaseLedger, queueId: string, series: string, intervalStartMs: number, values: readonly number[]): number[] {
  const totals = new Float64Array(values.length);
  ledger.addIncreases(queueId, series, intervalStartMs, values, totals);
  return Array.from(totals);
}

describe('IncreaseLedger (exactly-once counting of changing intervals)', () => {
  const t0 = Date.parse('2026-11-29T15:00:00Z');
  const t1 = t0 + 900_000;

  test('counts each posted value once across re-reads, never backwards, field by field', () => {
    const ledger = new IncreaseLedger(2);
    assert.deepEqual(increasesOf(ledger, 'q', 'voice', t0, [5, 1]), [5, 1]);
    assert.deepEqual(increasesOf(ledger, 'q', 'voice', t0, [5, 1]), [0, 0], 're-read of an unchanged interval');
    assert.deepEqual(increasesOf(ledger, 'q', 'voice', t0, [8, 1]), [3, 0], 'late postings to an ended interval');
    assert.deepEqual(increasesOf(ledger, 'q', 'voice', t0, [6, 4]), [0, 3], 'a lower re-read is ignored, other fields still count');
    assert.deepEqual(increasesOf(ledger, 'q', 'voice', t0, [9, 4]), [1, 0], 'counted above the highest value seen');
  });

  test('accumulates into the totals given, and only remembers without them (a baseline)', () => {
    const ledger = new IncreaseLedger(1);
    ledger.addIncreases('q', 'voice', t0, [4], undefined);
    const totals = new Float64Array(1);
    ledger.addIncreases('q', 'voice', t0, [6], totals);
    ledger.addIncreases('q', 'voice', t1, [3], totals);
    assert.deepEqual(Array.from(totals), [2 + 3], 'the 4 seen at the baseline are not counted; a new interval counts whole');
  });

  test('queues, series and intervals are counted separately', () => {
    const ledger = new IncreaseLedger(1);
    assert.deepEqual(increasesOf(ledger, 'q1', 'voice', t0, [2]), [2]);
    assert.deepEqual(increasesOf(ledger, 'q1', 'chat', t0, [2]), [2]);
    assert.deepEqual(increasesOf(ledger, 'q2', 'voice', t0, [2]), [2]);
    assert.deepEqual(increasesOf(ledger, 'q1', 'voice', t1, [2]), [2]);
    assert.equal(ledger.size, 4);
  });

  test('forgets intervals that left the window and queues that are gone', () => {
    const ledger = new IncreaseLedger(1);
    ledger.addIncreases('q1', 'voice', 1000, [2], undefined);
    ledger.addIncreases('q1', 'voice', 2000, [2], undefined);
    ledger.addIncreases('q2', 'voice', 2000, [2], undefined);
    ledger.addIncreases('q3', 'chat', 1000, [2], undefined);
    ledger.forgetBefore(2000);
    assert.equal(ledger.size, 2);
    assert.deepEqual(increasesOf(ledger, 'q1', 'voice', 2000, [2]), [0], 'an interval still in the window is remembered');
    assert.deepEqual(increasesOf(ledger, 'q3', 'chat', 1000, [2]), [2], 'a forgotten interval counts from zero again');
    ledger.forgetQueue('q1');
    assert.equal(ledger.size, 2);
    assert.deepEqual(increasesOf(ledger, 'q1', 'voice', 2000, [2]), [2], 'a forgotten queue counts from zero again');
    assert.deepEqual(increasesOf(ledger, 'q2', 'voice', 2000, [2]), [0], 'other queues are kept');
  });

  test('refuses values of the wrong length, naming both lengths', () => {
    assert.throws(() => new IncreaseLedger(0), /fieldCount must be a positive integer, got 0/);
    const ledger = new IncreaseLedger(3);
    assert.throws(() => ledger.addIncreases('q', 'voice', t0, [1, 2], undefined), /expected 3 values per interval, got 2/);
    assert.throws(() => ledger.addIncreases('q', 'voice', t0, [1, 2, 3], new Float64Array(2)), /expected 3 values per interval, got 3 \(totals: 2\)/);
  });
});
