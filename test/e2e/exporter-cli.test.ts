// exporter/main.ts as a real process: no credentials (refuses to start, exit 2, one line naming what to set
// and the demo), --simulator (the embedded simulated org, flagged on /metrics), --version, credentials against
// a simulator over HTTP, bad credentials, config errors, SIGTERM. Secrets never appear in logs or on /metrics.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../simulator/index.ts';
import { get } from '../support/http-client.ts';
import { waitFor } from '../../stack/wait-for.ts';
import { spawnExporter } from '../support/exporter-process.ts';
import type { ExporterProcess } from '../support/exporter-process.ts';

const FAST = [
  '--web.listen-address=127.0.0.1:0',
  '--collector.unsafe-fast-polling',
  '--collector.observations.interval=1s',
  '--collector.aggregates.interval=2s',
  '--collector.queues.refresh-interval=5s',
];
const CLIENT_SECRET = 'sEcReT-for-main-test-7f3a91';

function gitRevision(): string {
  return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
}

async function scrapeWhenReady(url: string): Promise<string> {
  await waitFor('/-/ready to answer 200', async () => ((await get(`${url}/-/ready`)).status === 200 ? true : undefined), {
    timeoutMs: 60_000,
    intervalMs: 200,
  });
  return (await get(`${url}/metrics`)).body;
}

describe('exporter process (npm start)', () => {
  const running: ExporterProcess[] = [];
  after(async () => {
    for (const exporter of running) await exporter.stop();
  });

  test('with no credentials: refuses to start with exit 2 and ONE line naming every accepted variable and the demo', async () => {
    const exporter = spawnExporter(FAST, {});
    running.push(exporter);
    const code = await waitFor('the exporter to exit', async () => exporter.child.exitCode ?? undefined, { timeoutMs: 60_000, intervalMs: 100 });
    assert.equal(code, 2);
    assert.equal(exporter.logLines.length, 1, exporter.logLines.join('\n'));
    const record = JSON.parse(exporter.logLines[0]!) as { level: string; msg: string };
    assert.equal(record.level, 'error');
    for (const named of [
      'GENESYS_CLIENT_ID',
      'GENESYS_CLIENT_SECRET',
      'GENESYSCLOUD_OAUTHCLIENT_ID',
      'GENESYSCLOUD_OAUTHCLIENT_SECRET',
      '_FILE',
      'GENESYSCLOUD_REGION',
      'npm run demo',
      '--simulator',
    ]) {
      assert.ok(record.msg.includes(named), `"${named}" missing from: ${record.msg}`);
    }
  });

  test('--simulator: the embedded simulated org, genesys_exporter_simulated 1, says so, stops cleanly on SIGTERM', async () => {
    const exporter = spawnExporter([...FAST, '--simulator'], {});
    running.push(exporter);
    const url = await exporter.url();
    await scrapeWhenReady(url);
    // Ready needs the catalog and one data collector; genesys_up needs every collector's last run to succeed.
    const metrics = await waitFor(
      'genesys_up 1',
      async () => {
        const body = (await get(`${url}/metrics`)).body;
        return /^genesys_up 1$/m.test(body) ? body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    assert.match(metrics, /^genesys_exporter_simulated 1$/m);
    assert.match(metrics, /^genesys_queue_depth\{queue_id="[^"]+",queue_name="[^"]+",media_type="\w+"\} \d+$/m);
    assert.match((await get(`${url}/`)).body, /SIMULATED data/);
    const warning = exporter.logLines.map((line) => JSON.parse(line) as { level: string; msg: string }).find((r) => /SIMULATED/.test(r.msg));
    assert.equal(warning?.level, 'warn');
    assert.equal(await exporter.stop(), 0);
    assert.ok(
      exporter.logLines.some((line) => JSON.parse(line).msg === 'stopped'),
      'logs that it stopped',
    );
  });

  test('--version prints the version and git revision on stdout and exits 0, without credentials', async () => {
    const exporter = spawnExporter(['--version'], {});
    running.push(exporter);
    const code = await waitFor('the exporter to exit', async () => exporter.child.exitCode ?? undefined, { timeoutMs: 60_000, intervalMs: 100 });
    assert.equal(code, 0);
    await waitFor('stdout to be read to the end', async () => (exporter.stdout.join('').endsWith('\n') ? true : undefined), {
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.equal(exporter.stdout.join(''), `genesys-cloud-exporter ${version} (revision ${gitRevision()})\n`);
    assert.deepEqual(exporter.logLines, []);
  });

  describe('with credentials against a Genesys-compatible endpoint', () => {
    let simulator: Awaited<ReturnType<typeof startSimulator>>;
    before(async () => {
      simulator = await startSimulator({ port: 0, seed: 7, clientId: 'main-test-client', clientSecret: CLIENT_SECRET });
    });
    after(() => simulator.close());

    test('collects, survives token revocation, and never logs or serves the secret or a token', async () => {
      // The Genesys CLI / CX-as-Code variable names, as an existing Genesys setup has them.
      const exporter = spawnExporter([...FAST, `--genesys.api-url=${simulator.url}`, `--genesys.login-url=${simulator.url}`, '--log.level=debug'], {
        GENESYSCLOUD_OAUTHCLIENT_ID: 'main-test-client',
        GENESYSCLOUD_OAUTHCLIENT_SECRET: CLIENT_SECRET,
      });
      running.push(exporter);
      const url = await exporter.url();
      const first = await scrapeWhenReady(url);
      assert.match(first, /^genesys_exporter_simulated 0$/m);
      assert.match(
        first,
        new RegExp(`^genesys_exporter_build_info\\{version="[^"]+",revision="${gitRevision()}",nodejs_version="${process.version}"\\} 1$`, 'm'),
      );
      const revoke = await fetch(`${simulator.url}/sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ fault: 'revoke-tokens' }),
      });
      assert.equal(revoke.status < 300, true, `revoke-tokens fault accepted (${revoke.status})`);
      const metrics = await waitFor(
        'a second successful token grant after revocation',
        async () => {
          const body = (await get(`${url}/metrics`)).body;
          const grants = Number(/^genesys_exporter_token_refreshes_total\{result="success"\} (\d+)$/m.exec(body)?.[1] ?? 0);
          return grants >= 2 ? body : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
      assert.equal(await exporter.stop(), 0);

      for (const [where, text] of [
        ['logs', exporter.logLines.join('\n')],
        ['/metrics', metrics],
      ] as const) {
        assert.ok(!text.includes(CLIENT_SECRET), `client secret in ${where}`);
        assert.doesNotMatch(text, /Bearer\s+[A-Za-z0-9._~+/=-]{8,}/, `bearer token in ${where}`);
        assert.doesNotMatch(text, /access_token["'\s:=]+[^"'\s,&}[]/, `access_token value in ${where}`);
      }
      assert.ok(exporter.logLines.length > 5, 'debug logging was on, so there was something to check');
    });

    test('bad credentials: exits 1 naming the authentication failure, without the secret', async () => {
      const exporter = spawnExporter([...FAST, `--genesys.api-url=${simulator.url}`, `--genesys.login-url=${simulator.url}`], {
        GENESYS_CLIENT_ID: 'main-test-client',
        GENESYS_CLIENT_SECRET: 'wrong-secret-value-123',
      });
      running.push(exporter);
      const code = await waitFor('the exporter to exit', async () => exporter.child.exitCode ?? undefined, { timeoutMs: 60_000, intervalMs: 100 });
      assert.equal(code, 1);
      const failure = exporter.logLines.map((line) => JSON.parse(line) as { msg: string; error?: string }).find((r) => r.msg === 'startup failed');
      assert.match(failure?.error ?? '', /auth|credential|invalid_client/i);
      assert.ok(!exporter.logLines.join('\n').includes('wrong-secret-value-123'));
    });
  });

  test('configuration error: exits 2 and names the flag', async () => {
    const exporter = spawnExporter(['--collector.observations.interval=1s', '--web.listen-address=127.0.0.1:0'], {
      GENESYS_CLIENT_ID: 'x',
      GENESYS_CLIENT_SECRET: 'y',
      GENESYSCLOUD_REGION: 'eu_west_1',
    });
    running.push(exporter);
    const code = await waitFor('the exporter to exit', async () => exporter.child.exitCode ?? undefined, { timeoutMs: 60_000, intervalMs: 100 });
    assert.equal(code, 2);
    assert.match(exporter.logLines.join('\n'), /--collector\.observations\.interval=1s is shorter than the minimum of 5s/);
  });
});
