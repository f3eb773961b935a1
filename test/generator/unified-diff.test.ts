// The diff printed by `generate diff` is a real unified diff: `git apply` applies it and gets the new text.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { unifiedDiff } from '../../generator/unified-diff.ts';

const run = promisify(execFile);
let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'generator-diff-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const lines = (n: number): string => `${Array.from({ length: n }, (_, i) => `line ${i}`).join('\n')}\n`;

const cases: Record<string, [string, string]> = {
  'changes far apart (several hunks)': [
    lines(40),
    lines(40).replace('line 3\n', 'line three\n').replace('line 20\n', '').replace('line 39\n', 'line 39\nextra\n'),
  ],
  'insert at the start': [lines(5), `first\n${lines(5)}`],
  'delete at the end': [lines(8), lines(6)],
  'from an empty file': ['', lines(3)],
  'to an empty file': [lines(3), ''],
};

for (const [name, [before, after]] of Object.entries(cases)) {
  test(`git apply applies the diff: ${name}`, async () => {
    const fileName = `${name.replace(/\W+/g, '-')}.txt`;
    writeFileSync(join(dir, fileName), before);
    const diff = unifiedDiff(before, after, `a/${fileName}`, `b/${fileName}`);
    assert.notEqual(diff, '');
    writeFileSync(join(dir, `${fileName}.diff`), diff);
    await run('git', ['apply', `${fileName}.diff`], { cwd: dir });
    assert.equal(readFileSync(join(dir, fileName), 'utf8'), after);
  });
}

test('equal texts give no diff', () => {
  assert.equal(unifiedDiff(lines(3), lines(3), 'a', 'b'), '');
});
