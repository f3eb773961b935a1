// The CLI on the real modules: what one process writes, another finds up to date (determinism across
// runs), a hand edit is named by --check; a bad --config override fails naming the file and the key.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
let workspace: string;
before(() => {
  workspace = mkdtempSync(join(tmpdir(), 'generator-cli-'));
});
after(() => rmSync(workspace, { recursive: true, force: true }));

function generate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'generate.ts', ...args], { cwd: REPO }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr });
    });
  });
}

// Each test spawns its own generate processes on its own folder, so they can run side by side.
describe('generate CLI', { concurrency: true }, () => {
  test('an override with an unknown key fails naming the file and the key, and writes nothing', async () => {
    const config = join(workspace, 'override.yaml');
    writeFileSync(config, 'rules:\n  QueueDepthCritcal:\n    for: 30s\n');
    const out = join(workspace, 'out');
    const result = await generate(['--out', out, '--no-readme', '--config', config]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`^generate: --config ${config}: .*QueueDepthCritcal`));
    assert.equal(existsSync(out), false);
  });

  test('an override file that is not valid JSON is reported as such', async () => {
    const config = join(workspace, 'override.json');
    writeFileSync(config, '{ "rules": ');
    const result = await generate(['lint', '--config', config]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`^generate: --config ${config}: not valid JSON: `));
  });

  test('generate writes out/, a second process finds it up to date, and --check names a hand-edited file', async () => {
    const out = join(workspace, 'real-out');
    const written = await generate(['--out', out, '--no-readme']);
    assert.equal(written.code, 0, written.stderr);
    assert.match(written.stdout, /^generate: \d+ files in .*real-out\/: \d+ written, 0 unchanged, 0 removed\n/);
    const checked = await generate(['--check', '--out', out, '--no-readme']);
    assert.equal(checked.code, 0, checked.stderr);
    appendFileSync(join(out, 'prometheus', 'alerting_rules.yaml'), '# edited by hand\n');
    const stale = await generate(['--check', '--out', out, '--no-readme']);
    assert.equal(stale.code, 1);
    assert.equal(stale.stderr.split('\n')[0], `stale:   ${out}/prometheus/alerting_rules.yaml differs from what the sources generate`);
  });
});
