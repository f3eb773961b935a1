import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EXPORTER_DEFAULT_PORT } from '../../config/project.ts';
import { configReferenceMarkdown } from '../../exporter/config-reference.ts';
import {
  configReference,
  ConfigError,
  ConfigHelpRequested,
  ENVIRONMENT_VARIABLES,
  MissingCredentialsError,
  parseConfig,
  parseListenAddress,
} from '../../exporter/config.ts';
import { normaliseRegion } from '../../exporter/genesys/regions.ts';

const CREDENTIALS = { GENESYS_CLIENT_ID: 'client-id-1', GENESYS_CLIENT_SECRET: 's3cr3t-value-xyz' };
/** Credentials and a region: a complete production configuration from the environment. */
const PRODUCTION = { ...CREDENTIALS, GENESYSCLOUD_REGION: 'eu_west_1' };

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

  test('defaults: port 9813, 10s observations, 5m queue refresh', () => {
    const config = parseConfig([], PRODUCTION);
    assert.equal(config.genesys.target.kind, 'genesys');
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
    const config = parseConfig(
      [
        '--collector.queues.division',
        'd1',
        '--collector.queues.division=Europe West',
        '--collector.queues.include',
        'Sales.*',
        '--collector.queues.exclude=.*Test',
      ],
      PRODUCTION,
    );
    assert.deepEqual(config.collectors.queues.divisions, ['d1', 'Europe West']);
    assert.ok(config.collectors.queues.include.test('Sales EU'));
    assert.ok(!config.collectors.queues.include.test('EU Sales'), 'include is anchored');
    assert.ok(config.collectors.queues.exclude?.test('Sales Test'));
  });

  test('credentials from _FILE variables, trimmed', () => {
    writeFileSync(join(dir, 'id'), 'file-client-id\n');
    writeFileSync(join(dir, 'secret'), 'file-secret\n');
    const target = parseConfig(['--genesys.region=us_east_1'], { GENESYS_CLIENT_ID_FILE: join(dir, 'id'), GENESYS_CLIENT_SECRET_FILE: join(dir, 'secret') })
      .genesys.target;
    assert.ok(target.kind === 'genesys');
    assert.equal(target.credentials.clientId, 'file-client-id');
    assert.equal(target.credentials.clientSecret.reveal(), 'file-secret');
  });

  test('the secret never shows in JSON, inspect or string form of the config', () => {
    const config = parseConfig(['--genesys.region=us_east_1'], CREDENTIALS);
    for (const text of [
      JSON.stringify(config),
      inspect(config, { depth: 10 }),
      `${String((config.genesys.target as { credentials: { clientSecret: unknown } }).credentials.clientSecret)}`,
    ]) {
      assert.ok(!text.includes(CREDENTIALS.GENESYS_CLIENT_SECRET), text);
    }
  });

  test('errors name the flag or variable at fault', () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--collector.observations.interval=2s'], PRODUCTION, /--collector\.observations\.interval=2s is shorter than the minimum of 5s/],
      [['--collector.observations.interval=ten'], PRODUCTION, /--collector\.observations\.interval=ten is not a positive duration/],
      [['--collector.observations.batch-size=0'], PRODUCTION, /--collector\.observations\.batch-size=0 must be a whole number/],
      [['--collector.queues.max=-3'], PRODUCTION, /--collector\.queues\.max/],
      [['--collector.queues.include=(['], PRODUCTION, /--collector\.queues\.include=\(\[ is not a valid regular expression/],
      [['--web.listen-address=9813'], PRODUCTION, /--web\.listen-address=9813 must be \[host\]:port/],
      [['--web.telemetry-path=metrics'], PRODUCTION, /--web\.telemetry-path=metrics must start with "\/"/],
      [['--genesys.region=mars_1'], CREDENTIALS, /--genesys\.region: Unknown Genesys Cloud region "mars_1"/],
      [['--genesys.api-url=http://x:1'], CREDENTIALS, /--genesys\.login-url is required when --genesys\.api-url is set/],
      [['--genesys.api-url=ftp://x', '--genesys.login-url=http://x'], CREDENTIALS, /--genesys\.api-url=ftp:\/\/x must be an http\(s\) URL/],
      [['--genesys.api-url=http://x/api', '--genesys.login-url=http://x'], CREDENTIALS, /--genesys\.api-url=http:\/\/x\/api must be a bare origin/],
      [['--genesys.region=eu_west_1'], {}, /--genesys\.region is set but no Genesys Cloud credentials: set GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET/],
      [[], CREDENTIALS, /GENESYS_CLIENT_ID is set but no API location: pass --genesys\.region or set GENESYSCLOUD_REGION/],
      [[], { GENESYS_CLIENT_ID: 'x' }, /GENESYS_CLIENT_ID is set but no client secret: set GENESYS_CLIENT_SECRET or GENESYSCLOUD_OAUTHCLIENT_SECRET/],
      [
        [],
        { GENESYSCLOUD_OAUTHCLIENT_SECRET: 'x' },
        /GENESYSCLOUD_OAUTHCLIENT_SECRET is set but no client id: set GENESYS_CLIENT_ID or GENESYSCLOUD_OAUTHCLIENT_ID/,
      ],
      [
        [],
        { GENESYS_CLIENT_SECRET_FILE: '/nonexistent/secret', GENESYS_CLIENT_ID: 'x' },
        /GENESYS_CLIENT_SECRET_FILE=\/nonexistent\/secret cannot be read \(ENOENT\)/,
      ],
      [
        ['--genesys.region=mars_1'],
        {},
        /--genesys\.region: Unknown Genesys Cloud region "mars_1"\. Use a region name \(eu_west_1 or eu-west-1\) or its domain/,
      ],
      [[], { ...CREDENTIALS, GENESYSCLOUD_REGION: 'mypurecloud.example' }, /GENESYSCLOUD_REGION: Unknown Genesys Cloud region "mypurecloud\.example"/],
      [['--log.level=loud'], PRODUCTION, /--log\.level.*loud/],
      [['--genesys.client-secret=x'], PRODUCTION, /unknown option '--genesys\.client-secret'$/],
      [
        ['--collector.aggregates.interval=1m', '--collector.aggregates.window=1m', '--collector.aggregates.granularity=PT1M'],
        PRODUCTION,
        /--collector\.aggregates\.window=1m must be a multiple of --collector\.aggregates\.granularity \(PT1M\) and at least twice/,
      ],
      [
        ['--collector.aggregates.window=50m'],
        PRODUCTION,
        /--collector\.aggregates\.window=50m must be a multiple of --collector\.aggregates\.granularity \(PT15M\)/,
      ],
      [['--collector.aggregates.granularity=PT2M'], PRODUCTION, /--collector\.aggregates\.granularity.*PT2M.*PT1M, PT5M/],
    ];
    for (const [argv, env, expected] of cases) assert.match(configError(argv, env), expected, `for ${argv.join(' ')} ${Object.keys(env).join(',')}`);
  });

  test('a secret passed by mistake as a flag is not echoed in the error', () => {
    const message = configError(['--genesys.client-secret=hunter2-secret']);
    assert.ok(!message.includes('hunter2-secret'), message);
  });

  test('--collector.unsafe-fast-polling lifts the 5s floor (tests only)', () => {
    const config = parseConfig(
      [
        '--collector.unsafe-fast-polling',
        '--collector.observations.interval=200ms',
        '--collector.aggregates.interval=300ms',
        '--collector.queues.refresh-interval=1s',
      ],
      PRODUCTION,
    );
    assert.equal(config.collectors.observations.intervalMs, 200);
    assert.equal(config.collectors.aggregates.intervalMs, 300);
  });

  test('--help is reported, not treated as an error', () => {
    assert.throws(
      () => parseConfig(['--help'], {}),
      (error: unknown) => error instanceof ConfigHelpRequested && error.message.includes('--web.listen-address'),
    );
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
      '--genesys.api-url',
      '--genesys.login-url',
      '--genesys.region',
      '--web.listen-address',
      '--web.config.file',
      '--web.telemetry-path',
      '--collector.queues.include',
      '--collector.queues.exclude',
      '--collector.queues.division',
      '--collector.queues.max',
      '--collector.queues.refresh-interval',
      '--collector.observations.interval',
      '--collector.aggregates.interval',
      '--collector.observations.batch-size',
      '--genesys.requests-per-minute',
      '--collector.staleness',
      '--log.level',
      'GENESYS_CLIENT_ID',
      'GENESYS_CLIENT_SECRET',
      'GENESYS_CLIENT_ID_FILE',
      'GENESYS_CLIENT_SECRET_FILE',
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

describe('exporter config: credentials, regions and the simulator as Genesys users write them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exporter-config-names-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string): string => {
    writeFileSync(join(dir, name), content);
    return join(dir, name);
  };
  const target = (argv: string[], env: Record<string, string>) => {
    const resolved = parseConfig(argv, env).genesys.target;
    assert.ok(resolved.kind === 'genesys', `expected a Genesys target, got ${resolved.kind}`);
    return resolved;
  };

  test('no credentials: refuses to start, naming every accepted variable, the _FILE form and the demo', () => {
    for (const [argv, env] of [
      [[], {}],
      [['--genesys.region=eu_west_1'], {}],
      [[], { GENESYSCLOUD_REGION: 'eu_west_1' }],
    ] as const) {
      let caught: unknown;
      try {
        parseConfig([...argv], env);
      } catch (error) {
        caught = error;
      }
      assert.ok(caught instanceof MissingCredentialsError, `expected MissingCredentialsError, got ${String(caught)}`);
      for (const named of [
        'GENESYS_CLIENT_ID',
        'GENESYS_CLIENT_SECRET',
        'GENESYSCLOUD_OAUTHCLIENT_ID',
        'GENESYSCLOUD_OAUTHCLIENT_SECRET',
        '_FILE',
        'GENESYSCLOUD_REGION',
        '--genesys.region',
        'npm run demo',
        '--simulator',
      ]) {
        assert.ok(caught.message.includes(named), `"${named}" missing from: ${caught.message}`);
      }
      assert.ok(!caught.message.includes('\n'), 'one line');
    }
  });

  test('the Genesys CLI / CX-as-Code names work alone, and through _FILE', () => {
    const cli = target([], { GENESYSCLOUD_OAUTHCLIENT_ID: 'cli-id', GENESYSCLOUD_OAUTHCLIENT_SECRET: 'cli-secret', GENESYSCLOUD_REGION: 'eu-west-1' });
    assert.equal(cli.credentials.clientId, 'cli-id');
    assert.equal(cli.credentials.clientSecret.reveal(), 'cli-secret');
    assert.equal(cli.region, 'eu_west_1');
    assert.equal(cli.apiUrl, 'https://api.mypurecloud.ie');
    const files = target([], {
      GENESYSCLOUD_OAUTHCLIENT_ID_FILE: file('cli-id', 'file-cli-id\n'),
      GENESYSCLOUD_OAUTHCLIENT_SECRET_FILE: file('cli-secret', ' file-cli-secret \n'),
      GENESYSCLOUD_REGION_FILE: file('region', 'mypurecloud.de\n'),
    });
    assert.deepEqual(
      [files.credentials.clientId, files.credentials.clientSecret.reveal(), files.loginUrl],
      ['file-cli-id', 'file-cli-secret', 'https://login.mypurecloud.de'],
    );
    // Mixed families are one setting each.
    assert.equal(
      target(['--genesys.region=us_east_1'], { GENESYS_CLIENT_ID: 'ours', GENESYSCLOUD_OAUTHCLIENT_SECRET: 'theirs' }).credentials.clientSecret.reveal(),
      'theirs',
    );
  });

  test('regions: name, dashed name, domain, api./login./apps. host or URL, any case; all to the same region', () => {
    for (const spelling of [
      'eu_west_1',
      'eu-west-1',
      'EU-WEST-1',
      'mypurecloud.ie',
      'api.mypurecloud.ie',
      'login.mypurecloud.ie',
      'apps.mypurecloud.ie',
      'https://api.mypurecloud.ie/',
    ]) {
      assert.equal(normaliseRegion(spelling), 'eu_west_1', spelling);
      assert.equal(target([`--genesys.region=${spelling}`], CREDENTIALS).apiUrl, 'https://api.mypurecloud.ie', spelling);
    }
    assert.equal(normaliseRegion('use2.us-gov-pure.cloud'), 'us_east_2');
    assert.equal(normaliseRegion('ap-southeast-2'), 'ap_southeast_2');
    for (const wrong of ['eu_west_9', 'mypurecloud.example', 'api.', '', 'toString', 'evil.com/api.mypurecloud.ie'])
      assert.equal(normaliseRegion(wrong), undefined, wrong);
  });

  test('two sources that agree are fine, in any spelling', () => {
    assert.equal(target(['--genesys.region=eu-west-1'], { ...CREDENTIALS, GENESYSCLOUD_REGION: 'api.mypurecloud.ie' }).region, 'eu_west_1');
    const both = target([], {
      ...PRODUCTION,
      GENESYSCLOUD_OAUTHCLIENT_ID: CREDENTIALS.GENESYS_CLIENT_ID,
      GENESYS_CLIENT_SECRET_FILE: file('same-secret', `${CREDENTIALS.GENESYS_CLIENT_SECRET}\n`),
    });
    assert.equal(both.credentials.clientSecret.reveal(), CREDENTIALS.GENESYS_CLIENT_SECRET);
  });

  test('two sources that disagree are an error naming both sources and neither secret', () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        [],
        { ...PRODUCTION, GENESYSCLOUD_OAUTHCLIENT_ID: 'another-id' },
        /^GENESYS_CLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_ID are both set, to different values/,
      ],
      [
        [],
        { ...PRODUCTION, GENESYSCLOUD_OAUTHCLIENT_SECRET: 'another-secret-value' },
        /^GENESYS_CLIENT_SECRET and GENESYSCLOUD_OAUTHCLIENT_SECRET are both set, to different values/,
      ],
      [
        [],
        { ...PRODUCTION, GENESYS_CLIENT_SECRET_FILE: file('other-secret', 'file-secret-value\n') },
        /^GENESYS_CLIENT_SECRET and GENESYS_CLIENT_SECRET_FILE are both set, to different values/,
      ],
      [['--genesys.region=us_east_1'], PRODUCTION, /^--genesys\.region \(us_east_1\) and GENESYSCLOUD_REGION \(eu_west_1\) name different regions/],
      [
        [],
        { ...PRODUCTION, GENESYSCLOUD_REGION_FILE: file('other-region', 'mypurecloud.jp') },
        /^GENESYSCLOUD_REGION \(eu_west_1\) and GENESYSCLOUD_REGION_FILE \(ap_northeast_1\) name different regions/,
      ],
    ];
    for (const [argv, env, expected] of cases) {
      const message = configError(argv, env);
      assert.match(message, expected);
      for (const secret of [CREDENTIALS.GENESYS_CLIENT_SECRET, 'another-secret-value', 'file-secret-value', 'another-id', CREDENTIALS.GENESYS_CLIENT_ID]) {
        assert.ok(!message.includes(secret), `"${secret}" echoed in: ${message}`);
      }
    }
  });

  test('--simulator: the embedded simulated org, seed 1 unless --simulator.seed; never with credentials or a location', () => {
    assert.deepEqual(parseConfig(['--simulator'], {}).genesys.target, { kind: 'simulator', seed: 1 });
    assert.deepEqual(parseConfig(['--simulator', '--simulator.seed=7'], {}).genesys.target, { kind: 'simulator', seed: 7 });
    const cases: [string[], Record<string, string>, RegExp][] = [
      [
        ['--simulator'],
        CREDENTIALS,
        /^--simulator runs on a simulated org and cannot be combined with GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET: drop --simulator/,
      ],
      [['--simulator', '--genesys.region=eu_west_1'], {}, /cannot be combined with --genesys\.region/],
      [['--simulator'], { GENESYSCLOUD_REGION: 'eu_west_1' }, /cannot be combined with GENESYSCLOUD_REGION/],
      [
        ['--simulator', '--genesys.api-url=http://x:1', '--genesys.login-url=http://x:1'],
        {},
        /cannot be combined with --genesys\.api-url, --genesys\.login-url/,
      ],
      [['--simulator.seed=3'], PRODUCTION, /^--simulator\.seed is set without --simulator/],
      [['--simulator', '--simulator.seed=-1'], {}, /--simulator\.seed=-1 must be a whole number/],
    ];
    for (const [argv, env, expected] of cases) assert.match(configError(argv, env), expected, argv.join(' '));
  });

  test('--version is reported with the version and revision, before any credential check', () => {
    const packageVersion = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    assert.throws(
      () => parseConfig(['--version'], {}),
      (error: unknown) =>
        error instanceof ConfigHelpRequested &&
        new RegExp(`^genesys-cloud-exporter ${packageVersion.replace(/\./g, '\\.')} \\(revision [0-9a-f]{12}\\)\\n$`).test(error.message),
    );
  });

  test('the README reference lists every accepted variable and its _FILE form', () => {
    const names = configReference().map((entry) => entry.name);
    for (const base of [
      'GENESYS_CLIENT_ID',
      'GENESYS_CLIENT_SECRET',
      'GENESYSCLOUD_OAUTHCLIENT_ID',
      'GENESYSCLOUD_OAUTHCLIENT_SECRET',
      'GENESYSCLOUD_REGION',
    ]) {
      assert.ok(names.includes(base) && names.includes(`${base}_FILE`), `${base} or ${base}_FILE missing`);
    }
    assert.equal(ENVIRONMENT_VARIABLES.length, 10);
    for (const flag of ['--simulator', '--simulator.seed', '--version']) assert.ok(names.includes(flag), flag);
  });
});
