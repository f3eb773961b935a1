// The e2e tolerances are arithmetic on the simulator's events; these cases pin that arithmetic with
// hand-computed numbers and show that a wrong panel value is reported (the checks can fail).
// Timing facts used below (test/support/panels/timing.ts): S = scrape 1 s + 0.5 s margin = 1.5 s,
// P = aggregates poll 1 s + 1.5 s margin = 2.5 s, AGGREGATES_LAG = S + P = 4 s.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkQuery } from '../support/panels/evaluate.ts';
import { bucketOf, complianceCandidates, countBounds, quantileInterval, type TruthContext } from '../support/panels/panel-checks.ts';
import { TruthRecorder, type ContactEvent } from '../support/panels/truth.ts';
import type { SimulatorClient } from '../../stack/simulator-client.ts';

const at = (seconds: number, kind: ContactEvent['kind'] = 'offered', waitMs?: number): ContactEvent => ({
  kind,
  queueId: 'q1',
  mediaType: 'voice',
  at: seconds * 1000,
  waitMs,
});

describe('count bounds for rate(x[W]) × W at T', () => {
  test('inner window (T−W+S, T−lag] for the low bound, outer (T−W−P, T] scaled by W/(W−2S) for the high', () => {
    // T = 1000, W = 100: inner (901.5, 996], outer (897.5, 1000].
    const events = [at(899), at(950), at(998)];
    const { low, high } = countBounds(events, 1000, 100);
    assert.equal(low, 1);
    assert.equal(high, (3 * 100) / 97);
  });
});

describe('buckets and quantiles', () => {
  test('the exporter counts waits strictly below a bound (rangeBound lt)', () => {
    assert.deepEqual(bucketOf(19_999), { lower: 10, upper: 20 });
    assert.deepEqual(bucketOf(20_000), { lower: 20, upper: 30 });
    assert.deepEqual(bucketOf(9999), { lower: 0, upper: 10 });
    // An email answered after 2 h: inside the 3,600 … 14,400 s bucket, no longer at the top bound.
    assert.deepEqual(bucketOf(7_200_000), { lower: 3600, upper: 14_400 });
    assert.deepEqual(bucketOf(20_000_000), { lower: 14_400, upper: 14_400 });
  });

  test('the p95 of 20 waits of 25 s and one of 400 s lies in (20, 30] s', () => {
    const waits = [...Array.from({ length: 20 }, () => at(950, 'waited', 25_000)), at(950, 'waited', 400_000)];
    assert.deepEqual(quantileInterval(waits, 0.95, 1000, 100), { lower: 20, upper: 30 });
  });
});

describe('SLA compliance candidates', () => {
  test('1 − breaches/offers from the first poll to each cut-off', () => {
    const events = [at(10), at(11), at(12), at(13), at(20, 'breached')];
    // Counted from exactly 5 s: 4 offers, 1 breach → 0.75 at every cut-off in [T − 4, T] = [96, 100].
    const candidates = complianceCandidates(events, new Set(['q1']), 'voice', [{ fromMs: 5000, toMs: Infinity }], 100);
    assert.ok(candidates.length > 0);
    assert.ok(
      candidates.every((c) => c === 0.75),
      JSON.stringify([...new Set(candidates)]),
    );
  });

  test('an uncertain first start gives one candidate per possible start', () => {
    // The start anywhere in [5 s, 10.5 s]: from 4 offers (0.75) down to 2 offers at 12 and 13 (0.5).
    const events = [at(10), at(11), at(12), at(13), at(20, 'breached')];
    const candidates = new Set(complianceCandidates(events, new Set(['q1']), 'voice', [{ fromMs: 5000, fromLatestMs: 11_000, toMs: Infinity }], 100));
    assert.deepEqual([...candidates].sort(), [0.5, 0.6666666666666667, 0.75]);
  });

  test('contacts posted while no exporter ran are not part of the truth', () => {
    const events = [at(10), at(20, 'breached'), at(30), at(40), at(50, 'breached')];
    // Spans [0, 25] and [35, ∞): offers at 10 and 40, the breach at 20 → 1 − 1/2; the breach at 50 too → 0.
    const candidates = complianceCandidates(
      events,
      new Set(['q1']),
      'voice',
      [
        { fromMs: 0, toMs: 25_000 },
        { fromMs: 35_000, toMs: Infinity },
      ],
      100,
    );
    assert.ok(
      candidates.every((c) => c === 0),
      JSON.stringify([...new Set(candidates)]),
    );
  });
});

describe('a wrong value is reported', () => {
  const recorder = new TruthRecorder({} as SimulatorClient);
  const context = (events: readonly ContactEvent[]): TruthContext => ({
    T: 1000,
    windowSeconds: 100,
    queueIds: new Set(['q1']),
    mediaType: 'voice',
    queuesByName: new Map(),
    events,
    recorder,
    countedSpans: [{ fromMs: 0, toMs: Infinity }],
  });
  const query = {
    dashboardUid: 'd',
    dashboardFile: 'd.json',
    panelId: 1,
    panelTitle: 'Offered',
    panelType: 'timeseries',
    refId: 'offered',
    expr: 'x',
    instant: false,
  };
  const events = Array.from({ length: 100 }, (_, i) => at(905 + i * 0.9));

  test('a rate inside the bounds passes, double the events fails, no data fails', () => {
    const sample = (perSecond: number) => [{ T: 1000, samples: [{ metric: {}, value: [1000, String(perSecond)] as const }] }];
    const check = { kind: 'count', event: 'offered', per: 'second' } as const;
    assert.deepEqual(checkQuery(check, { query, results: sample(1.0) }, context(events)), []);
    assert.equal(checkQuery(check, { query, results: sample(2.0) }, context(events)).length, 1);
    assert.match(checkQuery(check, { query, results: [{ T: 1000, samples: [] }] }, context(events))[0] ?? '', /no data/);
  });

  test('a gauge with no recorded state around the sample is a problem, not a pass', () => {
    const problems = checkQuery(
      { kind: 'gauge', read: (q) => q.members },
      { query, results: [{ T: 1000, samples: [{ metric: { queue_name: 'Q' }, value: [1000, '3'] }] }] },
      {
        ...context([]),
        queuesByName: new Map([['Q', { id: 'q1' } as never]]),
      },
    );
    assert.match(problems[0] ?? '', /no ground-truth reading/);
  });
});

describe('the ground-truth range of a gauge over a window', () => {
  const recorder = new TruthRecorder({} as SimulatorClient);
  const longest = (waitSeconds: number) => ({ queues: [{ longestWaitSeconds: waitSeconds }] }) as never;
  // One contact waiting; readings 1.5 s apart around a window that opens at 10_000 ms.
  recorder.samples.push({ at: 8_000, truth: longest(50) }, { at: 9_500, truth: longest(51.5) }, { at: 11_000, truth: longest(53) });
  const read = (truth: { queues: { longestWaitSeconds: number }[] }) => truth.queues[0]!.longestWaitSeconds;

  test('the last reading before the window is the state it opens in: a wait read just after the window opened is inside', () => {
    const range = recorder.range(10_000, 12_000, read as never, true);
    assert.deepEqual(range, { min: 51.5, max: 53 + 1, readings: 2 });
    assert.ok(range!.min <= 51.9, 'the longest wait at 10.4 s (51.9 s) is in the range');
  });

  test('readings earlier than that one stay out, and a window without a reading of its own has none', () => {
    assert.equal(recorder.range(10_000, 10_900, read as never, true), undefined);
    assert.equal(recorder.range(9_600, 12_000, read as never)!.min, 51.5);
  });

  test('a growing value is followed back to the reading before it: a poll between two readings of different contacts is inside', () => {
    const changed = new TruthRecorder({} as SimulatorClient);
    // The contact waiting 62 s is answered between the readings; the next-longest shows 44.5 s at 9.5 s,
    // so a poll at 9.435 s saw 44.435 s: below every reading, above what the reading gap allows (43 s).
    changed.samples.push({ at: 8_000, truth: longest(62) }, { at: 9_500, truth: longest(44.5) });
    const range = changed.range(8_500, 10_000, read as never, true);
    assert.deepEqual(range, { min: 43, max: 62 + 2, readings: 2 });
    assert.ok(range!.min <= 44.435);
    // A level (not growing) keeps its readings' values.
    assert.equal(changed.range(8_500, 10_000, read as never)!.min, 44.5);
  });

  test('a wait that began and ended between readings (none shows it) is inside: up to the gap to the next reading', () => {
    const quiet = new TruthRecorder({} as SimulatorClient);
    // Nobody waits at either reading; a contact that arrived at 8.1 s and was answered at 9.4 s was polled at
    // 9.3 s, waiting 1.2 s.
    quiet.samples.push({ at: 8_000, truth: longest(0) }, { at: 9_500, truth: longest(0) });
    assert.deepEqual(quiet.range(8_500, 10_000, read as never, true), { min: 0, max: 1.5, readings: 2 });
    assert.deepEqual(quiet.range(8_500, 10_000, read as never), { min: 0, max: 0, readings: 2 });
  });
});
