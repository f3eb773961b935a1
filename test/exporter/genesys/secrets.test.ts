// No secret, token or Authorization header in any log line, error message or error object (cause chain
// included), across the paths that produce errors and logs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { startFakeGenesys, type RecordedRequest } from './support/fake-genesys.ts';
import { clientFor } from './support/client-for.ts';
import { capturingLogger } from './support/recorders.ts';

test('secrets and tokens never appear in logs or errors', async () => {
  let script: 'ok' | 'server-error' | 'unauthorized' | 'rate-limited' | 'hang' | 'forbidden' | 'malformed' = 'ok';
  const fake = await startFakeGenesys({
    tokenLifetimeSeconds: 1,
    api: () => {
      switch (script) {
        case 'ok':
          return undefined;
        case 'server-error':
          return { status: 500, body: { message: 'boom', status: 500 } };
        case 'unauthorized':
          return { status: 401, body: { message: 'Invalid login credentials.', code: 'bad.credentials', status: 401 } };
        case 'rate-limited':
          return { status: 429, headers: { 'Retry-After': '0' }, body: { message: 'Rate limit exceeded', status: 429 } };
        case 'hang':
          return { status: 200, hang: true };
        case 'forbidden':
          return { status: 403, body: { message: 'no', status: 403 } };
        case 'malformed':
          return { status: 200, body: '{"entities": [' };
      }
    },
  });
  const { logger, lines } = capturingLogger();
  const client = clientFor(fake, { logger, requestTimeoutMs: 200, maxRetries: 1 });
  const wrongClient = clientFor(fake, { logger, credentials: { clientId: fake.clientId, clientSecret: 'wrong-but-still-secret-42' } });
  const errors: unknown[] = [];
  const capture = (promise: Promise<unknown>) => promise.catch((e: unknown) => errors.push(e));
  try {
    await client.start();
    for (const s of ['ok', 'server-error', 'unauthorized', 'rate-limited', 'hang', 'forbidden', 'malformed'] as const) {
      script = s;
      await capture(client.listQueues());
      // A persistent 401 makes the client hold back tokens for a while (openBaseMs 300 ms here).
      if (s === 'unauthorized') await new Promise((resolve) => setTimeout(resolve, 400));
    }
    script = 'ok';
    await new Promise((resolve) => setTimeout(resolve, 1200)); // a background refresh happens and is logged
    await capture(wrongClient.start());
    assert.ok(errors.length >= 6, `expected errors from every failing scenario, got ${errors.length}`);
    assert.ok(lines.length > 5, 'the scenarios produced log lines to inspect');
    assert.ok(fake.issuedTokens.length >= 2);

    const basic = Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64');
    const forbidden = [fake.clientSecret, 'wrong-but-still-secret-42', basic, ...fake.issuedTokens];
    const texts = [...lines, ...errors.map((e) => inspect(e, { depth: Infinity, showHidden: true })), ...errors.map((e) => JSON.stringify(e))];
    for (const text of texts) {
      for (const secret of forbidden) assert.ok(!text.includes(secret), `leaked ${secret.slice(0, 6)}… in: ${text.slice(0, 300)}`);
      assert.doesNotMatch(text, /authorization/i);
    }
  } finally {
    await client.close();
    await wrongClient.close();
    await fake.close();
  }
});

// An upstream (or a proxy in front of it) that echoes what it received: the login endpoint puts the
// Authorization header and the form body into error/error_description; the API puts the token, without
// "Bearer", into a 400 message and a 403 message.
test('credentials echoed back by the login endpoint or the API reach no log line and no error', async () => {
  const echo = (request: RecordedRequest): string =>
    `${request.headers.authorization ?? ''} ${request.body} ${Buffer.from((request.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8')}`;
  let loginEchoes = true;
  const fake = await startFakeGenesys({
    login: (_n, request) =>
      loginEchoes ? { status: 401, body: { error: `bad ${echo(request)}`, error_description: `rejected ${echo(request)}` } } : undefined,
    api: (n, request) => {
      const token = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      return n % 2 === 1
        ? { status: 400, body: { message: `token ${token} cannot do this`, code: 'bad.request', status: 400 } }
        : { status: 403, body: { message: `access_token ${token} lacks a permission`, code: 'forbidden', status: 403 } };
    },
  });
  const { logger, lines } = capturingLogger();
  const client = clientFor(fake, { logger });
  const errors: unknown[] = [];
  try {
    await client.start().catch((e: unknown) => errors.push(e));
    loginEchoes = false;
    await client.start();
    await client.listQueues().catch((e: unknown) => errors.push(e));
    await client.listQueues().catch((e: unknown) => errors.push(e));
    assert.equal(errors.length, 3);
    const decoded = `${fake.clientId}:${fake.clientSecret}`;
    const basic = Buffer.from(decoded).toString('base64');
    const texts = [...lines, ...errors.map((e) => inspect(e, { depth: Infinity })), ...errors.map((e) => String((e as Error).message))];
    for (const text of texts) {
      for (const secret of [fake.clientSecret, basic, ...fake.issuedTokens]) {
        assert.ok(!text.includes(secret), `leaked ${secret.slice(0, 6)}… in: ${text.slice(0, 400)}`);
      }
    }
  } finally {
    await client.close();
    await fake.close();
  }
});
