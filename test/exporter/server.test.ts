import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import bcrypt from 'bcryptjs';
import { createLogger } from '../../exporter/log.ts';
import { createExporterRegistry } from '../../exporter/registry.ts';
import { SnapshotBuilder } from '../../exporter/samples.ts';
import { startServer } from '../../exporter/server.ts';
import type { RunningServer } from '../../exporter/server.ts';
import { loadWebConfig, NO_WEB_CONFIG, WebConfigError } from '../../exporter/web-config.ts';
import { get } from '../support/http-client.ts';
import { selfSignedCertificate } from '../support/tls.ts';

const logger = createLogger({ write: () => {} });
const PASSWORD = 'correct horse battery staple';

/** A well-formed bcrypt hash with the given cost field (hashing at cost 31 for real would take days). */
function bcryptWithCost(cost: number): string {
  return bcrypt.hashSync(PASSWORD, 4).replace(/^\$2b\$04\$/, `$2y$${String(cost).padStart(2, '0')}$`);
}

describe('exporter HTTP server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exporter-server-'));
  let cert: Buffer;
  before(() => {
    // A real self-signed certificate for 127.0.0.1, made by openssl.
    selfSignedCertificate(dir, { commonName: '127.0.0.1', ipAddress: '127.0.0.1' });
    cert = readFileSync(join(dir, 'cert.pem'));
    selfSignedCertificate(dir, { name: 'other', commonName: 'other' });
    // Relative paths: resolved against the web config file's directory, as exporter-toolkit does.
    writeFileSync(
      join(dir, 'web.yml'),
      [
        'tls_server_config:',
        '  cert_file: cert.pem',
        '  key_file: key.pem',
        'basic_auth_users:',
        `  prometheus: ${bcrypt.hashSync(PASSWORD, 4).replace(/^\$2b\$/, '$2y$')}`,
      ].join('\n'),
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('plain HTTP: landing page, health, readiness flips, metrics, 404 and 405', async () => {
    let ready = false;
    const metrics = createExporterRegistry({ processMetrics: false });
    const server = await startServer({
      listen: { host: '127.0.0.1', port: 0 },
      telemetryPath: '/metrics',
      webConfig: NO_WEB_CONFIG,
      exposition: metrics.exposition,
      readiness: () => (ready ? { ready: true } : { ready: false, reason: 'waiting for the first successful poll of the Genesys Cloud API' }),
      logger,
      dataSource: 'test data',
    });
    try {
      const landing = await get(`${server.url}/`);
      assert.equal(landing.status, 200);
      assert.match(landing.headers['content-type'] as string, /text\/html/);
      assert.match(landing.body, /href="\/metrics"/);
      assert.equal((await get(`${server.url}/-/healthy`)).status, 200);
      assert.equal((await get(`${server.url}/-/ready`)).status, 503);
      ready = true;
      assert.equal((await get(`${server.url}/-/ready`)).status, 200);
      const scrape = await get(`${server.url}/metrics`);
      assert.equal(scrape.status, 200);
      assert.match(scrape.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/);
      assert.match(scrape.body, /^# TYPE genesys_queue_depth gauge$/m);
      assert.equal((await get(`${server.url}/nope`)).status, 404);
      assert.equal((await get(`${server.url}/metrics`, { method: 'POST' })).status, 405);
    } finally {
      await server.close();
    }
  });

  test('/metrics: gzip when Accept-Encoding allows it, with Vary; identity otherwise; HEAD without a body', async () => {
    const metrics = createExporterRegistry({ processMetrics: false });
    const snapshot = new SnapshotBuilder();
    for (let q = 0; q < 500; q++)
      snapshot.add('genesys_queue_depth', { labels: { queue_id: `q${q}`, queue_name: `Queue "${q}"`, media_type: 'voice' }, value: q });
    metrics.store.publish('observations', snapshot.build(), 60_000);
    metrics.gauge('genesys_up').set(1);
    const server = await startServer({
      listen: { host: '127.0.0.1', port: 0 },
      telemetryPath: '/metrics',
      webConfig: NO_WEB_CONFIG,
      exposition: metrics.exposition,
      readiness: () => ({ ready: true }),
      logger,
      dataSource: 'test data',
    });
    try {
      const plain = await getRaw(`${server.url}/metrics`, {});
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(plain.headers['vary'], 'Accept-Encoding');
      assert.equal(Number(plain.headers['content-length']), plain.body.length);
      assert.match(plain.body.toString('utf8'), /^genesys_queue_depth\{queue_id="q499",queue_name="Queue \\"499\\"",media_type="voice"\} 499$/m);
      assert.match(plain.body.toString('utf8'), /^genesys_up 1$/m);

      // What Prometheus sends, and what browsers send.
      for (const acceptEncoding of ['gzip', 'gzip, deflate, br', 'br;q=1.0, gzip;q=0.5', '*']) {
        const zipped = await getRaw(`${server.url}/metrics`, { 'accept-encoding': acceptEncoding });
        assert.equal(zipped.headers['content-encoding'], 'gzip', acceptEncoding);
        assert.equal(zipped.headers['vary'], 'Accept-Encoding');
        assert.equal(Number(zipped.headers['content-length']), zipped.body.length);
        assert.ok(zipped.body.length < plain.body.length / 4, `${zipped.body.length} B gzip vs ${plain.body.length} B`);
        assert.equal(gunzipSync(zipped.body).toString('utf8'), plain.body.toString('utf8'), acceptEncoding);
      }
      for (const acceptEncoding of ['identity', 'gzip;q=0', 'br', 'gzip;q=0, *;q=1']) {
        const reply = await getRaw(`${server.url}/metrics`, { 'accept-encoding': acceptEncoding });
        assert.equal(reply.headers['content-encoding'], undefined, acceptEncoding);
        assert.equal(reply.body.toString('utf8'), plain.body.toString('utf8'), acceptEncoding);
      }
      const head = await getRaw(`${server.url}/metrics`, { 'accept-encoding': 'gzip' }, 'HEAD');
      assert.equal(head.status, 200);
      assert.equal(head.body.length, 0);
      assert.ok(Number(head.headers['content-length']) > 0);
    } finally {
      await server.close();
      metrics.exposition.close();
    }
  });

  test('/-/healthy and a scrape of the previous body are answered while a large render is in progress', async () => {
    const metrics = createExporterRegistry({ processMetrics: false });
    const publish = (value: number): void => {
      const snapshot = new SnapshotBuilder();
      for (let q = 0; q < 100_000; q++)
        snapshot.add('genesys_queue_depth', { labels: { queue_id: `q${q}`, queue_name: `Queue ${q}`, media_type: 'voice' }, value });
      metrics.store.publish('observations', snapshot.build(), 600_000);
    };
    publish(1);
    await metrics.exposition.refresh();
    const server = await startServer({
      listen: { host: '127.0.0.1', port: 0 },
      telemetryPath: '/metrics',
      webConfig: NO_WEB_CONFIG,
      exposition: metrics.exposition,
      readiness: () => ({ ready: true }),
      logger,
      dataSource: 'test data',
    });
    try {
      const order: string[] = [];
      publish(2); // 100,000 new series: a render of many slices starts
      const rendered = metrics.exposition.refresh().then(() => order.push('render'));
      const healthy = get(`${server.url}/-/healthy`).then((reply) => order.push(`healthy ${reply.status}`));
      const scrape = getRaw(`${server.url}/metrics`, {}).then((reply) => {
        order.push('scrape');
        return reply.body.toString('utf8');
      });
      await Promise.all([rendered, healthy]);
      const body = await scrape;
      assert.ok(order.indexOf('healthy 200') < order.indexOf('render'), `health answered before the render finished: ${order.join(', ')}`);
      // Whether the scrape's last byte arrives before the (incremental, sliced) render ends is a race between two
      // fast things; what matters is that it did not wait for the render: it carries the previous values.
      assert.match(body, /^genesys_queue_depth\{queue_id="q0",[^}]*\} 1$/m, 'the scrape got the previous body at once');
      assert.match(await metrics.exposition.text(), /^genesys_queue_depth\{queue_id="q0",[^}]*\} 2$/m);
    } finally {
      await server.close();
      metrics.exposition.close();
    }
  });

  describe('TLS and basic auth from --web.config.file', () => {
    let server: RunningServer;
    before(async () => {
      server = await startServer({
        listen: { host: '127.0.0.1', port: 0 },
        telemetryPath: '/metrics',
        webConfig: loadWebConfig(join(dir, 'web.yml')),
        exposition: createExporterRegistry({ processMetrics: false }).exposition,
        readiness: () => ({ ready: true }),
        logger,
        dataSource: 'test data',
        // This suite checks answers, not the failed-login throttle (server-limits.test.ts does).
        authLimits: { failureBurst: 100 },
      });
    });
    after(() => server.close());

    test('serves HTTPS with the configured certificate and accepts the right credentials', async () => {
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const reply = await get(`${server.url}/metrics`, { ca: cert, auth: { user: 'prometheus', password: PASSWORD } });
      assert.equal(reply.status, 200);
      assert.match(reply.body, /^# TYPE genesys_up gauge$/m);
      // The cached second check must still accept.
      assert.equal((await get(`${server.url}/metrics`, { ca: cert, auth: { user: 'prometheus', password: PASSWORD } })).status, 200);
    });

    test('rejects a wrong password, an unknown user and no credentials, on every path', async () => {
      for (const auth of [{ user: 'prometheus', password: 'wrong' }, { user: 'mallory', password: PASSWORD }, undefined]) {
        for (const path of ['/metrics', '/', '/-/ready']) {
          const reply = await get(`${server.url}${path}`, { ca: cert, ...(auth ? { auth } : {}) });
          assert.equal(reply.status, 401, `${path} with ${auth?.user ?? 'no user'}`);
          assert.match(String(reply.headers['www-authenticate']), /^Basic realm=/);
          assert.doesNotMatch(reply.body, /genesys_/);
        }
      }
      // The cache of good credentials must not let a different password in.
      assert.equal((await get(`${server.url}/metrics`, { ca: cert, auth: { user: 'prometheus', password: `${PASSWORD}x` } })).status, 401);
    });

    test('refuses plain HTTP clients and clients that do not trust the certificate', async () => {
      await assert.rejects(get(`${server.url.replace('https:', 'http:')}/metrics`));
      await assert.rejects(get(`${server.url}/metrics`), /self[- ]signed|certificate/i);
    });
  });

  test('web config errors name the file and the key', () => {
    const write = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const cases: [string, RegExp][] = [
      [write('a.yml', 'tls_server_config:\n  cert_file: cert.pem\n'), /a\.yml: tls_server_config\.key_file: is required/],
      [
        write('b.yml', 'tls_server_config:\n  cert_file: missing.pem\n  key_file: key.pem\n'),
        /b\.yml: tls_server_config\.cert_file: missing\.pem cannot be read \(ENOENT; resolved to \/.*\/missing\.pem\)/,
      ],
      [write('c.yml', 'basic_auth_users:\n  alice: plaintext\n'), /c\.yml: basic_auth_users\.alice: must be a bcrypt hash/],
      [write('d.yml', 'tls_config:\n  cert_file: x\n'), /d\.yml: tls_config: unknown key/],
      [
        write('e.yml', 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  min_version: TLS99\n'),
        /tls_server_config\.min_version: must be one of TLS10/,
      ],
      [write('f.yml', 'basic_auth_users: [a, b]\n'), /f\.yml: basic_auth_users: must be a mapping/],
      [join(dir, 'absent.yml'), /absent\.yml: cannot be read \(ENOENT\)/],
      // A directory where a file belongs: the read error names the key and the file.
      [
        write('g.yml', 'tls_server_config:\n  cert_file: .\n  key_file: key.pem\n'),
        /g\.yml: tls_server_config\.cert_file: \. cannot be read \(EISDIR; resolved to \//,
      ],
      // A certificate with another certificate's key: both files named, not just OpenSSL's "key values mismatch".
      [
        write('h.yml', 'tls_server_config:\n  cert_file: cert.pem\n  key_file: other-key.pem\n'),
        /h\.yml: tls_server_config: the certificate in cert\.pem \(\/.*\/cert\.pem\) does not match the private key in other-key\.pem \(\/.*\/other-key\.pem\)/,
      ],
      [
        write('i.yml', 'tls_server_config:\n  cert_file: key.pem\n  key_file: key.pem\n'),
        /i\.yml: tls_server_config\.cert_file: key\.pem \(.*\) is not a PEM certificate/,
      ],
      [
        write('j.yml', 'tls_server_config:\n  cert_file: cert.pem\n  key_file: cert.pem\n'),
        /j\.yml: tls_server_config\.key_file: cert\.pem \(.*\) is not a PEM private key/,
      ],
      [
        write(
          'k.yml',
          'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: web.yml\n',
        ),
        /k\.yml: tls_server_config\.client_ca_file: web\.yml \(.*\) is not a PEM CA certificate/,
      ],
      // bcrypt costs outside 4..14: 31 would make one check take days of CPU.
      [write('l.yml', `basic_auth_users:\n  alice: ${bcryptWithCost(31)}\n`), /l\.yml: basic_auth_users\.alice: bcrypt cost 31 is outside 4\.\.14/],
      [write('m.yml', `basic_auth_users:\n  alice: ${bcryptWithCost(15)}\n`), /m\.yml: basic_auth_users\.alice: bcrypt cost 15 is outside 4\.\.14/],
      [write('n.yml', `basic_auth_users:\n  alice: ${bcryptWithCost(3)}\n`), /n\.yml: basic_auth_users\.alice: bcrypt cost 3 is outside 4\.\.14/],
    ];
    for (const [path, expected] of cases) {
      assert.throws(
        () => loadWebConfig(path),
        (error: unknown) => error instanceof WebConfigError && expected.test(error.message),
        path,
      );
    }
    // The bounds themselves are accepted.
    for (const cost of [4, 14])
      assert.equal(loadWebConfig(write(`cost-${cost}.yml`, `basic_auth_users:\n  alice: ${bcryptWithCost(cost)}\n`)).basicAuthUsers.size, 1);
    // A plain-text password must not be echoed back in the error.
    assert.throws(
      () => loadWebConfig(join(dir, 'c.yml')),
      (error: unknown) => !(error as Error).message.includes('plaintext'),
    );
  });
});

/** A GET with raw headers that returns the body as bytes (a compressed body must not be decoded as text). */
function getRaw(url: string, headers: Record<string, string>, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
