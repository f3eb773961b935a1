import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { basic, call } from './support/helpers.ts';
import { waitFor } from '../../stack/wait-for.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const FIXTURE = new URL('./fixtures/small-org.yaml', import.meta.url).pathname;

function startCli(args: string[]): { child: ChildProcess; firstLine: Promise<string>; stderr: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'simulator/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const firstLine = new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code} before printing: ${err}`)));
  });
  return { child, firstLine, stderr: () => err };
}

// Each test starts its own process: they run at once (the second's start overlaps the first's).
describe('simulator: npm run simulator (main.ts)', { concurrency: true }, () => {
  test('prints one JSON line first, serves login and API in real time, and stops on SIGTERM', async () => {
    const { child, firstLine } = startCli(['--port', '0', '--seed', '42', '--org', FIXTURE]);
    try {
      const ready = JSON.parse(await firstLine) as { url: string; clientId: string; clientSecret: string };
      assert.deepEqual(Object.keys(ready).sort(), ['clientId', 'clientSecret', 'url']);
      assert.match(ready.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const token = await call(`${ready.url}/oauth/token`, {
        method: 'POST',
        headers: { Authorization: basic(ready.clientId, ready.clientSecret), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      });
      assert.equal(token.status, 200);
      const queues = await call(`${ready.url}/api/v2/routing/queues`, { headers: { Authorization: `Bearer ${token.json.access_token}` } });
      assert.deepEqual(queues.json.entities.map((q: { name: string }) => q.name).sort(), ['Back Office', 'Front Desk']);
      // The served model follows the wall clock: its time moves forward without anyone advancing it.
      const first = Date.parse((await call(`${ready.url}/sim/truth/now`)).json.time);
      await waitFor('simulated time to move', async () => (Date.parse((await call(`${ready.url}/sim/truth/now`)).json.time) > first ? true : undefined), {
        timeoutMs: 20_000,
        intervalMs: 100,
      });
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  test('a bad org file stops it with exit code 2 and a message naming the file', async () => {
    const { child, firstLine, stderr } = startCli(['--port', '0', '--org', new URL('./fixtures/does-not-exist.yaml', import.meta.url).pathname]);
    firstLine.catch(() => {});
    const [code] = await once(child, 'exit');
    assert.equal(code, 2);
    assert.match(stderr(), /cannot read org file .*does-not-exist\.yaml/);
  });
});
