import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimulatorHandle } from '../../simulator/index.ts';
import { startSimulator } from '../../simulator/index.ts';
import { call, START, startManual } from './support/helpers.ts';

describe('simulator: /sim control routes', () => {
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startManual();
  });
  after(() => sim.close());

  test('the manual clock moves over HTTP, never backwards', async () => {
    assert.deepEqual((await call(`${sim.url}/sim/clock`)).json, { time: START, mode: 'manual' });
    const moved = await call(`${sim.url}/sim/clock`, { method: 'POST', body: JSON.stringify({ advanceByMs: 90_000 }) });
    assert.equal(moved.json.time, '2026-11-29T12:01:30.000Z');
    const to = await call(`${sim.url}/sim/clock`, { method: 'POST', body: JSON.stringify({ advanceTo: '2026-11-29T12:05:00Z' }) });
    assert.equal(to.json.time, '2026-11-29T12:05:00.000Z');
    assert.equal((await call(`${sim.url}/sim/truth/now`)).json.time, '2026-11-29T12:05:00.000Z');
    const back = await call(`${sim.url}/sim/clock`, { method: 'POST', body: JSON.stringify({ advanceTo: START }) });
    assert.equal(back.status, 400);
    assert.match(back.json.error, /never goes back/);
    const neither = await call(`${sim.url}/sim/clock`, { method: 'POST', body: '{}' });
    assert.equal(neither.status, 400);
  });

  test('truth/contacts needs since and until as zoned ISO instants', async () => {
    assert.match((await call(`${sim.url}/sim/truth/contacts?until=${START}`)).json.error, /"since" is required/);
    assert.match((await call(`${sim.url}/sim/truth/contacts?since=yesterday&until=${START}`)).json.error, /since: "yesterday" is not an ISO-8601 instant/);
    const reply = await call(`${sim.url}/sim/truth/contacts?since=2026-11-29T11:30:00Z&until=${START}`);
    assert.equal(reply.status, 200);
    assert.ok(reply.json.contacts.length > 0);
    for (const c of reply.json.contacts) {
      assert.ok(c.arrivedAt >= '2026-11-29T11:30:00.000Z' && c.arrivedAt < START);
      // waitMs is the time to answer or abandon (tWait): a flowed-out contact has none.
      assert.equal(c.waitMs === undefined, c.outcome === 'waiting' || c.outcome === 'flowed_out');
    }
  });

  test('unknown routes are 404 with a pointer to the docs; /sim answers carry ININ-Correlation-Id', async () => {
    const reply = await call(`${sim.url}/sim/nothing`);
    assert.equal(reply.status, 404);
    assert.match(reply.json.error, /README/);
    assert.ok(reply.headers.get('inin-correlation-id'));
    const bad = await call(`${sim.url}/sim/scenarios`, { method: 'POST', body: '{not json' });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error, /not valid JSON/);
  });

  test('speed runs a realtime simulator faster than the wall clock', async () => {
    const fast = await startSimulator({ warmupSeconds: 0, speed: 120 });
    try {
      const simStart = fast.now().getTime();
      // Two simulated minutes must pass within a generous 30 wall seconds (at speed 1 they could not).
      const deadline = Date.now() + 30_000;
      while (fast.now().getTime() - simStart < 120_000) {
        assert.ok(Date.now() < deadline, 'simulated time did not advance');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await fast.close();
    }
  });

  test('a realtime simulator refuses advanceTo (its clock is the wall clock)', async () => {
    const live = await startSimulator({ warmupSeconds: 0 });
    try {
      assert.throws(() => live.advanceBy(1000), /need clock: "manual"/);
      assert.equal(live.clock, 'realtime');
    } finally {
      await live.close();
    }
  });
});
