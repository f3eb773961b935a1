import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeGenesys, type FakeGenesys } from './support/fake-genesys.ts';
import { clientFor } from './support/client-for.ts';
import { recordingTelemetry } from './support/recorders.ts';
import { waitFor } from '../../../stack/wait-for.ts';
import { AuthenticationError, LoginCircuitOpenError } from '../../../exporter/genesys/errors/index.ts';
import type { GenesysClient } from '../../../exporter/genesys/client.ts';

async function withFake(fake: FakeGenesys, client: GenesysClient, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } finally {
    await client.close();
    await fake.close();
  }
}

const SERVICE_UNAVAILABLE = { status: 503, body: { message: 'Service Unavailable', code: 'service.unavailable', status: 503 } };

// The tests run at once: each has its own fake and client, and the longest ones wait for tokens to age.
describe('token manager', { concurrency: true }, () => {
  test('start() runs the client-credentials grant with Basic auth and a form body, then API calls carry the token', async () => {
    const fake = await startFakeGenesys();
    const telemetry = recordingTelemetry();
    const client = clientFor(fake, { telemetry });
    await withFake(fake, client, async () => {
      await client.start();
      await client.queryQueueObservations({ filter: { type: 'or', predicates: [] }, metrics: ['oWaiting'] });
      const [login] = fake.logins();
      assert.equal(fake.logins().length, 1);
      assert.equal(login?.method, 'POST');
      assert.equal(login?.headers.authorization, `Basic ${Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64')}`);
      assert.equal(new URLSearchParams(login?.body).get('grant_type'), 'client_credentials');
      const [call] = fake.apiCalls();
      assert.equal(call?.token, fake.issuedTokens[0]);
      assert.equal(call?.tokenValid, true);
      assert.deepEqual(
        telemetry.record.tokenRefreshes.map((r) => r.result),
        ['success'],
      );
      assert.ok(telemetry.record.tokenRefreshes[0]?.expiresAt instanceof Date);
    });
  });

  test('bad credentials: start() throws AuthenticationError naming the variables to check, after one login call', async () => {
    const fake = await startFakeGenesys();
    const client = clientFor(fake, { credentials: { clientId: fake.clientId, clientSecret: 'wrong-secret-value' } });
    await withFake(fake, client, async () => {
      const error = await client.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof AuthenticationError, `got ${String(error)}`);
      assert.match(error.message, /POST \/oauth\/token → HTTP 401/);
      assert.match(error.message, /invalid_client/);
      assert.match(error.message, /GENESYS_CLIENT_SECRET/);
      assert.equal(fake.logins().length, 1, 'credential errors are not retried');
    });
  });

  test('transient login failures are retried: two 503s then a token', async () => {
    const fake = await startFakeGenesys({ login: (n) => (n <= 2 ? SERVICE_UNAVAILABLE : undefined) });
    const telemetry = recordingTelemetry();
    const client = clientFor(fake, { telemetry });
    await withFake(fake, client, async () => {
      await client.start();
      assert.equal(fake.logins().length, 3);
      assert.deepEqual(
        telemetry.record.requests.map((r) => r.outcome),
        ['503', '503', '200'],
      );
      assert.deepEqual(telemetry.record.circuit, [], 'two failures stay under the threshold of three');
    });
  });

  test('circuit breaker: a failing login is called a bounded number of times, then recovers', async () => {
    let loginHealthy = false;
    const fake = await startFakeGenesys({ login: () => (loginHealthy ? undefined : SERVICE_UNAVAILABLE) });
    const telemetry = recordingTelemetry();
    const client = clientFor(fake, { telemetry, loginCircuit: { failureThreshold: 3, openBaseMs: 1_000, openMaxMs: 1_000 } });
    await withFake(fake, client, async () => {
      const first = await client.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(first instanceof LoginCircuitOpenError, `got ${String(first)}`);
      assert.match(first.message, /kept failing/);
      assert.equal(first.status, 503);
      assert.equal(fake.logins().length, 3, 'the circuit opens after three consecutive failures');
      assert.deepEqual(telemetry.record.circuit, [true]);

      // While open, callers fail fast without touching the login endpoint.
      for (let i = 0; i < 5; i += 1) {
        const error = await client.listQueues().then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(error instanceof LoginCircuitOpenError);
      }
      assert.equal(fake.logins().length, 3);
      assert.equal(fake.apiCalls().length, 0, 'no API call without a token');

      loginHealthy = true;
      await waitFor('the circuit pause to pass', () => !(first.retryAt.getTime() > Date.now()), { timeoutMs: 15_000, intervalMs: 20 });
      await client.start();
      assert.equal(fake.logins().length, 4, 'one trial call after the pause closes the circuit');
      assert.deepEqual(telemetry.record.circuit, [true, false]);
      await client.listQueues();
      assert.equal(fake.apiCalls().at(-1)?.tokenValid, true);
    });
  });

  test('a login that hangs counts as a circuit failure (timeout)', async () => {
    const fake = await startFakeGenesys({ login: () => ({ status: 200, hang: true }) });
    const telemetry = recordingTelemetry();
    const client = clientFor(fake, { telemetry, requestTimeoutMs: 150 });
    await withFake(fake, client, async () => {
      const error = await client.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof LoginCircuitOpenError, `got ${String(error)}`);
      assert.deepEqual(
        telemetry.record.requests.map((r) => r.outcome),
        ['timeout', 'timeout', 'timeout'],
      );
    });
  });

  test('background refresh before expiry: short-lived tokens rotate with zero 401s and no expired token sent', async () => {
    // A 4 s token refreshed with three quarters of its life left: a new token every second, while the last one
    // has ~3 s to go (room for a starved machine, where a timer can fire a second late).
    const fake = await startFakeGenesys({ tokenLifetimeSeconds: 4 });
    const telemetry = recordingTelemetry();
    const client = clientFor(fake, { telemetry, tokenRefreshMarginRatio: 0.75 });
    await withFake(fake, client, async () => {
      await client.start();
      // With no call made, a second token comes: the refresh runs in the background (a client that refreshed
      // only when a call finds the token near its end would pass the checks below too).
      await waitFor('a token refresh with no call made', () => fake.logins().length >= 2, { timeoutMs: 15_000, intervalMs: 20 });
      assert.equal(fake.apiCalls().length, 0);
      // Keep calling until the calls have carried two tokens in turn (across the next refresh); the fake answers
      // 401 to any expired or unknown token. (Waiting for that, not for a number of logins: on a starved
      // machine calls can be few and skip a token.)
      await waitFor(
        'the calls to carry two tokens in turn',
        async () => {
          await client.listQueues();
          return new Set(fake.apiCalls().map((c) => c.token)).size >= 2 ? true : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 50 },
      );
      const calls = fake.apiCalls();
      assert.deepEqual(
        calls.filter((c) => c.status === 401),
        [],
      );
      assert.ok(
        calls.every((c) => c.tokenValid),
        'every request carried a valid token on arrival',
      );
      // Refreshes happen in the background: the login count grows while no request failed.
      assert.ok(telemetry.record.tokenRefreshes.every((r) => r.result === 'success'));
    });
  });

  test('revoked token: a 401 triggers one shared refresh and one retry, even for concurrent requests', async () => {
    const fake = await startFakeGenesys();
    const client = clientFor(fake);
    await withFake(fake, client, async () => {
      await client.start();
      fake.revokeAll();
      await Promise.all([client.listQueues(), client.listQueues(), client.listQueues(), client.listQueues()]);
      assert.equal(fake.logins().length, 2, 'four 401s, one refresh');
      const calls = fake.apiCalls();
      assert.equal(calls.filter((c) => c.status === 401).length, 4);
      assert.equal(calls.filter((c) => c.status === 200).length, 4);
      assert.ok(calls.filter((c) => c.status === 200).every((c) => c.token === fake.issuedTokens[1]));
    });
  });

  test('a 401 on a freshly issued token is final: AuthenticationError after exactly one refresh', async () => {
    const fake = await startFakeGenesys({
      api: () => ({ status: 401, body: { message: 'Invalid login credentials.', code: 'bad.credentials', status: 401 } }),
    });
    const client = clientFor(fake);
    await withFake(fake, client, async () => {
      const error = await client.listQueues().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(error instanceof AuthenticationError, `got ${String(error)}`);
      assert.match(error.message, /GET \/api\/v2\/routing\/queues → HTTP 401: the API rejected a freshly issued token/);
      assert.equal(fake.apiCalls().length, 2);
      assert.equal(fake.logins().length, 2);
    });
  });

  test('a background refresh failure keeps the current token in use until it can be replaced', async () => {
    let failLogins = false;
    // The refresh starts with nine tenths of the 10 s lifetime left (after 1 s), so the old token stays usable
    // ~8 s after the failure (the client stops handing it out in its last tenth): room for a loaded machine.
    const fake = await startFakeGenesys({ tokenLifetimeSeconds: 10, login: () => (failLogins ? SERVICE_UNAVAILABLE : undefined) });
    const telemetry = recordingTelemetry();
    const client = clientFor(fake, { telemetry, tokenRefreshMarginRatio: 0.9, loginCircuit: { failureThreshold: 100, openBaseMs: 100, openMaxMs: 100 } });
    await withFake(fake, client, async () => {
      await client.start();
      failLogins = true;
      await waitFor('a failed background refresh', () => telemetry.record.tokenRefreshes.some((r) => r.result === 'failure'), {
        timeoutMs: 15_000,
        intervalMs: 20,
      });
      await client.listQueues();
      assert.equal(fake.apiCalls().at(-1)?.token, fake.issuedTokens[0], 'the first token is still served');
      failLogins = false;
      // The fake records a token when it grants it, before the client has read the answer: wait for the client's side.
      await waitFor('the retried background refresh', () => telemetry.record.tokenRefreshes.filter((r) => r.result === 'success').length === 2, {
        timeoutMs: 15_000,
        intervalMs: 20,
      });
      await client.listQueues();
      assert.equal(fake.apiCalls().at(-1)?.token, fake.issuedTokens[1]);
      assert.ok(fake.apiCalls().every((c) => c.tokenValid));
    });
  });
});
