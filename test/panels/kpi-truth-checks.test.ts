// The e2e checks of the contact-KPI panels (ratio of two windowed sums, per queue and media type) and of the
// presence panels, pinned with hand-computed numbers, and shown to report a wrong value (they can fail).
// Timing facts (test/support/panels/timing.ts): S = 1.5 s, P = 2.5 s, AGGREGATES_LAG = 4 s; at T = 1000 and
// W = 100 the inner window is (901.5, 996] and the outer (897.5, 1000], scaled by W / (W − 2S) = 100/97.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkQuery } from '../support/panels/evaluate.ts';
import { ratioBounds, secondsBounds, type PanelCheck, type TruthContext } from '../support/panels/panel-checks.ts';
import { contactEvents, TruthRecorder, type ContactEvent } from '../support/panels/truth.ts';
import type { ContactTruth, SimQueue, TruthNow } from '../../simulator/control-types.ts';
import type { SimulatorClient } from '../../stack/simulator-client.ts';

const event = (seconds: number, kind: ContactEvent['kind'], media: ContactEvent['mediaType'] = 'voice', amountMs?: number): ContactEvent => ({
  kind,
  queueId: 'q1',
  mediaType: media,
  at: seconds * 1000,
  amountMs,
});

const queue = { id: 'q1', name: 'Sales' } as SimQueue;
const context = (events: readonly ContactEvent[], recorder = new TruthRecorder({} as SimulatorClient)): TruthContext => ({
  T: 1000,
  windowSeconds: 100,
  queueIds: new Set(['q1']),
  mediaType: ['voice', 'email'],
  queuesByName: new Map([['Sales', queue]]),
  events,
  recorder,
  countedSpans: [{ fromMs: 0, toMs: Infinity }],
});
const query = { dashboardUid: 'd', dashboardFile: 'd.json', panelId: 1, panelTitle: 'AHT', panelType: 'stat', refId: 'aht', expr: 'x', instant: false };
const at1000 = (labels: Record<string, string>, value: number) => [{ T: 1000, samples: [{ metric: labels, value: [1000, String(value)] as const }] }];

const AHT: PanelCheck = { kind: 'ratio', numerator: { event: 'handled', measure: 'seconds' }, denominator: { event: 'handled', measure: 'count' } };
const ABANDON: PanelCheck = {
  kind: 'ratio',
  numerator: { event: 'abandonedNotShort', measure: 'count' },
  denominator: { event: 'offered', measure: 'count' },
  denominatorMinus: { event: 'shortAbandoned', measure: 'count' },
};

describe('ratio bounds', () => {
  test('seconds of timers in the inner and the outer window, the outer scaled like counts', () => {
    const events = [event(899, 'handled', 'voice', 100_000), event(950, 'handled', 'voice', 200_000), event(998, 'handled', 'voice', 300_000)];
    assert.deepEqual(secondsBounds(events, 1000, 100), { low: 200, high: (600 * 100) / 97 });
  });

  test('smallest numerator over largest denominator, and the other way round; a denominator that may be 0 does not demand a value', () => {
    assert.deepEqual(ratioBounds({ low: 2, high: 4 }, { low: 10, high: 20 }), { low: 0.1, high: 0.4, mustExist: true });
    assert.deepEqual(ratioBounds({ low: 0, high: 1 }, { low: 0, high: 2 }), { low: 0, high: Infinity, mustExist: false });
  });
});

describe('a contact KPI against the events', () => {
  // Ten voice contacts handled in the inner window, 120 s each: AHT 120 s whatever the window's edges.
  const handled = Array.from({ length: 10 }, (_, i) => event(910 + i * 8, 'handled', 'voice', 120_000));
  // Emails of the same queue take an hour: a sample labelled voice must not be judged with them.
  const emails = Array.from({ length: 10 }, (_, i) => event(910 + i * 8, 'handled', 'email', 3_600_000));

  test('the right average passes; twice it, or the average over both media types, fails', () => {
    const ctx = context([...handled, ...emails]);
    const shown = (voice: number) => [
      {
        T: 1000,
        samples: [
          { metric: { queue_name: 'Sales', media_type: 'voice' }, value: [1000, String(voice)] as const },
          { metric: { queue_name: 'Sales', media_type: 'email' }, value: [1000, '3600'] as const },
        ],
      },
    ];
    assert.deepEqual(checkQuery(AHT, { query, results: shown(120) }, ctx), []);
    assert.equal(checkQuery(AHT, { query, results: shown(240) }, ctx).length, 1);
    assert.equal(checkQuery(AHT, { query, results: shown((120 + 3600) / 2) }, ctx).length, 1);
  });

  test('a queue and media type with contacts handled but no value is reported', () => {
    const voiceOnly = at1000({ queue_name: 'Sales', media_type: 'voice' }, 120);
    assert.deepEqual(checkQuery(AHT, { query, results: voiceOnly }, context(handled)), [], 'no email handled: no email value needed');
    const missingEmail = checkQuery(AHT, { query, results: voiceOnly }, context([...handled, ...emails]));
    assert.ok(
      missingEmail.some((p) => /no value for queue q1 \(email\)/.test(p)),
      missingEmail.join('\n'),
    );
  });

  test('abandon rate: short abandons out of both sides; counting them in is reported', () => {
    // 20 offers, 4 abandons of which 2 short, all inside the inner window: (4 − 2) / (20 − 2).
    const offers = Array.from({ length: 20 }, (_, i) => event(905 + i * 4, 'offered'));
    const contacts = [...offers, ...[950, 960].map((s) => event(s, 'abandonedNotShort')), ...[955, 965].map((s) => event(s, 'shortAbandoned'))];
    const labels = { queue_name: 'Sales', media_type: 'voice' };
    assert.deepEqual(checkQuery(ABANDON, { query, results: at1000(labels, 2 / 18) }, context(contacts)), []);
    assert.equal(checkQuery(ABANDON, { query, results: at1000(labels, 4 / 20) }, context(contacts)).length, 1);
  });
});

describe('simulator contacts become the KPI events as Genesys posts them', () => {
  test('handle, talk, hold and wrap-up at their own ends; transfers at the end of the talk; short abandons apart', () => {
    const base = { queueId: 'q1', mediaType: 'voice', slaTargetMs: 20_000, answeredWithinTarget: true } as const;
    const contacts: ContactTruth[] = [
      {
        ...base,
        id: 'c1',
        arrivedAt: '2026-01-01T00:00:00Z',
        answeredAt: '2026-01-01T00:00:05Z',
        outcome: 'answered',
        waitMs: 5000,
        heldMs: 10_000,
        holdEndedAt: '2026-01-01T00:01:00Z',
        talkMs: 60_000,
        disconnectedAt: '2026-01-01T00:01:15Z',
        transfer: 'consult',
        acwMs: 30_000,
        handleMs: 100_000,
        endedAt: '2026-01-01T00:01:45Z',
      },
      { ...base, id: 'c2', arrivedAt: '2026-01-01T00:00:00Z', abandonedAt: '2026-01-01T00:00:03Z', outcome: 'abandoned', waitMs: 3000, shortAbandon: true },
    ];
    const kinds = (kind: ContactEvent['kind']) =>
      contactEvents(contacts)
        .filter((e) => e.kind === kind)
        .map((e) => [new Date(e.at).toISOString().slice(14, 19), e.amountMs]);
    assert.deepEqual(kinds('answerWaited'), [['00:05', 5000]]);
    assert.deepEqual(kinds('held'), [['01:00', 10_000]]);
    assert.deepEqual(kinds('talked'), [['01:15', 60_000]]);
    assert.deepEqual(kinds('consultTransferred'), [['01:15', undefined]]);
    assert.deepEqual(kinds('transferred'), [['01:15', undefined]]);
    assert.deepEqual(kinds('handled'), [['01:45', 100_000]]);
    assert.deepEqual(kinds('wrappedUp'), [['01:45', 30_000]]);
    assert.deepEqual(kinds('shortAbandoned'), [['00:03', undefined]]);
    assert.deepEqual(kinds('abandonedNotShort'), []);
    assert.equal(kinds('abandoned').length, 1);
  });
});

describe('members by presence', () => {
  test('the sum over the queues in scope at the poll; a wrong count is reported', () => {
    const recorder = new TruthRecorder({} as SimulatorClient);
    const truth = (onBreak: number): TruthNow =>
      ({
        time: '',
        queues: [
          { queueId: 'q1', presences: { BREAK: onBreak, ON_QUEUE: 4 } },
          { queueId: 'q2', presences: { BREAK: 9 } },
        ],
      }) as unknown as TruthNow;
    recorder.samples.push({ at: 999_000, truth: truth(2) }, { at: 999_500, truth: truth(3) });
    const check: PanelCheck = { kind: 'presence' };
    const observed = { fromMs: 999_000, toMs: 999_500 };
    const sample = (presence: string, value: number) => [{ T: 1000, samples: [{ metric: { presence }, value: [1000, String(value)] as const }], observed }];
    assert.deepEqual(checkQuery(check, { query, results: sample('break', 3) }, context([], recorder)), []);
    assert.equal(checkQuery(check, { query, results: sample('break', 12) }, context([], recorder)).length, 1, 'another queue counted in');
    assert.deepEqual(checkQuery(check, { query, results: sample('on_queue', 4) }, context([], recorder)), []);
  });
});
