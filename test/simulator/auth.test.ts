import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SimulatorHandle } from '../../simulator/index.ts';
import { api, assertErrorBody, basic, call, login, QUEUES, startManual } from './support/helpers.ts';

describe('simulator: OAuth client credentials and tokens', () => {
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startManual({ tokenLifetimeSeconds: 600, rateLimitPerMinute: 20 });
  });
  after(() => sim.close());

  const tokenRequest = (authorization: string | undefined, body = 'grant_type=client_credentials', contentType = 'application/x-www-form-urlencoded') =>
    call(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: { ...(authorization === undefined ? {} : { Authorization: authorization }), 'Content-Type': contentType },
      body,
    });

  test('a good grant returns a bearer token with the configured lifetime', async () => {
    const reply = await tokenRequest(basic(sim.clientId, sim.clientSecret));
    assert.equal(reply.status, 200);
    assert.equal(reply.json.token_type, 'bearer');
    assert.equal(reply.json.expires_in, 600);
    assert.match(reply.json.access_token, /^[A-Za-z0-9_-]{40,}$/);
    assert.ok(reply.headers.get('inin-correlation-id'));
  });

  test('bad credentials get the real invalid_client body', async () => {
    for (const authorization of [basic(sim.clientId, 'wrong'), basic('nobody', sim.clientSecret), undefined, 'Bearer x']) {
      const reply = await tokenRequest(authorization);
      assert.equal(reply.status, 401, String(authorization));
      assert.deepEqual(reply.json, { error: 'invalid_client', description: 'authentication failed', error_description: 'authentication failed' });
    }
  });

  test('a wrong grant type or a JSON body is refused with an OAuth error', async () => {
    const grant = await tokenRequest(basic(sim.clientId, sim.clientSecret), 'grant_type=password');
    assert.equal(grant.status, 400);
    assert.equal(grant.json.error, 'unsupported_grant_type');
    const json = await tokenRequest(basic(sim.clientId, sim.clientSecret), '{"grant_type":"client_credentials"}', 'application/json');
    assert.equal(json.status, 400);
    assert.equal(json.json.error, 'invalid_request');
  });

  test('missing, unknown, expired and revoked tokens get 401 bad.credentials', async () => {
    const missing = await call(`${sim.url}${QUEUES}`);
    assertErrorBody(missing, 401, 'bad.credentials');
    assert.equal(missing.json.message, 'Invalid login credentials.');
    assertErrorBody(await api(sim, 'not-a-token').get(QUEUES), 401, 'bad.credentials');

    const token = await login(sim);
    assert.equal((await api(sim, token).get(QUEUES)).status, 200);
    sim.advanceBy(599_000);
    assert.equal((await api(sim, token).get(QUEUES)).status, 200, 'still valid one second before expiry');
    sim.advanceBy(1_000);
    assertErrorBody(await api(sim, token).get(QUEUES), 401, 'bad.credentials');

    const fresh = await login(sim);
    assert.equal((await api(sim, fresh).get(QUEUES)).status, 200);
    sim.injectFault({ fault: 'revoke-tokens' });
    assertErrorBody(await api(sim, fresh).get(QUEUES), 401, 'bad.credentials');
    const afterRevoke = await login(sim);
    assert.equal((await api(sim, afterRevoke).get(QUEUES)).status, 200, 'a token issued after the revocation works');
  });

  test('the per-token rate limit answers 429 with Retry-After and the real body, then recovers', async () => {
    const token = await login(sim);
    const other = await login(sim);
    for (let i = 0; i < 20; i++) assert.equal((await api(sim, token).get(QUEUES)).status, 200, `request ${i + 1} of 20`);
    const limited = await api(sim, token).get(QUEUES);
    assertErrorBody(limited, 429, 'too.many.requests.retry.after');
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.equal(retryAfter, 60, 'no virtual time passed: the whole window is left');
    assert.equal(limited.json.message, `Rate limit exceeded the maximum. Retry the request in [${retryAfter}] seconds`);
    assert.equal((await api(sim, other).get(QUEUES)).status, 200, 'the budget is per token');
    sim.advanceBy(30_000);
    const still = await api(sim, token).get(QUEUES);
    assert.equal(still.status, 429);
    assert.equal(Number(still.headers.get('retry-after')), 30);
    sim.advanceBy(30_000);
    assert.equal((await api(sim, token).get(QUEUES)).status, 200, 'the window has passed');
  });

  test('the request log records logins and API calls with token hashes, never tokens', async () => {
    const since = sim.now().toISOString();
    const token = await login(sim);
    await api(sim, token).get(QUEUES);
    await call(`${sim.url}${QUEUES}`);
    const log = sim.requests(since).requests;
    const [loginEntry, withToken, without] = log.slice(-3);
    assert.equal(loginEntry!.endpoint, 'oauth_token');
    assert.equal(loginEntry!.status, 200);
    assert.equal(withToken!.endpoint, 'routing_queues');
    assert.equal(withToken!.tokenHash, loginEntry!.issuedTokenHash);
    assert.equal(without!.status, 401);
    assert.equal(without!.tokenPresented, false);
    const http = await call(`${sim.url}/sim/requests?since=${encodeURIComponent(since)}`);
    assert.equal(http.status, 200);
    assert.ok(!http.text.includes(token), 'the token never appears in the log');
    assert.ok(!http.text.includes(sim.clientSecret), 'the secret never appears in the log');
  });
});
