// The CLI shell around the generator: a bad --config override fails with the file and the key named,
// before anything is generated or written.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
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
