import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPORTER_DEFAULT_PORT } from '../../config/project.ts';
import { configReferenceMarkdown } from '../../exporter/config-reference.ts';
import { configReference, ConfigError, ConfigHelpRequested, parseConfig, parseListenAddress } from '../../exporter/config.ts';

const CREDENTIALS = { GENESYS_CLIENT_ID: 'client-id-1', GENESYS_CLIENT_SECRET: 's3cr3t-value-xyz' };

function configError(argv: string[], env: Record<string, string> = {}): string {
  try {
    parseConfig(argv, env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`expected a ConfigError for ${argv.join(' ')}`);
}

describe('exporter config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exporter-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('defaults: embedded simulator, port 9813, 10s observations, 5m queue refresh', () => {
    const config = parseConfig([], {});
    assert.deepEqual(config.genesys.target, { kind: 'embedded-simulator' });
    assert.deepEqual(config.web.listenAddress, { host: undefined, port: EXPORTER_DEFAULT_PORT });
    assert.equal(config.web.telemetryPath, '/metrics');
    assert.equal(config.collectors.observations.intervalMs, 10_000);
    assert.equal(config.collectors.observations.batchSize, 100);
    assert.equal(config.collectors.queues.refreshIntervalMs, 300_000);
    assert.equal(config.log.level, 'info');
  });

  test('region resolves both hosts; explicit URLs win; flags in both --a=b and --a b forms', () => {
    const byRegion = parseConfig(['--genesys.region', 'eu_west_1'], CREDENTIALS).genesys.target;
    assert.equal(byRegion.kind === 'genesys' && byRegion.apiUrl, 'https://api.mypurecloud.ie');
    assert.equal(byRegion.kind === 'genesys' && byRegion.loginUrl, 'https://login.mypurecloud.ie');
    const byUrls = parseConfig(
      ['--genesys.api-url=http://127.0.0.1:8080', '--genesys.login-url=http://127.0.0.1:8081', '--web.listen-address=127.0.0.1:9400'],
      CREDENTIALS,
    );
    assert.equal(byUrls.genesys.target.kind === 'genesys' && byUrls.genesys.target.loginUrl, 'http://127.0.0.1:8081');
    assert.deepEqual(byUrls.web.listenAddress, { host: '127.0.0.1', port: 9400 });
  });

  test('repeatable division flag and name patterns', () => {
    const config = parseConfig(['--collector.queues.division', 'd1', '--collector.queues.division=d2', '--collector.queues.include', 'Sales.*', '--collector.queues.exclude=.*Test'], {});
    assert.deepEqual(config.collectors.queues.divisionIds, ['d1', 'd2']);
    assert.ok(config.collectors.queues.include.test('Sales EU'));
    assert.ok(!config.collectors.queues.include.test('EU Sales'), 'include is anchored');
    assert.ok(config.collectors.queues.exclude?.test('Sales Test'));
  });

  test('credentials from _FILE variables, trimmed', () => {
    writeFileSync(join(dir, 'id'), 'file-client-id\n');
    writeFileSync(join(dir, 'secret'), 'file-secret\n');
    const target = parseConfig(['--genesys.region=us_east_1'], { GENESYS_CLIENT_ID_FILE: join(dir, 'id'), GENESYS_CLIENT_SECRET_FILE: join(dir, 'secret') }).genesys.target;
    assert.ok(target.kind === 'genesys');
    assert.equal(target.credentials.clientId, 'file-client-id');
    assert.equal(target.credentials.clientSecret.reveal(), 'file-secret');
  });

  test('the secret never shows in JSON, inspect or string form of the config', () => {
    const config = parseConfig(['--genesys.region=us_east_1'], CREDENTIALS);
    for (const text of [JSON.stringify(config), inspect(config, { depth: 10 }), `${String((config.genesys.target as { credentials: { clientSecret: unknown } }).credentials.clientSecret)}`]) {
      assert.ok(!text.includes(CREDENTIALS.GENESYS_CLIENT_SECRET), text);
    }
  });

  test('errors name the flag or variable at fault', () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--collector.observations.interval=2s'], {}, /--collector\.observations\.interval=2s is shorter than the minimum of 5s/],
      [['--collector.observations.interval=ten'], {}, /--collector\.observations\.interval=ten is not a positive duration/],
      [['--collector.observations.batch-size=0'], {}, /--collector\.observations\.batch-size=0 must be a whole number/],
      [['--collector.queues.max=-3'], {}, /--collector\.queues\.max/],
      [['--collector.queues.include=(['], {}, /--collector\.queues\.include=\(\[ is not a valid regular expression/],
      [['--web.listen-address=9813'], {}, /--web\.listen-address=9813 must be \[host\]:port/],
      [['--web.telemetry-path=metrics'], {}, /--web\.telemetry-path=metrics must start with "\/"/],
      [['--genesys.region=mars_1'], CREDENTIALS, /--genesys\.region: Unknown Genesys Cloud region "mars_1"/],
      [['--genesys.api-url=http://x:1'], CREDENTIALS, /--genesys\.login-url is required when --genesys\.api-url is set/],
      [['--genesys.api-url=ftp://x', '--genesys.login-url=http://x'], CREDENTIALS, /--genesys\.api-url=ftp:\/\/x must be an http\(s\) URL/],
      [['--genesys.api-url=http://x/api', '--genesys.login-url=http://x'], CREDENTIALS, /--genesys\.api-url=http:\/\/x\/api must be a bare origin/],
      [['--genesys.region=eu_west_1'], {}, /--genesys\.region is set but GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET/],
      [[], CREDENTIALS, /GENESYS_CLIENT_ID is set but no API location: pass --genesys\.region/],
      [[], { GENESYS_CLIENT_ID: 'x' }, /GENESYS_CLIENT_ID is set but GENESYS_CLIENT_SECRET/],
      [[], { GENESYS_CLIENT_SECRET: 'x' }, /GENESYS_CLIENT_SECRET is set but GENESYS_CLIENT_ID/],
      [[], { GENESYS_CLIENT_SECRET_FILE: '/nonexistent/secret', GENESYS_CLIENT_ID: 'x' }, /GENESYS_CLIENT_SECRET_FILE=\/nonexistent\/secret cannot be read \(ENOENT\)/],
      [[], { GENESYS_CLIENT_ID: 'a', GENESYS_CLIENT_ID_FILE: '/x', GENESYS_CLIENT_SECRET: 'b' }, /both GENESYS_CLIENT_ID and GENESYS_CLIENT_ID_FILE are set/],
      [['--log.level=loud'], {}, /--log\.level.*loud/],
      [['--genesys.client-secret=x'], {}, /unknown option '--genesys\.client-secret'$/],
      [['--collector.aggregates.interval=1m', '--collector.aggregates.window=1m', '--collector.aggregates.granularity=PT1M'], {}, /--collector\.aggregates\.window=1m must be a multiple of --collector\.aggregates\.granularity \(PT1M\) and at least twice/],
      [['--collector.aggregates.window=50m'], {}, /--collector\.aggregates\.window=50m must be a multiple of --collector\.aggregates\.granularity \(PT15M\)/],
      [['--collector.aggregates.granularity=PT2M'], {}, /--collector\.aggregates\.granularity.*PT2M.*PT1M, PT5M/],
    ];
    for (const [argv, env, expected] of cases) assert.match(configError(argv, env), expected, `for ${argv.join(' ')} ${Object.keys(env).join(',')}`);
  });

  test('a secret passed by mistake as a flag is not echoed in the error', () => {
    const message = configError(['--genesys.client-secret=hunter2-secret']);
    assert.ok(!message.includes('hunter2-secret'), message);
  });

  test('--collector.unsafe-fast-polling lifts the 5s floor (tests only)', () => {
    const config = parseConfig(['--collector.unsafe-fast-polling', '--collector.observations.interval=200ms', '--collector.aggregates.interval=300ms', '--collector.queues.refresh-interval=1s'], {});
    assert.equal(config.collectors.observations.intervalMs, 200);
    assert.equal(config.collectors.aggregates.intervalMs, 300);
  });

  test('--help is reported, not treated as an error', () => {
    assert.throws(() => parseConfig(['--help'], {}), (error: unknown) => error instanceof ConfigHelpRequested && error.message.includes('--web.listen-address'));
  });

  test('listen addresses: IPv6, any interface, port 0', () => {
    assert.deepEqual(parseListenAddress('[::1]:9400'), { host: '::1', port: 9400 });
    assert.deepEqual(parseListenAddress(':0'), { host: undefined, port: 0 });
    assert.throws(() => parseListenAddress('host:70000'), /must be \[host\]:port/);
  });

  test('configReference lists every flag the issue names, each environment variable, with defaults and help', () => {
    const reference = configReference();
    const names = reference.map((entry) => entry.name);
    for (const required of [
      '--genesys.api-url', '--genesys.login-url', '--genesys.region', '--web.listen-address', '--web.config.file', '--web.telemetry-path',
      '--collector.queues.include', '--collector.queues.exclude', '--collector.queues.division', '--collector.queues.max',
      '--collector.queues.refresh-interval', '--collector.observations.interval', '--collector.aggregates.interval',
      '--collector.observations.batch-size', '--genesys.requests-per-minute', '--collector.staleness', '--log.level',
      'GENESYS_CLIENT_ID', 'GENESYS_CLIENT_SECRET', 'GENESYS_CLIENT_ID_FILE', 'GENESYS_CLIENT_SECRET_FILE',
    ]) {
      assert.ok(names.includes(required), `${required} missing from configReference()`);
    }
    assert.equal(reference.find((entry) => entry.name === '--web.listen-address')?.default, `:${EXPORTER_DEFAULT_PORT}`);
    for (const entry of reference) assert.ok(entry.help.length > 10, `${entry.name} has no help`);
    assert.ok(!names.some((name) => /secret|client-id/i.test(name) && name.startsWith('--')), 'no credential flags');
  });

  test('configReferenceMarkdown renders one table row per entry', () => {
    const table = configReferenceMarkdown().trim().split('\n');
    assert.equal(table.length, configReference().length + 2);
    assert.ok(table.includes('| `--web.listen-address` | `:9813` | Address to serve /metrics on. |'), table.join('\n'));
    assert.ok(table.some((row) => row.startsWith('| `GENESYS_CLIENT_SECRET_FILE` |  |')));
  });
});
