// `npm run stack` as a user runs it, through npm: the first stdout line is the JSON with the five URLs,
// every one of them answers, and SIGTERM to the npm process stops everything (no port left listening, no
// process left running). npm 11 does not pass SIGTERM on to the script, so this exercises the stack's
// parent-exit watchdog (stack/processes.ts) as well as its cleanup.
//
// A second `npm run stack` runs alongside, as one a developer might have open on the same host: both get
// their own ports, and stopping one leaves the other serving. The test looks only at processes it
// started, found by walking down from the pid it spawned (support/process-tree.ts), never at a
// machine-wide process list.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '../../stack/wait-for.ts';
import { REPO_ROOT } from '../../stack/repo.ts';
import { isRunning, processTree, signalEach, type ProcessId } from '../support/process-tree.ts';

const KEYS = ['simulator', 'exporter', 'prometheus', 'alertmanager', 'receiver'] as const;
type Urls = Record<(typeof KEYS)[number], string>;

async function answers(url: string, init?: RequestInit): Promise<number | string> {
  try {
    return (await fetch(url, { ...init, signal: AbortSignal.timeout(5000) })).status;
  } catch (error) {
    return (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
  }
}

interface NpmStack {
  readonly name: string;
  readonly npm: ChildProcess;
  readonly urls: Urls;
  /** Every process below the npm process once the stack was up: npm's shell, stack/main.ts and its children. */
  readonly processes: readonly ProcessId[];
  readonly exited: Promise<number | null>;
  stderr(): string;
}

/** `npm run stack` in its own work dir; resolves when its first stdout line (the URLs) is out. Cleaned up after the test. */
async function startNpmStack(t: TestContext, name: string): Promise<NpmStack> {
  const workDir = mkdtempSync(join(tmpdir(), `stack-main-test-${name}-`));
  const npm = spawn('npm', ['run', '--silent', 'stack', '--', '--work-dir', workDir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  npm.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  let processes: ProcessId[] = [];
  t.after(async () => {
    if (npm.exitCode === null) npm.kill('SIGKILL');
    // If the stack outlived npm (the bug this test guards against), SIGTERM what this test started: the
    // stack's own cleanup then stops Prometheus, Alertmanager, the exporter and the simulator.
    signalEach(processes, 'SIGTERM');
    if (processes.some(isRunning)) await sleep(3000);
    signalEach(processes, 'SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  });

  const lines = createInterface({ input: npm.stdout! });
  const first = await Promise.race([
    new Promise<string>((resolve) => lines.once('line', resolve)),
    exited.then((code) => assert.fail(`${name}: npm run stack exited (${code}) before printing:\n${stderr}`)),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${name}: no first line within 120 s:\n${stderr}`)), 120_000).unref()),
  ]);
  const urls = JSON.parse(first) as Urls;
  assert.deepEqual(Object.keys(urls).sort(), [...KEYS].sort());
  processes = processTree(npm.pid!);
  // The snapshot must hold the whole stack, or the "nothing left running" checks below would prove nothing.
  for (const part of ['stack/main.ts', 'simulator/main.ts', 'exporter/main.ts', 'prometheus', 'alertmanager']) {
    assert.ok(
      processes.some((p) => p.command.includes(part)),
      `${name}: a process running ${part} below npm (pid ${npm.pid}): ${JSON.stringify(processes)}`,
    );
  }
  return { name, npm, urls, processes, exited, stderr: () => stderr };
}

async function assertServing(stack: NpmStack): Promise<void> {
  assert.equal(await answers(`${stack.urls.simulator}/sim/truth/now`), 200, `${stack.name}: simulator`);
  assert.equal(await answers(`${stack.urls.exporter}/-/ready`), 200, `${stack.name}: exporter`);
  assert.equal(await answers(`${stack.urls.prometheus}/-/ready`), 200, `${stack.name}: prometheus`);
  assert.equal(await answers(`${stack.urls.alertmanager}/-/ready`), 200, `${stack.name}: alertmanager`);
  assert.equal(typeof (await answers(`${stack.urls.receiver}/`)), 'number', `${stack.name}: receiver answers HTTP`);
}

/** SIGTERM to npm, then: npm exits, every port stops answering, and no process the stack ran is left. */
async function stopAndAssertGone(stack: NpmStack): Promise<void> {
  stack.npm.kill('SIGTERM');
  const code = await Promise.race([stack.exited, sleep(60_000, 'timeout' as const, { ref: false })]);
  assert.notEqual(code, 'timeout', `${stack.name}: npm run stack ends on SIGTERM\n${stack.stderr()}`);
  // npm returns at once; the stack notices its parent is gone and stops its children within seconds.
  await waitFor(
    `every service of ${stack.name} to stop listening`,
    async () => {
      for (const key of KEYS) if ((await answers(`${stack.urls[key]}/`)) !== 'ECONNREFUSED') return undefined;
      return true;
    },
    { timeoutMs: 60_000 },
  );
  const left = (): ProcessId[] => stack.processes.filter(isRunning);
  await waitFor(`no process of ${stack.name} to be left running`, async () => (left().length === 0 ? true : undefined), { timeoutMs: 30_000 }).catch(() => {
    assert.deepEqual(left(), [], `${stack.name}: no process of the stack is left running`);
  });
}

test('npm run stack prints the URLs first, serves them all, and SIGTERM leaves nothing running, next to another stack', { timeout: 300_000 }, async (t) => {
  assert.ok(existsSync(join(REPO_ROOT, 'out', 'prometheus', 'scrape_config.yaml')), 'out/ is generated (npm run generate)');
  const [stack, bystander] = await Promise.all([startNpmStack(t, 'stack'), startNpmStack(t, 'bystander')]);
  const ports = (s: NpmStack) => KEYS.map((key) => new URL(s.urls[key]).port);
  assert.deepEqual(
    ports(stack).filter((port) => ports(bystander).includes(port)),
    [],
    'two stacks on one host share no port',
  );

  await assertServing(stack);
  const event = { routing_key: 'k', event_action: 'trigger', payload: { summary: 'stack test', source: 'test', severity: 'info' } };
  assert.equal(await answers(`${stack.urls.receiver}/pagerduty/v2/enqueue`, { method: 'POST', body: JSON.stringify(event) }), 202);
  // Prometheus scrapes the exporter through the generated job.
  await waitFor(
    'Prometheus to scrape the exporter',
    async () => {
      const body = (await (await fetch(`${stack.urls.prometheus}/api/v1/query?query=up`)).json()) as { data: { result: { value: [number, string] }[] } };
      return body.data.result[0]?.value[1] === '1' ? true : undefined;
    },
    { timeoutMs: 60_000 },
  );

  await stopAndAssertGone(stack);
  // The other stack did not notice.
  await assertServing(bystander);
  assert.deepEqual(
    bystander.processes.filter((p) => !isRunning(p)),
    [],
    'every process of the other stack still runs',
  );
  await stopAndAssertGone(bystander);
});
