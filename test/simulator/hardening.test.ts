// Hostile input against the simulator (the demo's data source): wildcard patterns that made the name
// filter backtrack for minutes (and the process deaf to SIGTERM meanwhile), bodies above the size limit,
// and credentials compared the way the official SDKs send them.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGenesysClient } from '../../exporter/genesys/client.ts';
import { wildcardMatcher } from '../../simulator/api/wildcard.ts';
import { MAX_BODY_BYTES } from '../../simulator/http/exchange.ts';
import type { SimulatorHandle } from '../../simulator/index.ts';
import { waitFor as pollUntil } from '../../stack/wait-for.ts';
import { AGGREGATES, api, assertErrorBody, basic, call, login, OBSERVATIONS, QUEUES, startManual } from './support/helpers.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const LONG_NAMES_ORG = new URL('./fixtures/long-names-org.json', import.meta.url).pathname;
/** 13 stars before a final literal: a backtracking regex tries ~C(64, 13) ways to place them on a 64-character name. */
const HOSTILE = '*a*a*a*a*a*a*a*a*a*a*a*a*a*b';
const ALL_A = 'a'.repeat(64);
const A_THEN_B = `${'a'.repeat(63)}b`;

describe('simulator: name wildcards without backtracking', () => {
  test('the matcher agrees with the obvious definition on ordinary patterns', () => {
    const cases: [string, string, boolean][] = [
      ['Support*', 'Support Voice 1', true],
      ['support*', 'SUPPORT', true],
      ['*Voice*', 'Support Voice 1', true],
      ['*voice', 'Support Voice', true],
      ['*voice', 'Support Voice 1', false],
      ['Front Desk', 'front desk', true],
      ['Front Desk', 'Front Desk 2', false],
      ['*', '', true],
      ['*', 'anything', true],
      ['a*a', 'a', false],
      ['a*a', 'aa', true],
      ['a**b', 'ab', true],
      ['*ab*ab*', 'xabyab', true],
      ['*ab*ab*', 'xaby', false],
      ['ab*bc', 'abc', false],
      ['ab*bc', 'abbc', true],
      ['*aab', 'aaab', true],
      ['*a*b*c', 'cba', false],
    ];
    for (const [pattern, name, expected] of cases) assert.equal(wildcardMatcher(pattern)(name), expected, `${pattern} vs ${name}`);
  });

  test('a hostile pattern against long names gives the right answer', () => {
    assert.equal(wildcardMatcher(HOSTILE)(A_THEN_B), true);
    assert.equal(wildcardMatcher(HOSTILE)(ALL_A), false);
    assert.equal(wildcardMatcher(`${HOSTILE}*`)('a'.repeat(100_000)), false);
  });
});

function startCli(args: string[]): { child: ChildProcess; firstLine: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'simulator/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const firstLine = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code} before printing: ${stderr}`)));
  });
  return { child, firstLine };
}

// A real process: before the fix the hostile filter blocked its event loop for hours, so a request
// aborted after two minutes and SIGTERM was never handled. The generous timeouts only catch a hang.
describe('simulator process: hostile name filter and SIGTERM', () => {
  test('answers a hostile name filter, then exits 0 on SIGTERM sent while hostile and held requests are in flight', { timeout: 300_000 }, async () => {
    const { child, firstLine } = startCli(['--port', '0', '--org', LONG_NAMES_ORG]);
    try {
      const ready = JSON.parse(await firstLine) as { url: string; clientId: string; clientSecret: string };
      const token = await call(`${ready.url}/oauth/token`, {
        method: 'POST',
        headers: { Authorization: basic(ready.clientId, ready.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      const query = (pattern: string) =>
        call(`${ready.url}${QUEUES}?pageSize=100&name=${encodeURIComponent(pattern)}`, {
          headers: { Authorization: `Bearer ${token.json.access_token}` },
          signal: AbortSignal.timeout(120_000),
        });
      const hostile = await query(HOSTILE);
      assert.equal(hostile.status, 200, hostile.text);
      assert.deepEqual(
        hostile.json.entities.map((q: { name: string }) => q.name),
        [A_THEN_B],
      );
      assert.equal((await query(`${HOSTILE.slice(0, -1)}c`)).json.total, 0);

      // Also held: a login that never answers and one queue-list call delayed for ten minutes.
      for (const fault of [{ fault: 'login-timeout' }, { fault: 'slow', delayMs: 600_000, endpoint: 'routing_queues', count: 1 }]) {
        const injected = await call(`${ready.url}/sim/faults`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(fault),
        });
        assert.equal(injected.status, 201, injected.text);
      }
      const held = [
        call(`${ready.url}/oauth/token`, {
          method: 'POST',
          headers: { Authorization: basic(ready.clientId, ready.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
        }).catch(() => undefined),
        query('Front Desk').catch(() => undefined),
      ];
      const inFlight = [...held, ...Array.from({ length: 5 }, () => query(HOSTILE).catch(() => undefined))];
      // Both held requests have reached the simulator before the signal.
      await pollUntil(
        'the held requests to arrive',
        async () => {
          const log = (await call(`${ready.url}/sim/requests`)).json.requests as { status: number | null }[];
          return log.filter((entry) => entry.status === null).length >= 2 ? true : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 50 },
      );
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
      await Promise.all(inFlight);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});

describe('simulator: request bodies above the limit', () => {
  let sim: SimulatorHandle;
  let token: string;
  before(async () => {
    sim = await startManual();
    token = await login(sim);
  });
  after(() => sim.close());

  const oversized = 'x'.repeat(MAX_BODY_BYTES + 1);
  /** The same bytes without a Content-Length (chunked), so the limit is found while reading. */
  const chunked = (text: string): { body: ReadableStream<Uint8Array>; duplex: 'half' } => {
    const bytes = new TextEncoder().encode(text);
    return {
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.subarray(i, i + 64 * 1024));
          controller.close();
        },
      }),
      duplex: 'half',
    };
  };
  const loginHeaders = () => ({ Authorization: basic(sim.clientId, sim.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' });
  const apiHeaders = () => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' });

  test('413 with the generic error body on /oauth/token and every API endpoint, declared or chunked', async () => {
    const targets: [string, string, () => Record<string, string>][] = [
      ['POST', '/oauth/token', loginHeaders],
      ['POST', OBSERVATIONS, apiHeaders],
      ['POST', AGGREGATES, apiHeaders],
      ['GET', QUEUES, apiHeaders],
    ];
    for (const [method, path, headers] of targets) {
      const declared = await call(`${sim.url}${path}`, { method: method === 'GET' ? 'PUT' : method, headers: headers(), body: oversized });
      assertErrorBody(declared, 413, 'request.entity.too.large');
      assert.match(declared.json.message, new RegExp(`${MAX_BODY_BYTES} bytes`), path);
      if (method === 'POST') {
        const streamed = await call(`${sim.url}${path}`, { method, headers: headers(), ...chunked(oversized) } as RequestInit);
        assertErrorBody(streamed, 413, 'request.entity.too.large');
      }
    }
    const logged = sim.requests().requests.filter((e) => e.status === 413);
    assert.ok(logged.length >= 7, `413 answers are in the request log: ${JSON.stringify(logged.map((e) => e.path))}`);
  });

  test('the control API answers 413 in its own error shape', async () => {
    for (const options of [{ body: oversized }, chunked(oversized)]) {
      const reply = await call(`${sim.url}/sim/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, ...options } as RequestInit);
      assert.equal(reply.status, 413, reply.text);
      assert.match(reply.json.error, /above the limit/);
    }
  });

  test('a body just under the limit is still read, and the simulator keeps serving after refusals', async () => {
    const padding = 'x'.repeat(MAX_BODY_BYTES - 'grant_type=client_credentials&pad='.length);
    const near = await call(`${sim.url}/oauth/token`, { method: 'POST', headers: loginHeaders(), body: `grant_type=client_credentials&pad=${padding}` });
    assert.equal(near.status, 200, near.text);
    assert.equal((await api(sim, token).get(QUEUES)).status, 200);
  });
});

describe('simulator: client credentials compared as the official SDKs send them', () => {
  const secret = 'se%41cr+et/=';
  let sim: SimulatorHandle;
  before(async () => {
    sim = await startManual({ clientId: 'client id+1', clientSecret: secret });
  });
  after(() => sim.close());

  const grant = (authorization: string) =>
    call(`${sim.url}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });

  test('base64 of the raw id:secret is accepted; the form-urlencoded variant is not the same secret', async () => {
    assert.equal((await grant(basic('client id+1', secret))).status, 200);
    const encoded = await grant(basic(encodeURIComponent('client id+1'), encodeURIComponent(secret)));
    assert.equal(encoded.status, 401);
    assert.equal(encoded.json.error, 'invalid_client');
    // Percent sequences are not decoded: "se%41cr" is not "seAcr".
    assert.equal((await grant(basic('client id+1', 'seAcr+et/='))).status, 401);
  });

  test("the exporter's API client logs in with such a secret and reads the queues", async () => {
    const client = createGenesysClient({ apiUrl: sim.url, loginUrl: sim.url, credentials: { clientId: 'client id+1', clientSecret: secret } });
    try {
      await client.start();
      assert.equal((await client.listQueues()).length, sim.queues().length);
    } finally {
      await client.close();
    }
  });
});

describe('simulator: GET /api/v2/routing/queues/{queueId}', () => {
  let sim: SimulatorHandle;
  let get: (path: string) => ReturnType<ReturnType<typeof api>['get']>;
  before(async () => {
    sim = await startManual();
    get = api(sim, await login(sim)).get;
  });
  after(() => sim.close());

  test('answers the same entity as the list, 404 for an unknown id, 401 without a token', async () => {
    const listed = (await get(`${QUEUES}?pageSize=100`)).json.entities as { id: string }[];
    assert.ok(listed.length > 1);
    for (const entity of listed) {
      const one = await get(`${QUEUES}/${entity.id}`);
      assert.equal(one.status, 200);
      assert.deepEqual(one.json, entity);
    }
    assertErrorBody(await get(`${QUEUES}/no-such-queue`), 404, 'not.found');
    assertErrorBody(await call(`${sim.url}${QUEUES}/${listed[0]!.id}`), 401, 'bad.credentials');
    const logged = sim.requests().requests.filter((e) => e.path === `${QUEUES}/${listed[0]!.id}`);
    assert.ok(logged.length > 0 && logged.every((e) => e.endpoint === 'routing_queues'));
  });
});
