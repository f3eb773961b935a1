import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimulatorHandle } from '../../simulator/index.ts';
import { api, assertErrorBody, basic, call, login, OBSERVATIONS, QUEUES, queueFilter, startManual } from './support/helpers.ts';

describe('simulator: faults switch on and off', () => {
  let sim: SimulatorHandle;
  let token: string;
  before(async () => {
    sim = await startManual();
    token = await login(sim);
  });
  beforeEach(() => {
    sim.clearFaults();
  });
  after(() => sim.close());

  const inject = (body: unknown) => call(`${sim.url}/sim/faults`, { method: 'POST', body: JSON.stringify(body) });
  const loginRaw = (signal?: AbortSignal) =>
    fetch(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: basic(sim.clientId, sim.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      ...(signal === undefined ? {} : { signal }),
    });

  test('rate-limit-storm: 429 with the chosen Retry-After on one endpoint, for `count` requests', async () => {
    const created = await inject({ fault: 'rate-limit-storm', retryAfterSeconds: 7, endpoint: 'routing_queues', count: 2 });
    assert.equal(created.status, 201);
    assert.equal(created.json.remaining, 2);
    const observations = await api(sim, token).post(OBSERVATIONS, { filter: queueFilter([sim.queues()[0]!.id]), metrics: ['oWaiting'] });
    assert.equal(observations.status, 200, 'other endpoints are not hit');
    for (let i = 0; i < 2; i++) {
      const reply = await api(sim, token).get(QUEUES);
      assertErrorBody(reply, 429, 'too.many.requests.retry.after');
      assert.equal(reply.headers.get('retry-after'), '7');
      assert.equal(reply.json.message, 'Rate limit exceeded the maximum. Retry the request in [7] seconds');
    }
    assert.equal((await api(sim, token).get(QUEUES)).status, 200, 'the count is used up');
    const log = sim.requests().requests.filter((r) => r.fault === 'rate-limit-storm');
    assert.equal(log.length, 2);
  });

  test('api-5xx with durationSeconds ends when the (manual) clock passes it', async () => {
    sim.injectFault({ fault: 'api-5xx', durationSeconds: 10, status: 502 });
    const reply = await api(sim, token).get(QUEUES);
    assertErrorBody(reply, 502, 'internal.server.error');
    assert.equal(sim.faults().length, 1);
    sim.advanceBy(10_000);
    assert.equal(sim.faults().length, 0);
    assert.equal((await api(sim, token).get(QUEUES)).status, 200);
  });

  test('login-5xx answers an HTML 503 until cleared; DELETE /sim/faults clears', async () => {
    sim.injectFault({ fault: 'login-5xx' });
    const failed = await loginRaw();
    assert.equal(failed.status, 503);
    assert.match(failed.headers.get('content-type')!, /text\/html/);
    assert.ok(failed.headers.get('inin-correlation-id'));
    const cleared = await call(`${sim.url}/sim/faults`, { method: 'DELETE' });
    assert.deepEqual(cleared.json, { cleared: 1 });
    assert.equal((await loginRaw()).status, 200);
  });

  test('login-timeout holds the request until the client gives up', async () => {
    sim.injectFault({ fault: 'login-timeout', count: 1 });
    await assert.rejects(loginRaw(AbortSignal.timeout(300)), (error: Error) => error.name === 'TimeoutError');
    const entry = sim.requests().requests.at(-1)!;
    assert.equal(entry.fault, 'login-timeout');
    assert.equal(entry.status, null);
    assert.equal((await loginRaw()).status, 200, 'count 1: the next login works');
  });

  test('slow delays the answer by at least delayMs', async () => {
    sim.injectFault({ fault: 'slow', delayMs: 400, endpoint: 'routing_queues', count: 1 });
    const started = performance.now();
    const reply = await api(sim, token).get(QUEUES);
    assert.equal(reply.status, 200);
    assert.ok(performance.now() - started >= 390, 'a lower bound only: a slow machine can only make it slower');
    assert.equal(sim.requests().requests.at(-1)!.fault, 'slow');
  });

  test('malformed-json and truncated-json answer 200 with bodies that do not parse', async () => {
    sim.injectFault({ fault: 'malformed-json', count: 1 });
    const malformed = await api(sim, token).get(QUEUES);
    assert.equal(malformed.status, 200);
    assert.equal(malformed.json, undefined);
    assert.throws(() => JSON.parse(malformed.text));
    sim.injectFault({ fault: 'truncated-json', count: 1 });
    const truncated = await api(sim, token).get(QUEUES);
    assert.equal(truncated.status, 200);
    assert.throws(() => JSON.parse(truncated.text));
    const whole = await api(sim, token).get(QUEUES);
    assert.ok(whole.text.startsWith(truncated.text), 'truncated is a prefix of the real body');
    assert.ok(truncated.text.length < whole.text.length);
  });

  test('clock-offset shifts the Date header and observation dates', async () => {
    const queueIds = sim.queues().map((q) => q.id);
    const body = { filter: queueFilter(queueIds), metrics: ['oWaiting'], detailMetrics: ['oWaiting'] };
    const plain = await api(sim, token).post(OBSERVATIONS, body);
    sim.injectFault({ fault: 'clock-offset', seconds: -120 });
    const shifted = await api(sim, token).post(OBSERVATIONS, body);
    assert.equal(Date.parse(plain.headers.get('date')!) - Date.parse(shifted.headers.get('date')!), 120_000);
    const dates = (reply: typeof plain) =>
      reply.json.results.flatMap((r: { data: { observations?: { observationDate: string }[] }[] }) =>
        r.data.flatMap((d) => d.observations ?? []).map((o) => Date.parse(o.observationDate)),
      );
    const before = dates(plain);
    assert.ok(before.length > 0);
    assert.deepEqual(
      dates(shifted),
      before.map((d: number) => d - 120_000),
    );
  });

  test('revoke-tokens is one shot: existing tokens fail, later logins work', async () => {
    const reply = await inject({ fault: 'revoke-tokens' });
    assert.equal(reply.status, 201);
    assertErrorBody(await api(sim, token).get(QUEUES), 401, 'bad.credentials');
    assert.deepEqual(sim.faults(), []);
    token = await login(sim);
    assert.equal((await api(sim, token).get(QUEUES)).status, 200);
  });

  test('bad fault requests are 400 naming the key; a fault can be ended by id', async () => {
    const cases: [unknown, RegExp][] = [
      [{ fault: 'meteor' }, /"fault" must be one of/],
      [{ fault: 'slow' }, /"delayMs" is required/],
      [{ fault: 'api-5xx', endpoint: 'users' }, /"endpoint" must be one of/],
      [{ fault: 'api-5xx', status: 404 }, /"status" must be >= 500/],
      [{ fault: 'clock-offset', seconds: 5, count: 0 }, /"count" must be >= 1/],
      [{ fault: 'login-5xx', duration: 3 }, /unknown key "duration"/],
    ];
    for (const [body, message] of cases) {
      const reply = await inject(body);
      assert.equal(reply.status, 400, JSON.stringify(body));
      assert.match(reply.json.error, message);
    }
    const { id } = sim.injectFault({ fault: 'api-5xx' });
    assert.equal((await call(`${sim.url}/sim/faults/${id}`, { method: 'DELETE' })).status, 200);
    assert.equal((await call(`${sim.url}/sim/faults/${id}`, { method: 'DELETE' })).status, 404);
    assert.equal((await api(sim, token).get(QUEUES)).status, 200);
  });
});
