import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContactTruth, SimulatorHandle } from '../../simulator/index.ts';
import { AGGREGATES, api, assertErrorBody, login, startManual } from './support/helpers.ts';

type Stats = Record<string, number>;
interface Result {
  group: Record<string, string>;
  data: { interval: string; metrics: { metric: string; stats: Stats }[]; views?: { name: string; stats: Stats }[] }[];
}

const BOUNDS_MS = [1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 512000];
const VIEWS = BOUNDS_MS.map((lt) => ({ target: 'tAnswered', function: 'rangeBound', range: { lt }, name: `tAnsweredLt${lt}` }));
const METRICS = ['nOffered', 'tAnswered', 'tAbandon', 'tWait', 'nOverSla', 'oServiceLevel'];

function timer(values: readonly number[]): Stats | undefined {
  if (values.length === 0) return undefined;
  return { max: Math.max(...values), min: Math.min(...values), count: values.length, sum: values.reduce((a, b) => a + b, 0) };
}

describe('simulator: POST /api/v2/analytics/conversations/aggregates/query', () => {
  let sim: SimulatorHandle;
  let post: (path: string, body: unknown) => ReturnType<ReturnType<typeof api>['post']>;
  before(async () => {
    sim = await startManual({ warmupSeconds: 3600, truthRetentionHours: 8 });
    post = api(sim, await login(sim)).post;
  });
  after(() => sim.close());

  test('every group and bucket equals the ground truth of the contacts that arrived in it', async () => {
    const end = sim.now().getTime();
    const start = end - 30 * 60_000;
    const interval = `${new Date(start).toISOString()}/${new Date(end).toISOString()}`;
    const reply = await post(AGGREGATES, { interval, granularity: 'PT5M', groupBy: ['queueId', 'mediaType'], metrics: METRICS, views: VIEWS });
    assert.equal(reply.status, 200, reply.text);
    const results: Result[] = reply.json.results;
    const truth = sim.truthContacts({ since: new Date(start), until: new Date(end) }).contacts;
    assert.ok(truth.length > 50, `enough traffic to compare (${truth.length})`);

    const byKey = new Map<string, ContactTruth[]>();
    for (const c of truth) {
      const bucket = start + Math.floor((Date.parse(c.arrivedAt) - start) / 300_000) * 300_000;
      const key = `${c.queueId}|${c.mediaType}|${new Date(bucket).toISOString()}`;
      byKey.set(key, [...(byKey.get(key) ?? []), c]);
    }
    let compared = 0;
    let viewsCompared = 0;
    for (const result of results) {
      for (const data of result.data) {
        const [from, to] = data.interval.split('/');
        assert.equal(Date.parse(to!) - Date.parse(from!), 300_000);
        const contacts = byKey.get(`${result.group.queueId}|${result.group.mediaType}|${from}`) ?? [];
        byKey.delete(`${result.group.queueId}|${result.group.mediaType}|${from}`);
        const metric = (name: string) => data.metrics.find((m) => m.metric === name)?.stats;
        const answered = contacts.filter((c) => c.outcome === 'answered');
        const abandoned = contacts.filter((c) => c.outcome === 'abandoned');
        const overSla = answered.filter((c) => !c.answeredWithinTarget);
        assert.deepEqual(metric('nOffered'), { count: contacts.length });
        assert.deepEqual(metric('tAnswered'), timer(answered.map((c) => c.waitMs!)));
        assert.deepEqual(metric('tAbandon'), timer(abandoned.map((c) => c.waitMs!)));
        assert.deepEqual(metric('tWait'), timer([...answered, ...abandoned].map((c) => c.waitMs!)));
        assert.deepEqual(metric('nOverSla'), overSla.length === 0 ? undefined : { count: overSla.length });
        const sl = metric('oServiceLevel');
        if (answered.length + abandoned.length === 0) assert.equal(sl, undefined);
        else {
          assert.equal(sl!.numerator, answered.length - overSla.length);
          assert.equal(sl!.denominator, answered.length + abandoned.length);
          assert.equal(sl!.ratio, sl!.numerator! / sl!.denominator!);
          const queue = sim.queues().find((q) => q.id === result.group.queueId)!;
          assert.equal(sl!.target, queue.serviceLevels[result.group.mediaType as 'voice'].percentage);
        }
        for (const lt of BOUNDS_MS) {
          const expected = answered.filter((c) => c.waitMs! < lt).length;
          const view = data.views?.find((v) => v.name === `tAnsweredLt${lt}`);
          assert.equal(view?.stats.count ?? 0, expected, `view lt ${lt}`);
          if (expected === 0) assert.equal(view, undefined, 'views without data are left out');
          else viewsCompared++;
        }
        compared++;
      }
    }
    assert.equal(byKey.size, 0, 'no contact is missing from the answer');
    assert.ok(compared > 10 && viewsCompared > 10, `${compared} buckets, ${viewsCompared} views compared`);
  });

  test('handle, talk, hold, after-call work, flow-out and short-abandon timers and the transfer counts equal the ground truth', async () => {
    const end = sim.now().getTime();
    const start = end - 40 * 60_000;
    const interval = `${new Date(start).toISOString()}/${new Date(end).toISOString()}`;
    const kpis = ['tHandle', 'tTalk', 'tHeld', 'tAcw', 'tFlowOut', 'tShortAbandon', 'nTransferred', 'nBlindTransferred', 'nConsultTransferred'];
    const reply = await post(AGGREGATES, { interval, granularity: 'PT10M', groupBy: ['queueId', 'mediaType'], metrics: kpis });
    assert.equal(reply.status, 200, reply.text);
    const truth = sim.truthContacts({ since: new Date(start), until: new Date(end) }).contacts;
    const byKey = new Map<string, ContactTruth[]>();
    for (const c of truth) {
      const bucket = start + Math.floor((Date.parse(c.arrivedAt) - start) / 600_000) * 600_000;
      const key = `${c.queueId}|${c.mediaType}|${new Date(bucket).toISOString()}`;
      byKey.set(key, [...(byKey.get(key) ?? []), c]);
    }
    const seen = new Map<string, number>();
    for (const result of reply.json.results as Result[]) {
      for (const data of result.data) {
        const from = data.interval.split('/')[0];
        const contacts = byKey.get(`${result.group.queueId}|${result.group.mediaType}|${from}`) ?? [];
        const metric = (name: string) => data.metrics.find((m) => m.metric === name)?.stats;
        const count = (n: number) => (n === 0 ? undefined : { count: n });
        const ended = contacts.filter((c) => c.endedAt !== undefined);
        assert.deepEqual(metric('tHandle'), timer(ended.map((c) => c.handleMs!)));
        assert.deepEqual(metric('tAcw'), timer(ended.map((c) => c.acwMs!)));
        assert.deepEqual(metric('tTalk'), timer(contacts.filter((c) => c.talkMs !== undefined).map((c) => c.talkMs!)));
        assert.deepEqual(metric('tHeld'), timer(contacts.filter((c) => c.heldMs !== undefined).map((c) => c.heldMs!)));
        const flowedOut = contacts.filter((c) => c.outcome === 'flowed_out');
        assert.deepEqual(metric('tFlowOut'), timer(flowedOut.map((c) => Date.parse(c.flowedOutAt!) - Date.parse(c.arrivedAt))));
        const short = contacts.filter((c) => c.shortAbandon === true);
        assert.deepEqual(metric('tShortAbandon'), timer(short.map((c) => c.waitMs!)));
        assert.deepEqual(metric('nTransferred'), count(contacts.filter((c) => c.transfer !== undefined).length));
        assert.deepEqual(metric('nBlindTransferred'), count(contacts.filter((c) => c.transfer === 'blind').length));
        assert.deepEqual(metric('nConsultTransferred'), count(contacts.filter((c) => c.transfer === 'consult').length));
        for (const m of data.metrics) seen.set(m.metric, (seen.get(m.metric) ?? 0) + m.stats.count!);
      }
    }
    for (const name of kpis) assert.ok((seen.get(name) ?? 0) > 0, `${name} had data in the window (${JSON.stringify([...seen])})`);
    // Definitions the exporter relies on, checked on every contact of the window.
    for (const c of truth) {
      if (c.handleMs !== undefined) assert.equal(c.handleMs, c.talkMs! + (c.heldMs ?? 0) + c.acwMs!, 'handle = talk + hold + after-call work');
      if (c.shortAbandon === true) assert.ok(c.outcome === 'abandoned' && c.waitMs! < 10_000, 'a short abandon is an abandon under the 10 s threshold');
      if (c.outcome === 'abandoned' && c.waitMs! < 10_000) assert.equal(c.shortAbandon, true);
      if (c.transfer !== undefined) assert.equal(c.outcome, 'answered', 'only answered contacts are transferred');
    }
  });

  test('a bucket that has ended keeps growing as its contacts are answered or abandoned', async () => {
    // Email waits are long: contacts that arrived in the last minute are mostly still waiting.
    const email = sim.queues().find((q) => q.media.includes('email'))!;
    const end = Math.floor(sim.now().getTime() / 60_000) * 60_000;
    const interval = `${new Date(end - 600_000).toISOString()}/${new Date(end).toISOString()}`;
    const body = {
      interval,
      groupBy: ['queueId'],
      filter: { type: 'or', predicates: [{ dimension: 'queueId', value: email.id }] },
      metrics: ['nOffered', 'tWait'],
    };
    const before = (await post(AGGREGATES, body)).json.results[0].data[0].metrics;
    const waiting = sim
      .truthContacts({ since: new Date(end - 600_000), until: new Date(end), queueId: email.id })
      .contacts.filter((c) => c.outcome === 'waiting');
    assert.ok(waiting.length > 0, 'some contacts of the interval still wait');
    sim.advanceBy(6 * 3600_000);
    const later = (await post(AGGREGATES, body)).json.results[0].data[0].metrics;
    const count = (metrics: { metric: string; stats: Stats }[], name: string) => metrics.find((m) => m.metric === name)?.stats.count ?? 0;
    assert.equal(count(later, 'nOffered'), count(before, 'nOffered'), 'nOffered counted at arrival, unchanged');
    const waitingIds = new Set(waiting.map((c) => c.id));
    const completedSince = sim
      .truthContacts({ since: new Date(end - 600_000), until: new Date(end), queueId: email.id })
      .contacts.filter((c) => waitingIds.has(c.id) && (c.outcome === 'answered' || c.outcome === 'abandoned')).length;
    assert.ok(completedSince > 0);
    assert.equal(count(later, 'tWait'), count(before, 'tWait') + completedSince, 'each contact that completed since posted its wait');
  });

  test('granularity buckets start at the interval start; no data means no entry, and an empty answer is {}', async () => {
    const end = sim.now().getTime();
    const start = end - 10 * 60_000;
    const reply = await post(AGGREGATES, {
      interval: `${new Date(start).toISOString()}/${new Date(end).toISOString()}`,
      granularity: 'PT1M',
      metrics: ['nOffered'],
    });
    const data: Result['data'] = reply.json.results[0].data;
    assert.deepEqual(reply.json.results[0].group, {});
    for (const entry of data) {
      const from = Date.parse(entry.interval.split('/')[0]!);
      assert.equal((from - start) % 60_000, 0);
    }
    const total = data.reduce((n, d) => n + d.metrics[0]!.stats.count!, 0);
    assert.equal(total, sim.truthContacts({ since: new Date(start), until: new Date(end) }).contacts.length);

    const future = await post(AGGREGATES, {
      interval: `${new Date(end + 3600_000).toISOString()}/${new Date(end + 7200_000).toISOString()}`,
      metrics: ['nOffered'],
    });
    assert.equal(future.status, 200);
    assert.deepEqual(future.json, {});
  });

  test('more than 10 views, bad views and bad requests are 400 with the generic body', async () => {
    const interval = '2026-11-29T12:00:00.000Z/2026-11-29T13:00:00.000Z';
    const base = { interval, metrics: ['nOffered'] };
    const cases: [unknown, RegExp][] = [
      [{ ...base, views: [...VIEWS, { ...VIEWS[0], name: 'eleventh' }] }, /maximum is 10/],
      [{ ...base, views: [{ ...VIEWS[0], function: 'sum' }] }, /views\[0\]\.function/],
      [{ ...base, views: [{ ...VIEWS[0], target: 'nOffered' }] }, /views\[0\]\.target/],
      [{ ...base, views: [{ ...VIEWS[0], range: {} }] }, /views\[0\]\.range/],
      [{ ...base, views: [{ ...VIEWS[0], range: { gte: 5000, lt: 1000 } }] }, /gte must be below/],
      [{ ...base, views: [VIEWS[0], VIEWS[0]] }, /used twice/],
      [{ ...base, metrics: ['nOffered', 'tTalkX'] }, /metrics\[1\]/],
      [{ ...base, metrics: [] }, /metrics/],
      [{ ...base, interval: '2026-11-29T12:00:00Z' }, /interval/],
      [{ ...base, interval: '2026-11-29T13:00:00Z/2026-11-29T12:00:00Z' }, /ends before it starts/],
      [{ ...base, interval: '2026-11-29T12:00:00/2026-11-29T13:00:00' }, /interval/],
      [{ ...base, granularity: 'PT7M' }, /evenly divide/],
      [{ ...base, granularity: 'P1M' }, /granularity/],
      [{ ...base, groupBy: ['queueId', 'color'] }, /groupBy\[1\]/],
      [{ ...base, filter: { type: 'or', predicates: [{ type: 'metric', metric: 'tWait' }] } }, /filter\.predicates\[0\]\.type/],
    ];
    for (const [body, message] of cases) {
      const reply = await post(AGGREGATES, body);
      assertErrorBody(reply, 400, 'bad.request');
      assert.match(reply.json.message, message, JSON.stringify(body).slice(0, 200));
    }
  });

  test('ISO durations PT15M, PT30M, PT1H and P1D are accepted', async () => {
    for (const granularity of ['PT15M', 'PT30M', 'PT1H', 'P1D']) {
      const reply = await post(AGGREGATES, { interval: '2026-11-28T00:00:00.000Z/2026-11-30T00:00:00.000Z', granularity, metrics: ['nOffered'] });
      assert.equal(reply.status, 200, `${granularity}: ${reply.text}`);
    }
  });

  test('filters on mediaType and divisionId, groupBy divisionId', async () => {
    const end = sim.now().getTime();
    const since = new Date(end - 1800_000);
    const interval = `${since.toISOString()}/${new Date(end).toISOString()}`;
    const truth = sim.truthContacts({ since, until: new Date(end) }).contacts;
    const voice = await post(AGGREGATES, {
      interval,
      metrics: ['nOffered'],
      filter: { type: 'and', predicates: [{ dimension: 'mediaType', value: 'voice' }] },
    });
    assert.equal(voice.json.results[0].data[0].metrics[0].stats.count, truth.filter((c) => c.mediaType === 'voice').length);
    const byDivision = await post(AGGREGATES, { interval, metrics: ['nOffered'], groupBy: ['divisionId'] });
    const divisionOf = new Map(sim.queues().map((q) => [q.id, q.division.id]));
    for (const result of byDivision.json.results as Result[]) {
      assert.equal(result.data[0]!.metrics[0]!.stats.count, truth.filter((c) => divisionOf.get(c.queueId) === result.group.divisionId).length);
    }
    assert.equal(byDivision.json.results.length, 2);
  });
});
