import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimulatorHandle } from '../../simulator/index.ts';
import { ALL_OBSERVATION_METRICS, api, assertErrorBody, login, OBSERVATIONS, queueFilter, startManual } from './support/helpers.ts';

describe('simulator: POST /api/v2/analytics/queues/observations/query', () => {
  let sim: SimulatorHandle;
  let post: (path: string, body: unknown) => ReturnType<ReturnType<typeof api>['post']>;
  before(async () => {
    sim = await startManual();
    post = api(sim, await login(sim)).post;
    // A surge on a voice queue so that contacts are waiting when we look.
    const voice = sim.queues().find((q) => q.media.includes('voice'))!;
    sim.startScenario({ scenario: 'surge', queueId: voice.id, factor: 20, mediaType: 'voice' });
    sim.advanceBy(120_000);
  });
  after(() => sim.close());

  test('every queue and media group equals /sim/truth/now', async () => {
    const queues = sim.queues();
    const reply = await post(OBSERVATIONS, { filter: queueFilter(queues.map((q) => q.id)), metrics: ALL_OBSERVATION_METRICS, detailMetrics: ['oWaiting'] });
    assert.equal(reply.status, 200, reply.text);
    const truth = sim.truthNow();
    const results: {
      group: Record<string, string>;
      data: { metric: string; qualifier?: string; stats: { count: number }; observations?: { observationDate: string }[] }[];
    }[] = reply.json.results;
    let waitingSeen = 0;
    for (const queue of truth.queues) {
      const userGroup = results.find((r) => r.group.queueId === queue.queueId && r.group.mediaType === undefined)!;
      assert.deepEqual(Object.keys(userGroup.group), ['queueId'], 'user metrics come in a group without mediaType');
      const count = (metric: string, qualifier?: string) => userGroup.data.find((d) => d.metric === metric && d.qualifier === qualifier)?.stats.count;
      assert.equal(count('oOnQueueUsers'), queue.onQueue);
      assert.equal(count('oOffQueueUsers'), queue.offQueue);
      assert.equal(count('oMemberUsers'), queue.members);
      for (const [status, n] of Object.entries(queue.agents)) assert.equal(count('oUserRoutingStatuses', status), n, status);
      const presenceTotal = userGroup.data.filter((d) => d.metric === 'oUserPresences').reduce((a, d) => a + d.stats.count, 0);
      assert.equal(presenceTotal, queue.members);
      for (const media of queue.media) {
        const group = results.find((r) => r.group.queueId === queue.queueId && r.group.mediaType === media.mediaType)!;
        assert.ok(group, `${queue.name} ${media.mediaType}`);
        const plain = (metric: string) => group.data.find((d) => d.metric === metric && d.observations === undefined)!.stats.count;
        assert.equal(plain('oWaiting'), media.waiting);
        assert.equal(plain('oInteracting'), media.interacting);
        assert.equal(plain('oAlerting'), media.alerting);
        const detail = group.data.find((d) => d.metric === 'oWaiting' && d.observations !== undefined)!;
        assert.equal(detail.stats.count, media.waiting);
        assert.equal(detail.observations!.length, Math.min(media.waiting, 100));
        if (media.longestWaitMs !== null) {
          const oldest = Date.parse(detail.observations![0]!.observationDate);
          assert.equal(Date.parse(truth.time) - oldest, media.longestWaitMs, 'the oldest observationDate gives the longest wait');
        }
        waitingSeen += media.waiting;
      }
    }
    assert.ok(waitingSeen > 0, 'the surge left contacts waiting');
    assert.equal(
      results.length,
      truth.queues.reduce((n, q) => n + q.media.length + 1, 0),
      'no other groups',
    );
    const mappings: Record<string, string[]> = reply.json.systemToOrganizationMappings;
    assert.equal(mappings.AVAILABLE!.length, 1);
    assert.equal(typeof mappings.ON_QUEUE![0], 'string');
    // The org has a secondary presence under BREAK and under MEAL ("Coffee", "Lunch"): two ids each.
    assert.equal(mappings.BREAK!.length, 2);
    assert.equal(mappings.MEAL!.length, 2);
    const systemOf = new Map(Object.entries(mappings).flatMap(([system, ids]) => ids.map((id) => [id, system] as const)));
    assert.equal(systemOf.size, Object.values(mappings).flat().length, 'an org presence id belongs to one system presence');
    for (const queue of truth.queues) {
      const userGroup = results.find((r) => r.group.queueId === queue.queueId && r.group.mediaType === undefined)!;
      const bySystem: Record<string, number> = {};
      const qualifiers = new Set<string>();
      for (const d of userGroup.data.filter((d) => d.metric === 'oUserPresences')) {
        assert.ok(systemOf.has(d.qualifier!), 'presence qualifiers are mapped org ids');
        assert.ok(!qualifiers.has(d.qualifier!), 'one datum per org presence');
        assert.ok(d.stats.count > 0, 'presences nobody is in are left out');
        qualifiers.add(d.qualifier!);
        bySystem[systemOf.get(d.qualifier!)!] = (bySystem[systemOf.get(d.qualifier!)!] ?? 0) + d.stats.count;
      }
      for (const [system, n] of Object.entries(queue.presences)) assert.equal(bySystem[system] ?? 0, n, `${system} members of ${queue.name}`);
    }
  });

  test('a mediaType predicate narrows the groups; voice is the analytics name', async () => {
    const queues = sim.queues();
    const filter = { type: 'and', clauses: [queueFilter(queues.map((q) => q.id))], predicates: [{ dimension: 'mediaType', value: 'voice' }] };
    const reply = await post(OBSERVATIONS, { filter, metrics: ['oWaiting', 'oMemberUsers'] });
    assert.equal(reply.status, 200, reply.text);
    assert.ok(reply.json.results.length > 0);
    for (const r of reply.json.results) assert.equal(r.group.mediaType, 'voice', 'user groups have no mediaType, so an AND on it excludes them');
    assert.equal(reply.json.results.length, queues.filter((q) => q.media.includes('voice')).length);
  });

  test('unknown queue ids give no groups', async () => {
    const reply = await post(OBSERVATIONS, { filter: queueFilter(['00000000-0000-4000-8000-000000000000']), metrics: ['oWaiting'] });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json.results, []);
  });

  test('metrics outside the nine are refused with 400', async () => {
    const id = sim.queues()[0]!.id;
    for (const metrics of [['oLongestWaiting'], ['oServiceLevel'], ['oWaiting', 'nOffered'], [], 'oWaiting']) {
      const reply = await post(OBSERVATIONS, { filter: queueFilter([id]), metrics });
      assertErrorBody(reply, 400, 'bad.request');
      assert.match(reply.json.message, /metrics/);
    }
    const detail = await post(OBSERVATIONS, { filter: queueFilter([id]), metrics: ['oWaiting'], detailMetrics: ['oMemberUsers'] });
    assertErrorBody(detail, 400, 'bad.request');
    assert.match(detail.json.message, /detailMetrics\[0\]/);
  });

  test('bad filters are refused with a message naming the field', async () => {
    const id = sim.queues()[0]!.id;
    const cases: [unknown, RegExp][] = [
      [undefined, /filter is required/],
      [{ type: 'xor', predicates: [{ dimension: 'queueId', value: id }] }, /filter\.type/],
      [{ type: 'or', predicates: [{ dimension: 'userId', value: id }] }, /filter\.predicates\[0\]\.dimension/],
      [{ type: 'or', predicates: [{ dimension: 'queueId', operator: 'like', value: id }] }, /operator/],
      [{ type: 'or', predicates: [{ dimension: 'queueId' }] }, /value/],
      [{ type: 'or', predicates: [] }, /at least one predicate/],
      [{ type: 'or', clauses: [{ type: 'or', clauses: [{ type: 'or', predicates: [{ dimension: 'queueId', value: id }] }] }] }, /two levels/],
      [{ type: 'or', predicates: [{ dimension: 'mediaType', value: 'voice' }] }, /at least one queueId/],
    ];
    for (const [filter, message] of cases) {
      const reply = await post(OBSERVATIONS, { filter, metrics: ['oWaiting'] });
      assertErrorBody(reply, 400, 'bad.request');
      assert.match(reply.json.message, message, JSON.stringify(filter));
    }
    const notJson = await fetch(`${sim.url}${OBSERVATIONS}`, { method: 'POST', headers: { Authorization: `Bearer ${await login(sim)}` }, body: '{"filter":' });
    assert.equal(notJson.status, 400);
  });

  test('oInteracting detail observations carry the agent and the answer time', async () => {
    const queues = sim.queues();
    const reply = await post(OBSERVATIONS, { filter: queueFilter(queues.map((q) => q.id)), metrics: ['oInteracting'], detailMetrics: ['oInteracting'] });
    const entries = reply.json.results.flatMap((r: { data: unknown[] }) => r.data).filter((d: { observations?: unknown }) => d.observations !== undefined);
    const observations = entries.flatMap((d: { observations: unknown[] }) => d.observations);
    assert.ok(observations.length > 0);
    const agentIds = new Set(sim.org.agents.map((a) => a.id));
    for (const o of observations) {
      assert.ok(agentIds.has(o.userId));
      assert.ok(Date.parse(o.observationDate) <= sim.now().getTime());
    }
  });
});
