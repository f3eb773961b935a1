// The logger's last line of defence: whatever an upstream error echoes back, credentials do not reach a
// log line, and ordinary messages that merely name a credential variable stay readable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, redact } from '../../exporter/log.ts';

const TOKEN = 'eyJhbGciOi.J9-secret_token~value';
const SECRET = 's3cr3t-Value_42';

test('bearer and basic credentials are masked', () => {
  assert.equal(redact(`Authorization: Bearer ${TOKEN}`), 'Authorization: Bearer [REDACTED]');
  assert.equal(redact('sent Basic Y2xpZW50OnNlY3JldA== to login'), 'sent Basic [REDACTED] to login');
});

test('key=value, key: value and JSON secrets are masked, whatever the case', () => {
  assert.equal(redact(`grant_type=client_credentials&client_secret=${SECRET}&x=1`), 'grant_type=client_credentials&client_secret=[REDACTED]&x=1');
  assert.equal(redact(`{"access_token":"${TOKEN}","expires_in":86400}`), '{"access_token":"[REDACTED]","expires_in":86400}');
  assert.equal(redact(`password: ${SECRET}`), 'password: [REDACTED]');
  assert.equal(redact(`CLIENT_SECRET=${SECRET}`), 'CLIENT_SECRET=[REDACTED]');
});

test('prose that names a credential variable is left as written', () => {
  const message = 'GENESYS_CLIENT_ID is set but GENESYS_CLIENT_SECRET (or GENESYS_CLIENT_SECRET_FILE) is not';
  assert.equal(redact(message), message);
  assert.equal(redact('the password file is empty'), 'the password file is empty');
});

test('the logger redacts the message and every string field', () => {
  const lines: string[] = [];
  const log = createLogger({ write: (line) => lines.push(line), now: () => new Date(0) }).child({ component: 'test' });
  log.error(`login failed: {"access_token":"${TOKEN}"}`, { detail: `client_secret=${SECRET}`, status: 401 });
  assert.equal(lines.length, 1);
  assert.ok(!lines[0]!.includes(TOKEN) && !lines[0]!.includes(SECRET), lines[0]);
  assert.deepEqual(JSON.parse(lines[0]!), {
    ts: '1970-01-01T00:00:00.000Z',
    level: 'error',
    msg: 'login failed: {"access_token":"[REDACTED]"}',
    component: 'test',
    detail: 'client_secret=[REDACTED]',
    status: 401,
  });
});

test('a token echoed without "Bearer", a JWT and a long opaque secret are masked; UUIDs stay', () => {
  const opaque = 'aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5oQ7sU9wY1';
  assert.equal(redact(`token ${opaque} is not valid`), 'token [REDACTED] is not valid');
  assert.equal(redact('got eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl back'), 'got [REDACTED] back');
  assert.equal(redact('correlation id 3f2b8c1e-9a4d-4e7f-8b6a-1c2d3e4f5a6b'), 'correlation id 3f2b8c1e-9a4d-4e7f-8b6a-1c2d3e4f5a6b');
});

test('the credentials this process holds are masked wherever and however they appear', async () => {
  const { protectSecret, protectToken } = await import('../../exporter/log.ts');
  const secret = 'short-Secret!';
  const token = 'tok-abc';
  protectSecret(secret);
  protectToken(token);
  assert.equal(redact(`upstream said: invalid client (${secret}) with tok-abc.`), 'upstream said: invalid client ([REDACTED]) with [REDACTED].');
});

test('endpoint paths and prose around the word token stay readable', () => {
  const message = 'POST /oauth/token: the login endpoint kept failing';
  assert.equal(redact(message), message);
  assert.equal(redact('token: tok-12345678-abcd'), 'token: [REDACTED]');
});
