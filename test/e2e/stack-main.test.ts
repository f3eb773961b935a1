// `npm run stack` as a user runs it, through npm: the first stdout line is the JSON with the five URLs,
// every one of them answers, and SIGTERM to the npm process stops everything (no port left listening, no
// process left running). npm 11 does not pass SIGTERM on to the script, so this exercises the stack's
// parent-exit watchdog (stack/processes.ts) as well as its cleanup.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { waitFor } from '../../stack/processes.ts';
import { REPO_ROOT } from '../../stack/repo.ts';

const KEYS = ['simulator', 'exporter', 'prometheus', 'alertmanager', 'receiver'];

async function answers(url: string, init?: RequestInit): Promise<number | string> {
  try {
    return (await fetch(url, { ...init, signal: AbortSignal.timeout(5000) })).status;
  } catch (error) {
    return (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
  }
}

test('npm run stack prints the URLs first, serves them all, and SIGTERM leaves nothing running', async (t) => {
  assert.ok(existsSync(join(REPO_ROOT, 'out', 'prometheus', 'scrape_config.yaml')), 'out/ is generated (npm run generate)');
  const workDir = mkdtempSync(join(tmpdir(), 'stack-main-test-'));
  const child = spawn('npm', ['run', '--silent', 'stack', '--', '--work-dir', workDir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    // If the stack outlived npm (the bug this test guards against), SIGTERM it by its --work-dir argument:
    // its own cleanup then stops Prometheus, Alertmanager, the exporter and the simulator.
    for (const line of execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n')) {
      if (!line.includes('stack/main.ts') || !line.includes(workDir)) continue;
      try {
        process.kill(Number.parseInt(line.trim(), 10), 'SIGTERM');
      } catch {
        // already gone
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 3000));
    rmSync(workDir, { recursive: true, force: true });
  });

  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    exited.then((code) => assert.fail(`npm run stack exited (${code}) before printing:\n${stderr}`)),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no first line within 90 s:\n${stderr}`)), 90_000).unref()),
  ]);
  const urls = JSON.parse(first) as Record<string, string>;
  assert.deepEqual(Object.keys(urls).sort(), [...KEYS].sort());

  assert.equal(await answers(`${urls.simulator}/sim/truth/now`), 200);
  assert.equal(await answers(`${urls.exporter}/-/ready`), 200);
  assert.equal(await answers(`${urls.prometheus}/-/ready`), 200);
  assert.equal(await answers(`${urls.alertmanager}/-/ready`), 200);
  const event = { routing_key: 'k', event_action: 'trigger', payload: { summary: 'stack test', source: 'test', severity: 'info' } };
  assert.equal(await answers(`${urls.receiver}/pagerduty/v2/enqueue`, { method: 'POST', body: JSON.stringify(event) }), 202);
  // Prometheus scrapes the exporter through the generated job.
  await waitFor('Prometheus to scrape the exporter', async () => {
    const body = (await (await fetch(`${urls.prometheus}/api/v1/query?query=up`)).json()) as { data: { result: { value: [number, string] }[] } };
    return body.data.result[0]?.value[1] === '1' ? true : undefined;
  }, { timeoutMs: 60_000 });

  child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 60_000).unref())]);
  assert.notEqual(code, 'timeout', `npm run stack ends on SIGTERM\n${stderr}`);
  // npm returns at once; the stack notices its parent is gone and stops its children within seconds.
  await waitFor('every service of the stack to stop listening', async () => {
    for (const key of KEYS) if ((await answers(`${urls[key]}/`)) !== 'ECONNREFUSED') return undefined;
    return true;
  }, { timeoutMs: 60_000 });
  const stackProcesses = () => execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).split('\n').filter((line) => line.includes(workDir) || line.includes('stack/main.ts'));
  await waitFor('no process of the stack to be left running', async () => (stackProcesses().length === 0 ? true : undefined), { timeoutMs: 30_000 }).catch(() => {
    assert.deepEqual(stackProcesses(), [], 'no process of the stack is left running');
  });
});
