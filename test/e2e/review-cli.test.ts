// `npm run review` end to end in a temporary clone of this repository (never in the working tree of
// the checkout running the tests): a commit that edits a query, moves a panel and changes an alert
// must produce exactly those three changes, the SVG, JSON; a bad ref and a base that does not generate
// must fail with exit 2 and say why; the temporary worktree must be gone afterwards, also after Ctrl-C.

import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '../../stack/wait-for.ts';
import { changeLines, REPO } from '../support/review-fixtures.ts';

const REVIEW_CLI = join(REPO, 'review.ts');

let temp = '';
let clone = '';
/** TMPDIR of the review runs: empty again after each run proves the temp folders were removed. */
let reviewTmp = '';

const git = (...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=review test', '-c', 'user.email=review@test.invalid', ...args], { cwd: clone, encoding: 'utf8' });

function runReview(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', REVIEW_CLI, ...args], {
    cwd: clone,
    encoding: 'utf8',
    env: { ...process.env, TMPDIR: reviewTmp },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function edit(path: string, from: string | RegExp, to: string): void {
  const file = join(clone, path);
  const text = readFileSync(file, 'utf8');
  const edited = text.replace(from, to);
  assert.notEqual(edited, text, `fixture: ${String(from)} not found in ${path} at HEAD`);
  writeFileSync(file, edited);
}

function assertCleanedUp(): void {
  assert.deepEqual(
    readdirSync(reviewTmp).filter((name) => name.startsWith('genesys-review-')),
    [],
    'temp folders left behind',
  );
  assert.equal(git('worktree', 'list').trim().split('\n').length, 1, 'a worktree was left behind');
}

before(() => {
  temp = mkdtempSync(join(tmpdir(), 'review-cli-test-'));
  clone = join(temp, 'repo');
  reviewTmp = join(temp, 'tmp');
  mkdirSync(reviewTmp);
  execFileSync('git', ['clone', '--shared', '--quiet', REPO, clone]);
  symlinkSync(join(REPO, 'node_modules'), join(clone, 'node_modules'), 'dir');
});

after(() => {
  rmSync(temp, { recursive: true, force: true });
});

describe('npm run review in a temporary clone', () => {
  test('`npm run review -- --base HEAD` on a clean checkout says "No changes" and exits 0', () => {
    const result = spawnSync('npm', ['run', '-s', 'review', '--', '--base', 'HEAD'], {
      cwd: clone,
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: reviewTmp },
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(changeLines(result.stdout), [
      '**No changes.** Both sides generate the same dashboards, rules, Alertmanager configuration and deployment files.',
    ]);
    assert.match(result.stdout, /^<!-- genesys-review -->\n/);
    assertCleanedUp();
  });

  test('a commit that edits a query, moves a panel and changes an alert: exactly those three changes, the SVG, and JSON', () => {
    edit('dashboards/queue-overview.ts', 'waitQuantilePerQueue(0.95, SELECTED)', 'waitQuantilePerQueue(0.99, SELECTED)');
    edit('dashboards/queue-overview.ts', /, (cell\(agentCapacityPanel\(\), 12, 9\))\],/, '],\n    [$1],');
    edit('alerts/rule-settings.ts', "QueueDepthCritical: { for: duration('5m'),", "QueueDepthCritical: { for: duration('10m'),");
    git('commit', '--quiet', '-am', 'p99, agent capacity on its own line, QueueDepthCritical for 10m');
    const out = join(temp, 'review-out');
    const result = runReview(['--base', 'HEAD~1', '--out', out, '--format', 'json']);
    assert.equal(result.status, 0, result.stderr);
    const markdown = readFileSync(join(out, 'review.md'), 'utf8');
    assert.deepEqual(changeLines(markdown), [
      '**Summary:** 1 dashboard changed (2 panels), 1 alert changed.',
      '#### Genesys Cloud: queue overview (`genesys-queue-overview`)',
      '- **Wait time p95 by queue and media type** (timeseries, id 6)',
      '  - query `p95`: `0.95` → `0.99`',
      '- **Agent capacity** (table, id 8)',
      '  - moved: x 12, y 25 → x 0, y 34',
      '- **QueueDepthCritical**',
      '  - `for`: `5m` → `10m`',
      '  - annotation `description`: `{{ $value }} contacts are waiting in queue {{ $labels.queue_name }} (threshold 50) for at least 5m.` → `{{ $value }} contacts are waiting in queue {{ $labels.queue_name }} (threshold 50) for at least 10m.`',
    ]);
    assert.deepEqual(readdirSync(out).sort(), ['genesys-queue-overview.svg', 'review.json', 'review.md']);
    assert.ok(markdown.includes('![Layout of genesys-queue-overview before and after](genesys-queue-overview.svg)'));
    const svg = readFileSync(join(out, 'genesys-queue-overview.svg'), 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.equal((svg.match(/>8 · Agent capacity</g) ?? []).length, 2, 'the moved panel is drawn on both sides');

    // --format json: the same change list on stdout, for machines.
    assert.equal(result.stdout, readFileSync(join(out, 'review.json'), 'utf8'));
    const review = JSON.parse(result.stdout);
    assert.equal(review.base.ref, 'HEAD~1');
    assert.equal(review.base.commit, git('rev-parse', 'HEAD~1').trim());
    assert.deepEqual(review.layouts, { 'genesys-queue-overview': 'genesys-queue-overview.svg' });
    assert.deepEqual(
      review.dashboards.map((d: { uid: string; panels: { id: number; moved?: unknown; queries: { key: string }[] }[] }) => [
        d.uid,
        d.panels.map((p) => [p.id, p.moved !== undefined, p.queries.map((q) => q.key)]),
      ]),
      [
        [
          'genesys-queue-overview',
          [
            [6, false, ['p95']],
            [8, true, []],
          ],
        ],
      ],
    );
    assert.deepEqual(
      review.alerts.map((a: { name: string; changes: { path: string }[] }) => [a.name, a.changes.map((c) => c.path)]),
      [['QueueDepthCritical', ['for', 'annotations.description']]],
    );
    assert.deepEqual([review.recordingRules, review.files, review.alertmanager], [[], [], null]);
    assertCleanedUp();
  });

  test('a ref that does not exist: exit 2 and the flag named, nothing generated', () => {
    const result = runReview(['--base', 'no-such-branch']);
    assert.equal(result.status, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^review: --base no-such-branch: not a commit in this repository/);
    assertCleanedUp();
  });

  test('interrupted while generating (SIGINT): the generators are stopped, the worktree and temp folders removed', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', REVIEW_CLI, '--base', 'HEAD'], {
      cwd: clone,
      env: { ...process.env, TMPDIR: reviewTmp },
      stdio: 'ignore',
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    await waitFor('the base worktree to be checked out', () =>
      readdirSync(reviewTmp).some((name) => name.startsWith('genesys-review-') && existsSync(join(reviewTmp, name, 'base', 'generate.ts'))),
    );
    child.kill('SIGINT');
    assert.deepEqual(await exited, { code: null, signal: 'SIGINT' });
    assertCleanedUp();
  });

  test('a base that does not generate: exit 2 with that side named and its own error output', () => {
    edit('dashboards/queue-overview.ts', 'waitQuantilePerQueue(0.99, SELECTED)', 'waitQuantilePerQueue(0.99, SELECTED, ');
    git('commit', '--quiet', '-am', 'broken module');
    edit('dashboards/queue-overview.ts', 'waitQuantilePerQueue(0.99, SELECTED, ', 'waitQuantilePerQueue(0.99, SELECTED)');
    const result = runReview(['--base', 'HEAD']);
    assert.equal(result.status, 2, result.stdout);
    assert.match(result.stderr, /^review: base HEAD \([0-9a-f]{7}\): generate failed \(exit 1\):\n/);
    assert.match(result.stderr, /queue-overview\.ts/);
    assert.equal(existsSync(join(clone, 'node_modules')), true, 'the clone keeps its own node_modules link');
    assertCleanedUp();
  });
});
