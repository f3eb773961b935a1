// Inbound limits of the exporter's HTTP server, with real sockets against a real server on port 0:
// a cap on open connections, deadlines that drop slow and silent clients (slowloris), the TLS handshake
// deadline, and the throttle on failed basic-auth checks. Limits are set low here so the test is quick;
// the defaults are in DEFAULT_SERVER_LIMITS and the README.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { BasicAuthenticator } from '../../exporter/basic-auth.ts';
import { createLogger } from '../../exporter/log.ts';
import { createExporterRegistry } from '../../exporter/registry.ts';
import { startServer } from '../../exporter/server.ts';
import type { RunningServer, ServerLimits } from '../../exporter/server.ts';
import { loadWebConfig, NO_WEB_CONFIG } from '../../exporter/web-config.ts';
import type { WebConfig } from '../../exporter/web-config.ts';
import { get } from '../support/http-client.ts';
import { selfSignedCertificate } from '../support/tls.ts';

const logLines: string[] = [];
const logger = createLogger({ write: (line) => logLines.push(line) });
const PASSWORD = 'correct horse battery staple';
/** Generous: only a server that never closes the socket makes the test wait this long (and then fail). */
const CLOSE_WAIT_MS = 15_000;

async function serve(limits: Partial<ServerLimits>, webConfig: WebConfig = NO_WEB_CONFIG, authLimits = {}): Promise<RunningServer> {
  return startServer({
    listen: { host: '127.0.0.1', port: 0 },
    telemetryPath: '/metrics',
    webConfig,
    limits,
    authLimits,
    exposition: createExporterRegistry({ processMetrics: false }).exposition,
    readiness: () => ({ ready: true }),
    logger,
    dataSource: 'test data',
  });
}

/** A raw TCP connection to the server, with what it received and whether (and when) the server closed it. */
async function rawConnection(url: string): Promise<{ socket: Socket; received: () => string; closed: Promise<number> }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => {}); // a reset is one of the ways a refused connection ends
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
  const started = performance.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - started)));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => data, closed };
}

function closedWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: still open after ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

describe('exporter HTTP server limits', () => {
  test('connections beyond the cap are closed at once; the cap frees up when a connection ends', async () => {
    const server = await serve({ maxConnections: 3 });
    try {
      const held = await Promise.all([1, 2, 3].map(() => rawConnection(server.url)));
      const refused = await rawConnection(server.url);
      await closedWithin(refused.closed, CLOSE_WAIT_MS, 'the connection over the cap');
      assert.equal(refused.received(), '', 'closed without an answer');
      for (const { socket } of held) assert.equal(socket.destroyed, false, 'the connections under the cap stay open');
      assert.ok(
        logLines.some((line) => line.includes('refusing connections') && line.includes('"max_connections":3')),
        'the refusal is logged with the limit',
      );

      held[0]!.socket.destroy();
      await held[0]!.closed;
      await new Promise((resolve) => setTimeout(resolve, 50)); // the server sees the close on its side
      assert.equal((await get(`${server.url}/-/healthy`)).status, 200, 'a slot is free again');
      for (const { socket } of held) socket.destroy();
    } finally {
      await server.close();
    }
  });

  test('slow clients are dropped: headers that never finish get 408, a silent connection is closed', async () => {
    const server = await serve({ headersTimeoutMs: 500, requestTimeoutMs: 500 });
    try {
      const slowloris = await rawConnection(server.url);
      slowloris.socket.write('GET /metrics HTTP/1.1\r\nHost: exporter\r\n'); // ...and the last header never comes
      const dripping = setInterval(() => slowloris.socket.write('X-Drip: 1\r\n'), 100);
      const silent = await rawConnection(server.url);
      try {
        await closedWithin(slowloris.closed, CLOSE_WAIT_MS, 'a client whose headers never end');
        assert.match(slowloris.received(), /^HTTP\/1\.1 408 /);
        await closedWithin(silent.closed, CLOSE_WAIT_MS, 'a client that never sends a byte');
      } finally {
        clearInterval(dripping);
      }
      assert.equal((await get(`${server.url}/-/healthy`)).status, 200, 'the server still serves');
    } finally {
      await server.close();
    }
  });

  describe('with TLS and basic auth', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exporter-limits-'));
    let webConfig: WebConfig;
    before(() => {
      selfSignedCertificate(dir, { commonName: '127.0.0.1', ipAddress: '127.0.0.1' });
      writeFileSync(
        join(dir, 'web.yml'),
        `tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\nbasic_auth_users:\n  prometheus: ${bcrypt.hashSync(PASSWORD, 4)}\n`,
      );
      webConfig = loadWebConfig(join(dir, 'web.yml'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    test('a client that never starts the TLS handshake is dropped', async () => {
      const server = await serve({ tlsHandshakeTimeoutMs: 500 }, webConfig);
      try {
        const silent = await rawConnection(server.url);
        await closedWithin(silent.closed, CLOSE_WAIT_MS, 'a TCP client without a TLS handshake');
      } finally {
        await server.close();
      }
    });

    test('wrong passwords spend a small budget of bcrypt checks, then get 429 without one; cached good credentials still pass', async () => {
      const server = await serve({}, webConfig, { failureBurst: 3, failuresPerSecond: 0.01 });
      const ca = readFileSync(join(dir, 'cert.pem'));
      try {
        assert.equal((await get(`${server.url}/metrics`, { ca, auth: { user: 'prometheus', password: PASSWORD } })).status, 200);
        const attempts = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            get(`${server.url}/metrics`, { ca, auth: { user: i % 2 === 0 ? 'prometheus' : `user${i}`, password: `guess ${i}` } }),
          ),
        );
        const statuses = attempts.map((reply) => reply.status);
        assert.equal(statuses.filter((status) => status === 401).length, 3, `only the budget of 3 was checked: ${statuses.join(' ')}`);
        assert.equal(statuses.filter((status) => status === 429).length, 17, statuses.join(' '));
        for (const reply of attempts.filter((r) => r.status === 429)) {
          assert.equal(reply.headers['retry-after'], '1');
          assert.doesNotMatch(reply.body, /genesys_/);
        }
        // The scraper whose credentials were verified before is not locked out by the attack.
        assert.equal((await get(`${server.url}/metrics`, { ca, auth: { user: 'prometheus', password: PASSWORD } })).status, 200);
      } finally {
        await server.close();
      }
    });
  });
});

describe('basic-auth checks', () => {
  const hash = bcrypt.hashSync(PASSWORD, 4);
  const header = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  test('successful checks are cached in a bounded LRU; failures are never cached', async () => {
    const auth = new BasicAuthenticator(
      new Map([
        ['a', hash],
        ['b', hash],
        ['c', hash],
      ]),
      { cacheSize: 2, failureBurst: 100 },
    );
    for (const user of ['a', 'b']) assert.equal(await auth.check(header(user, PASSWORD)), 'ok');
    assert.equal(auth.bcryptChecks, 2);
    assert.equal(await auth.check(header('a', PASSWORD)), 'ok'); // a is now the most recently used
    assert.equal(auth.bcryptChecks, 2, 'served from the cache');
    assert.equal(await auth.check(header('c', PASSWORD)), 'ok'); // evicts b, the least recently used
    assert.equal(await auth.check(header('a', PASSWORD)), 'ok');
    assert.equal(auth.bcryptChecks, 3, 'a stayed cached');
    assert.equal(await auth.check(header('b', PASSWORD)), 'ok');
    assert.equal(auth.bcryptChecks, 4, 'b was evicted and checked again');
    assert.equal(await auth.check(header('a', 'wrong')), 'denied');
    assert.equal(await auth.check(header('a', 'wrong')), 'denied');
    assert.equal(auth.bcryptChecks, 6, 'a wrong password is checked each time, never remembered');
  });

  test('one bcrypt check at a time, and only a few may wait for it', async () => {
    const auth = new BasicAuthenticator(new Map([['a', hash]]), { maxWaiting: 2, failureBurst: 100 });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => auth.check(header('a', `wrong ${i}`))));
    assert.deepEqual(results, ['denied', 'denied', 'throttled', 'throttled', 'throttled', 'throttled']);
    assert.equal(auth.bcryptChecks, 2);
  });

  test('the failure budget refills over time', async () => {
    const auth = new BasicAuthenticator(new Map([['a', hash]]), { failureBurst: 1, failuresPerSecond: 1 });
    assert.equal(await auth.check(header('a', 'wrong')), 'denied');
    assert.equal(await auth.check(header('a', 'wrong')), 'throttled');
    await new Promise((resolve) => setTimeout(resolve, 1100)); // 1/s: a token back after a second
    assert.equal(await auth.check(header('a', 'wrong')), 'denied');
  });
});
