// `npm run demo` as a user runs it, stopped as a user (or a process manager) stops it: SIGTERM to the npm
// process. npm 11 does not pass the signal on, so without the exporter's own watch on its parent the
// exporter would keep running, re-parented, and keep its port.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { isRunning, processTree, signalEach } from '../support/process-tree.ts';
import type { ProcessId } from '../support/process-tree.ts';
import { get } from '../support/http-client.ts';
import { waitFor } from '../../stack/wait-for.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let started: ProcessId[] = [];
const dir = mkdtempSync(join(tmpdir(), 'npm-orphan-'));
after(() => {
  signalEach(started, 'SIGKILL'); // only if the test failed with something left running
  rmSync(dir, { recursive: true, force: true });
});

test('SIGTERM to `npm run demo` stops the exporter too (npm does not forward it)', async () => {
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GENESYS')));
  // The log goes to a file, as under a process manager: a pipe read by this test would close with npm and
  // take the exporter's stderr with it.
  const logFile = join(dir, 'demo.log');
  const log = openSync(logFile, 'a');
  const npm = spawn('npm', ['run', '--silent', 'demo', '--', '--web.listen-address=127.0.0.1:0'], { cwd: ROOT, env: cleanEnv, stdio: ['ignore', log, log] });
  closeSync(log);
  const stderr = (): string => readFileSync(logFile, 'utf8');
  const npmExited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));

  const url = await waitFor(
    'the exporter to log its listening URL',
    async () => {
      if (npm.exitCode !== null) throw new Error(`npm run demo exited (${npm.exitCode}):\n${stderr()}`);
      return /"msg":"listening","url":"([^"]+)"/.exec(stderr())?.[1];
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  assert.equal((await get(`${url}/-/healthy`)).status, 200);
  started = processTree(npm.pid!);
  // The node process itself, not npm's `sh -c` that started it (npm's SIGTERM does end that one).
  const exporter = started.find((p) => /^\S*node\s/.test(p.command) && p.command.includes('exporter/main.ts'));
  assert.ok(exporter !== undefined, `the exporter runs below npm: ${JSON.stringify(started)}`);

  npm.kill('SIGTERM');
  await npmExited;
  await waitFor('the exporter to exit after npm is gone', async () => (isRunning(exporter) ? undefined : true), { timeoutMs: 30_000, intervalMs: 100 });
  assert.match(stderr(), /parent process \(npm\) is gone: shutting down/);
  assert.match(stderr(), /"msg":"stopped"/);
  await assert.rejects(get(`${url}/-/healthy`), 'its port is closed');
  assert.deepEqual(started.filter(isRunning), [], 'nothing npm started is left running');
});
