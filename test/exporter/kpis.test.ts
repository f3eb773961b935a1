// The contact-center KPIs (handle, talk, hold and after-call work times, speed of answer, abandon times,
// transfers, flow-outs, short abandons, members by presence) end to end: a simulator on a manual clock, the
// exporter reading its clock, every value on /metrics compared EXACTLY with the simulator's ground truth.
// The aggregates are polled after every clock step, so intervals are re-read while their timers keep
// posting; then polled again with the clock frozen, which must not change a single value (no double count).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricName } from '../../metrics/catalog.ts';
import { PRESENCE_LABELS, SYSTEM_PRESENCES } from '../../metrics/vocabulary.ts';
import { startExporter } from '../../exporter/app.ts';
import type { RunningExporter } from '../../exporter/app.ts';
import { parseConfig } from '../../exporter/config.ts';
import { createLogger } from '../../exporter/log.ts';
import { startSimulator } from '../../simulator/index.ts';
import type { ContactTruth } from '../../simulator/control-types.ts';
import { select, sampleValue, valueIn } from '../support/exposition.ts';
import type { ParsedSample } from '../support/exposition.ts';
import { get } from '../support/http-client.ts';
import { waitFor } from '../../stack/wait-for.ts';
import { SimulatorClient } from '../../stack/simulator-client.ts';
import { simulatorArgs, simulatorCredentials } from '../support/simulator-target.ts';
import { freshRun } from './support/fresh-run.ts';

/** The summaries: metric → which truth value posts, and when. */
const SUMMARIES = {
  genesys_queue_handle_time_seconds: (c: ContactTruth) => posting(c.endedAt, c.handleMs),
  genesys_queue_talk_time_seconds: (c: ContactTruth) => posting(c.disconnectedAt, c.talkMs),
  genesys_queue_hold_time_seconds: (c: ContactTruth) => posting(c.holdEndedAt, c.heldMs),
  genesys_queue_after_call_work_seconds: (c: ContactTruth) => posting(c.endedAt, c.acwMs),
  genesys_queue_answer_time_seconds: (c: ContactTruth) => posting(c.answeredAt, c.waitMs),
  genesys_queue_abandon_time_seconds: (c: ContactTruth) => posting(c.abandonedAt, c.waitMs),
} as const satisfies Partial<Record<MetricName, (c: ContactTruth) => Posting | undefined>>;

/** The counters: metric → when the contact counts (undefined: it does not). */
const COUNTERS = {
  genesys_queue_transferred_total: (c: ContactTruth) => (c.transfer === undefined ? undefined : c.disconnectedAt),
  genesys_queue_blind_transferred_total: (c: ContactTruth) => (c.transfer === 'blind' ? c.disconnectedAt : undefined),
  genesys_queue_consult_transferred_total: (c: ContactTruth) => (c.transfer === 'consult' ? c.disconnectedAt : undefined),
  genesys_queue_flow_out_total: (c: ContactTruth) => c.flowedOutAt,
  genesys_queue_short_abandoned_total: (c: ContactTruth) => (c.shortAbandon === true ? c.abandonedAt : undefined),
} as const satisfies Partial<Record<MetricName, (c: ContactTruth) => string | undefined>>;

interface Posting {
  readonly at: string;
  readonly valueMs: number;
}

function posting(at: string | undefined, valueMs: number | undefined): Posting | undefined {
  return at === undefined || valueMs === undefined ? undefined : { at, valueMs };
}

interface Expected {
  readonly summaries: Map<string, { count: number; sumMs: number }>;
  readonly counters: Map<string, number>;
}

/**
 * The exporter's counting definition applied to the ground truth: a value counts when it posted after the
 * baseline poll and at or before the last poll, whichever interval (the contact's arrival) it posts to.
 */
function expected(contacts: readonly ContactTruth[], sinceMs: number, untilMs: number): Expected {
  const inWindow = (iso: string | undefined): boolean => iso !== undefined && Date.parse(iso) > sinceMs && Date.parse(iso) <= untilMs;
  const out: Expected = { summaries: new Map(), counters: new Map() };
  for (const contact of contacts) {
    const series = `${contact.queueId}/${contact.mediaType}`;
    for (const [metric, read] of Object.entries(SUMMARIES)) {
      const p = read(contact);
      if (p === undefined || !inWindow(p.at)) continue;
      const key = `${metric}|${series}`;
      const entry = out.summaries.get(key) ?? { count: 0, sumMs: 0 };
      entry.count++;
      entry.sumMs += p.valueMs;
      out.summaries.set(key, entry);
    }
    for (const [metric, read] of Object.entries(COUNTERS)) {
      if (!inWindow(read(contact))) continue;
      const key = `${metric}|${series}`;
      out.counters.set(key, (out.counters.get(key) ?? 0) + 1);
    }
  }
  return out;
}

describe('contact-center KPIs against the simulator', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let sim: SimulatorClient;
  let exporter: RunningExporter;
  let baselineMs: number;

  before(async () => {
    // Busy and understaffed, with more transfers and flow-outs than the defaults, so every KPI has data.
    simulator = await startSimulator({
      port: 0,
      seed: 23,
      clock: 'manual',
      org: { generate: { queues: 6, divisions: 2, arrivalsPerMinute: 45, agents: 30 }, behaviour: { transferProbability: 0.3, flowOutProbability: 0.2 } },
    });
    sim = new SimulatorClient(simulator.url);
    await sim.syncClock();
    // Contacts in progress before the exporter starts: their timers post after the baseline and count.
    await sim.advanceBy(10 * 60_000);
    const config = parseConfig(
      // The test waits for an aggregates run after every clock step, so they get most of the 300/min budget:
      // 200/min at 300 ms, observations 60/min, the queue list 6/min, within the 90 % the exporter plans for.
      simulatorArgs(simulator.url, { queues: '10s', observations: '1s', aggregates: '300ms' }, [
        '--collector.aggregates.window=2h',
        '--collector.staleness=30s',
        '--genesys.requests-per-minute=300',
      ]),
      simulatorCredentials(simulator),
    );
    exporter = await startExporter(config, { logger: createLogger({ level: 'error', write: () => {} }), now: () => sim.nowMs });
    await waitFor('the aggregates baseline', async () =>
      valueIn((await get(`${exporter.url}/metrics`)).body, 'genesys_exporter_collector_success', { collector: 'aggregates' }) === 1 ? true : undefined,
    );
    baselineMs = sim.nowMs; // the clock has not moved since the exporter started: the baseline saw this time
  });
  after(async () => {
    await exporter?.close();
    await simulator?.close();
  });

  test('handle, talk, hold, after-call work, answer and abandon times, transfers, flow-outs and short abandons count exactly what posted', async (t) => {
    // Ten simulated minutes (enough for every KPI to post), in four steps with a poll after each.
    for (let step = 0; step < 4; step++) {
      await sim.advanceBy(150_000);
      await freshRun(exporter.url, 'aggregates');
    }
    const samples = await freshRun(exporter.url, 'aggregates');
    const untilMs = sim.nowMs;
    const { contacts } = await sim.truthContacts({ since: new Date(baselineMs - 6 * 3_600_000), until: new Date(untilMs + 1) });
    const want = expected(contacts, baselineMs, untilMs);

    // Every KPI had postings in the window, so each comparison below can fail.
    const totals: string[] = [];
    for (const metric of Object.keys(SUMMARIES)) {
      const count = [...want.summaries].filter(([key]) => key.startsWith(`${metric}|`)).reduce((sum, [, e]) => sum + e.count, 0);
      totals.push(`${metric} ${count}`);
      assert.ok(count > 0, `${metric}: nothing posted in the window, the test would prove nothing`);
    }
    for (const metric of Object.keys(COUNTERS)) {
      const count = [...want.counters].filter(([key]) => key.startsWith(`${metric}|`)).reduce((sum, [, n]) => sum + n, 0);
      totals.push(`${metric} ${count}`);
      assert.ok(count > 0, `${metric}: nothing posted in the window, the test would prove nothing`);
    }
    t.diagnostic(`window ${(untilMs - baselineMs) / 1000}s: ${totals.join(', ')}`);

    const seriesKeys = new Set(select(samples, 'genesys_queue_offer_total').map((s) => `${s.labels['queue_id']}/${s.labels['media_type']}`));
    for (const key of [...want.summaries.keys(), ...want.counters.keys()]) assert.ok(seriesKeys.has(key.split('|')[1]!), `no series for ${key}`);
    for (const series of seriesKeys) {
      const [queue_id = '', media_type = ''] = series.split('/');
      const where = { queue_id, media_type };
      for (const metric of Object.keys(SUMMARIES) as (keyof typeof SUMMARIES)[]) {
        const expectation = want.summaries.get(`${metric}|${series}`) ?? { count: 0, sumMs: 0 };
        assert.equal(sampleValue(samples, `${metric}_count`, where), expectation.count, `${metric}_count ${series}`);
        const sum = sampleValue(samples, `${metric}_sum`, where) ?? NaN;
        assert.ok(Math.abs(sum - expectation.sumMs / 1000) < 1e-6, `${metric}_sum ${series}: ${sum}, want ${expectation.sumMs / 1000}`);
      }
      for (const metric of Object.keys(COUNTERS) as (keyof typeof COUNTERS)[]) {
        assert.equal(sampleValue(samples, metric, where), want.counters.get(`${metric}|${series}`) ?? 0, `${metric} ${series}`);
      }
      // One definition, two readings: tAnswered's count is also genesys_queue_answered_total.
      assert.equal(sampleValue(samples, 'genesys_queue_answer_time_seconds_count', where), sampleValue(samples, 'genesys_queue_answered_total', where));
      assert.equal(sampleValue(samples, 'genesys_queue_abandon_time_seconds_count', where), sampleValue(samples, 'genesys_queue_abandoned_total', where));
    }

    // The same window read again and again with nothing new: not one value moves.
    const kpiLines = (all: ParsedSample[]): string[] =>
      all
        .filter((s) => Object.keys(SUMMARIES).some((m) => s.name.startsWith(m)) || s.name in COUNTERS)
        .map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`)
        .sort();
    const before = kpiLines(samples);
    assert.ok(before.length > 0);
    await freshRun(exporter.url, 'aggregates');
    assert.deepEqual(kpiLines(await freshRun(exporter.url, 'aggregates')), before, 're-reading the window counted something twice');
  });

  test('members by presence equal the ground truth, org presence ids mapped to system presences', async () => {
    await sim.advanceBy(40_000);
    const samples = await freshRun(exporter.url, 'observations');
    const truth = await sim.truthNow();
    const offQueuePresences = new Set<string>();
    for (const queue of truth.queues) {
      const q = { queue_id: queue.queueId };
      for (const presence of SYSTEM_PRESENCES) {
        const value = sampleValue(samples, 'genesys_queue_members_by_presence', { ...q, presence: presence.toLowerCase() });
        assert.equal(value, queue.presences[presence], `${presence} members of ${queue.name}`);
        if (presence !== 'ON_QUEUE' && presence !== 'OFFLINE' && queue.presences[presence] > 0) offQueuePresences.add(presence);
      }
      // Every id of the simulated org is mapped (BREAK and MEAL have two each), so nothing is `other`.
      assert.equal(sampleValue(samples, 'genesys_queue_members_by_presence', { ...q, presence: 'other' }), 0, `other members of ${queue.name}`);
      const total = select(samples, 'genesys_queue_members_by_presence', q).reduce((sum, s) => sum + s.value, 0);
      assert.equal(total, queue.members, `presences of ${queue.name} add up to its members`);
      assert.equal(select(samples, 'genesys_queue_members_by_presence', q).length, PRESENCE_LABELS.length, `one series per presence label for ${queue.name}`);
    }
    assert.ok(offQueuePresences.size >= 2, `agents were on break, meal, meeting… (seen: ${[...offQueuePresences].join(', ')})`);
  });
});
