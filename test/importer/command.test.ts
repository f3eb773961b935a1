// The `npm run import` command: what it prints, where it writes, its exit code. The runs that import go through
// the command line in this process (importer/command.ts, what import.ts runs): a process of its own would start
// tsx, ts-morph and the SDK again (seconds of CPU each). One run, a refusal that loads neither, starts
// import.ts as a user does, for what only a process shows: the arguments, stderr and the exit code. The runs are
// shared by the tests that read their output; what the modules contain is round-trip.test.ts's job.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runImportCommand } from '../../importer/command.ts';
import { FIXTURES, GENERATED, type Panelish, ROOT, exprsOf, moduleFolder } from './inputs.ts';

interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The command line in this process: its stdout and stderr lines, and its exit code. */
async function run(...args: string[]): Promise<Run> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const status = await runImportCommand(args, { out: (line) => stdout.push(line), err: (line) => stderr.push(line) });
  const text = (lines: string[]) => lines.map((line) => `${line}\n`).join('');
  return { status, stdout: text(stdout), stderr: text(stderr) };
}

/** `npm run import -- <args>` in a process of its own, as a user runs it. */
function runProcess(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'import.ts'), ...args], { cwd: ROOT, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error === null) resolve({ status: 0, stdout, stderr });
      else if (typeof error.code === 'number') resolve({ status: error.code, stdout, stderr });
      else reject(error);
    });
  });
}

let dir = '';
const existing = () => join(dir, 'cli-existing.ts');
const HAND_EDIT = '// edited by hand\n';
// The two runs that import: a fixture with warnings, losses and a raw query; and, over a module edited by hand, a
// generated dashboard (every query typed), refused first, then with --force.
let unsupported: Run;
let refused: Run;
let afterRefusal = '';
let forced: Run;
// The process run, started first so that it runs while this process imports (another core's work).
let notJson: Promise<Run>;

before(async () => {
  dir = moduleFolder('importer-command-test');
  writeFileSync(existing(), HAND_EDIT);
  const bad = join(dir, 'not-json.json');
  writeFileSync(bad, '{ "title": ');
  notJson = runProcess(bad, '--out', join(dir, 'never-written.ts'));
  notJson.catch(() => {}); // awaited (and its failure reported) by its test
  unsupported = await run(join(FIXTURES, 'unsupported.json'), '--out', join(dir, 'cli-unsupported.ts'));
  refused = await run(join(GENERATED, 'queue-detail.json'), '--out', existing());
  afterRefusal = readFileSync(existing(), 'utf8');
  forced = await run(join(GENERATED, 'queue-detail.json'), '--out', existing(), '--force');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the command', () => {
  test('prints each warning, where it wrote the module and each round-trip difference', () => {
    const result = unsupported;
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr.split('\n').filter((l) => l.startsWith('warning: ')).length, 5, result.stderr);
    assert.match(result.stdout, /^ {2}panels\[id=1\]\.ownerTeam: expected "contact-center", rebuilt undefined$/m);
    assert.match(result.stdout, /^wrote .*cli-unsupported\.ts \(export unsupportedPiecesDashboard\)$/m);
    assert.match(result.stdout, /^round trip: 3 difference\(s\)/m);
    assert.match(result.stdout, /^ {2}panels\[id=2\]: expected \{"type":"grafana-worldmap-panel"/m);
  });

  test('refuses to replace an existing module without --force, and names the fix; with --force it replaces it', () => {
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /cli-existing\.ts exists: choose another --out, or pass --force to replace it/);
    assert.equal(afterRefusal, HAND_EDIT);
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(readFileSync(existing(), 'utf8'), /export function genesysCloudQueueDetailDashboard\(/);
    assert.match(forced.stdout, /round trip: equivalent to the input/);
    assert.match(forced.stdout, /list genesysCloudQueueDetailSource\(\) in dashboards\/index\.ts/);
  });

  test('counts the queries written through the typed builder and those left raw (a comment says why only when there are)', () => {
    assert.match(unsupported.stdout, /^queries: 0 through the typed PromQL builder, 1 raw PromQL \(a comment above each says why\)$/m);
    const count = exprsOf(JSON.parse(readFileSync(join(GENERATED, 'queue-detail.json'), 'utf8')) as { panels?: Panelish[] }).length;
    assert.ok(count > 0);
    assert.match(forced.stdout, new RegExp(`^queries: ${count} through the typed PromQL builder, 0 raw PromQL$`, 'm'));
  });

  test('a file that is not JSON is an error naming the file (npm run import in a process of its own: stderr, exit code 1)', async () => {
    const result = await notJson;
    assert.equal(result.status, 1);
    assert.match(result.stderr, /^import: .*not-json\.json: cannot read a dashboard JSON/m);
    assert.equal(result.stdout, '');
  });

  test('a missing argument is a usage error naming it, exit code 1, nothing imported', async () => {
    const result = await run('--out', join(dir, 'never-written.ts'));
    assert.equal(result.status, 1);
    assert.match(result.stderr, /missing required argument 'dashboard\.json'/);
  });
});
