import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import bcrypt from 'bcryptjs';
import { createLogger } from '../../exporter/log.ts';
import { createExporterRegistry } from '../../exporter/registry.ts';
import { startServer } from '../../exporter/server.ts';
import type { RunningServer } from '../../exporter/server.ts';
import { loadWebConfig, NO_WEB_CONFIG, WebConfigError } from '../../exporter/web-config.ts';
import { get } from './http-client.ts';

const logger = createLogger({ write: () => {} });
const PASSWORD = 'correct horse battery staple';

describe('exporter HTTP server', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exporter-server-'));
  let cert: Buffer;
  before(() => {
    // A real self-signed certificate for 127.0.0.1, made by openssl.
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ], { stdio: 'ignore' });
    cert = readFileSync(join(dir, 'cert.pem'));
    // Relative paths: resolved against the web config file's directory, as exporter-toolkit does.
    writeFileSync(join(dir, 'web.yml'), [
      'tls_server_config:',
      '  cert_file: cert.pem',
      '  key_file: key.pem',
      'basic_auth_users:',
      `  prometheus: ${bcrypt.hashSync(PASSWORD, 4).replace(/^\$2b\$/, '$2y$')}`,
    ].join('\n'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('plain HTTP: landing page, health, readiness flips, metrics, 404 and 405', async () => {
    let ready = false;
    const metrics = createExporterRegistry({ processMetrics: false });
    const server = await startServer({
      listen: { host: '127.0.0.1', port: 0 }, telemetryPath: '/metrics', webConfig: NO_WEB_CONFIG,
      registry: metrics.registry, readiness: () => (ready ? { ready: true } : { ready: false, reason: 'waiting for the first successful poll of the Genesys Cloud API' }), logger, dataSource: 'test data',
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

  describe('TLS and basic auth from --web.config.file', () => {
    let server: RunningServer;
    before(async () => {
      server = await startServer({
        listen: { host: '127.0.0.1', port: 0 }, telemetryPath: '/metrics', webConfig: loadWebConfig(join(dir, 'web.yml')),
        registry: createExporterRegistry({ processMetrics: false }).registry, readiness: () => ({ ready: true }), logger, dataSource: 'test data',
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
      await assert.rejects(get(server.url.replace('https:', 'http:') + '/metrics'));
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
      [write('b.yml', 'tls_server_config:\n  cert_file: missing.pem\n  key_file: key.pem\n'), /b\.yml: tls_server_config\.cert_file: missing\.pem cannot be read \(ENOENT\)/],
      [write('c.yml', 'basic_auth_users:\n  alice: plaintext\n'), /c\.yml: basic_auth_users\.alice: must be a bcrypt hash/],
      [write('d.yml', 'tls_config:\n  cert_file: x\n'), /d\.yml: tls_config: unknown key/],
      [write('e.yml', 'tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n  min_version: TLS99\n'), /tls_server_config\.min_version: must be one of TLS10/],
      [write('f.yml', 'basic_auth_users: [a, b]\n'), /f\.yml: basic_auth_users: must be a mapping/],
      [join(dir, 'absent.yml'), /absent\.yml: cannot be read \(ENOENT\)/],
    ];
    for (const [path, expected] of cases) {
      assert.throws(() => loadWebConfig(path), (error: unknown) => error instanceof WebConfigError && expected.test(error.message), path);
    }
    // A plain-text password must not be echoed back in the error.
    assert.throws(() => loadWebConfig(join(dir, 'c.yml')), (error: unknown) => !(error as Error).message.includes('plaintext'));
  });
});
