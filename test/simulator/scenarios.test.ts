import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimulatorHandle } from '../../simulator/index.ts';
import { api, call, login, QUEUES, startManual } from './support/helpers.ts';

describe('simulator: scenarios switch on and off', () => {
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startManual({ orgSize: { queues: 6, divisions: 2, arrivalsPerMinute: 12 } });
  });
  after(() => sim.close());

  const arrivalsIn = (ms: number, queueId?: string): number => {
    const since = sim.now();
    sim.advanceBy(ms);
    return sim.truthContacts({ since, until: sim.now(), ...(queueId === undefined ? {} : { queueId }) }).contacts.length;
  };

  test('quiet: no arrivals at all until it ends', async () => {
    const started = await call(`${sim.url}/sim/scenarios`, { method: 'POST', body: JSON.stringify({ scenario: 'quiet' }) });
    assert.equal(started.status, 201);
    assert.match(started.json.id, /^scenario-\d+$/);
    assert.equal(arrivalsIn(30 * 60_000), 0);
    const ended = await call(`${sim.url}/sim/scenarios`, { method: 'DELETE' });
    assert.deepEqual(ended.json, { ended: 1 });
    assert.ok(arrivalsIn(30 * 60_000) > 100);
  });

  test("surge multiplies one queue's arrivals and ends after durationSeconds", () => {
    const queue = sim.queues()[0]!;
    const baseline = arrivalsIn(60 * 60_000, queue.id);
    sim.startScenario({ scenario: 'surge', queueId: queue.id, factor: 10, durationSeconds: 3600 });
    const surged = arrivalsIn(60 * 60_000, queue.id);
    assert.equal(sim.scenarios().length, 0, 'ended by its duration');
    const after = arrivalsIn(60 * 60_000, queue.id);
    assert.ok(surged > 4 * Math.max(baseline, after, 5), `baseline ${baseline}, surge ${surged}, after ${after}`);
  });

  test("agents-logoff takes a queue's members off queue (busy ones after their contact) and brings them back", () => {
    const queue = sim.queues()[1]!;
    const info = sim.startScenario({ scenario: 'agents-logoff', queueId: queue.id });
    sim.advanceBy(3 * 3600_000); // long enough for every interaction in hand to end
    let truth = sim.truthNow().queues.find((q) => q.queueId === queue.id)!;
    assert.equal(truth.offQueue, truth.members);
    assert.equal(truth.onQueue, 0);
    assert.equal(truth.agents.OFF_QUEUE, truth.members);
    assert.ok(truth.members > 0);
    assert.equal(sim.endScenario(info.id), true);
    assert.equal(sim.endScenario(info.id), false, 'ending twice is a no-op');
    sim.advanceBy(1000);
    truth = sim.truthNow().queues.find((q) => q.queueId === queue.id)!;
    assert.ok(truth.onQueue > 0, 'agents are back');
  });

  test('campaign creates short-lived queues that the routing API lists, then deletes them', async () => {
    const token = await login(sim);
    const before = (await api(sim, token).get(`${QUEUES}?pageSize=100`)).json.total;
    const info = sim.startScenario({ scenario: 'campaign', queues: 30, lifetimeSeconds: 600, everySeconds: 300, arrivalsPerMinute: 2 });
    const listed = (await api(sim, token).get(`${QUEUES}?pageSize=100&name=${encodeURIComponent('Campaign*')}`)).json;
    assert.equal(listed.total, 30);
    sim.advanceBy(300_000);
    assert.equal(sim.queues().filter((q) => q.campaignScenarioId === info.id).length, 60, 'a second wave');
    sim.advanceBy(300_000);
    const campaignIds = sim
      .queues()
      .filter((q) => q.campaignScenarioId === info.id)
      .map((q) => q.id);
    assert.equal(campaignIds.length, 60, 'the first wave is deleted as the third is created');
    const offered = sim
      .truthContacts({ since: new Date(sim.now().getTime() - 600_000), until: sim.now() })
      .contacts.filter((c) => campaignIds.includes(c.queueId));
    assert.ok(offered.length > 0, 'campaign queues get traffic');
    sim.endScenarios();
    assert.equal(sim.queues().filter((q) => q.campaignScenarioId !== undefined).length, 0);
    assert.equal((await api(sim, token).get(`${QUEUES}?pageSize=100`)).json.total, before);
  });

  test('bad scenario requests are 400 with a message naming the key', async () => {
    const cases: [unknown, RegExp][] = [
      [{ scenario: 'storm' }, /"scenario" must be one of/],
      [{ scenario: 'surge', factor: 2 }, /"queueId" is required/],
      [{ scenario: 'surge', queueId: 'nope', factor: 2 }, /unknown queueId "nope"/],
      [{ scenario: 'surge', queueId: sim.queues()[0]!.id, factor: -1 }, /"factor" must be >= 0/],
      [{ scenario: 'campaign', queues: 2 }, /"lifetimeSeconds" is required/],
      [{ scenario: 'quiet', durationSecs: 5 }, /unknown key "durationSecs"/],
    ];
    for (const [body, message] of cases) {
      const reply = await call(`${sim.url}/sim/scenarios`, { method: 'POST', body: JSON.stringify(body) });
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.match(reply.json.error, message);
    }
    assert.equal(sim.scenarios().length, 0);
  });
});
