// The `npm run import` command, run as a user runs it (node --import tsx import.ts): what it prints, where it
// writes, its exit code. Each run starts tsx, ts-morph and the SDK (seconds of CPU), so the runs that import are
// few and shared by the tests that read their output; what the modules contain is round-trip.test.ts's job.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, GENERATED, type Panelish, ROOT, exprsOf, moduleFolder } from './inputs.ts';

let dir = '';

before(() => {
  dir = moduleFolder('importer-command-test');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'import.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

/** One run, made by the first test that reads it. */
function once(start: () => SpawnSyncReturns<string>): () => SpawnSyncReturns<string> {
  let result: SpawnSyncReturns<string> | undefined;
  return () => (result ??= start());
}

describe('the command', () => {
  // The two runs that import: a fixture with warnings, losses and a raw query; and, over a module edited by hand,
  // a generated dashboard with --force (every query typed).
  const unsupported = once(() => run(join(FIXTURES, 'unsupported.json'), '--out', join(dir, 'cli-unsupported.ts')));
  const existing = () => join(dir, 'cli-existing.ts');
  const forced = once(() => run(join(GENERATED, 'queue-detail.json'), '--out', existing(), '--force'));

  test('prints each warning, where it wrote the module and each round-trip difference', () => {
    const result = unsupported();
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr.split('\n').filter((l) => l.startsWith('warning: ')).length, 5, result.stderr);
    assert.match(result.stdout, /^ {2}panels\[id=1\]\.ownerTeam: expected "contact-center", rebuilt undefined$/m);
    assert.match(result.stdout, /^wrote .*cli-unsupported\.ts \(export unsupportedPiecesDashboard\)$/m);
    assert.match(result.stdout, /^round trip: 3 difference\(s\)/m);
    assert.match(result.stdout, /^ {2}panels\[id=2\]: expected \{"type":"grafana-worldmap-panel"/m);
  });

  test('refuses to replace an existing module without --force, and names the fix; with --force it replaces it', () => {
    writeFileSync(existing(), '// edited by hand\n');
    const refused = run(join(GENERATED, 'queue-detail.json'), '--out', existing());
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /cli-existing\.ts exists: choose another --out, or pass --force to replace it/);
    assert.equal(readFileSync(existing(), 'utf8'), '// edited by hand\n');
    const result = forced();
    assert.equal(result.status, 0, result.stderr);
    assert.match(readFileSync(existing(), 'utf8'), /export function genesysCloudQueueDetailDashboard\(/);
    assert.match(result.stdout, /round trip: equivalent to the input/);
    assert.match(result.stdout, /list genesysCloudQueueDetailSource\(\) in dashboards\/index\.ts/);
  });

  test('counts the queries written through the typed builder and those left raw (a comment says why only when there are)', () => {
    assert.match(unsupported().stdout, /^queries: 0 through the typed PromQL builder, 1 raw PromQL \(a comment above each says why\)$/m);
    const count = exprsOf(JSON.parse(readFileSync(join(GENERATED, 'queue-detail.json'), 'utf8')) as { panels?: Panelish[] }).length;
    assert.ok(count > 0);
    assert.match(forced().stdout, new RegExp(`^queries: ${count} through the typed PromQL builder, 0 raw PromQL$`, 'm'));
  });

  test('a file that is not JSON is an error naming the file', () => {
    const bad = join(dir, 'not-json.json');
    writeFileSync(bad, '{ "title": ');
    const result = run(bad, '--out', join(dir, 'never-written.ts'));
    assert.equal(result.status, 1);
    assert.match(result.stderr, /not-json\.json: cannot read a dashboard JSON/);
  });
});
