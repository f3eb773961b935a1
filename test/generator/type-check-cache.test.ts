// generate skips its type check only when every file the check read is as it was at the last pass: a change
// in a file the checked modules import (not itself under dashboards/) is checked again and its error reported.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { typeCheckUnlessUnchanged } from '../../generator/type-check-cache.ts';

const loadTypeChecker = () => import('../../generator/type-check.ts');

const root = mkdtempSync(join(tmpdir(), 'type-check-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));
const cacheFile = join(root, 'cache', 'type-check.json');
const write = (path: string, text: string) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};
const COMPILER_OPTIONS = { strict: true, target: 'ES2022', module: 'NodeNext', allowImportingTsExtensions: true, noEmit: true, types: [], noLib: true }; // no lib: each check reads only these files
write('tsconfig.json', JSON.stringify({ compilerOptions: COMPILER_OPTIONS }));
write('lib/units.ts', "export type Unit = 'percentunit' | 's';\n");
write('dashboards/panel.ts', "import type { Unit } from '../lib/units.ts';\nexport const unit: Unit = 'percentunit';\n");

describe('type check of generate, reused while its inputs are unchanged', () => {
  test('the first run checks; the second, with nothing changed, reuses the pass', async () => {
    assert.deepEqual(await typeCheckUnlessUnchanged(root, loadTypeChecker, cacheFile), { problems: [], reused: false });
    assert.deepEqual(await typeCheckUnlessUnchanged(root, loadTypeChecker, cacheFile), { problems: [], reused: true });
  });

  test('a changed import outside the checked folders is checked again, and its error reported every run', async () => {
    write('lib/units.ts', "export type Unit = 's';\n");
    for (let run = 0; run < 2; run++) {
      const result = await typeCheckUnlessUnchanged(root, loadTypeChecker, cacheFile);
      assert.equal(result.reused, false);
      assert.equal(result.problems.length, 1, JSON.stringify(result.problems));
      assert.equal(result.problems[0]?.file, 'dashboards/panel.ts');
      assert.match(result.problems[0]?.message ?? '', /"percentunit"' is not assignable to type '"s"'/);
    }
  });

  test('back to the passing content, the recorded pass applies again; a new module or a tsconfig change is checked', async () => {
    write('lib/units.ts', "export type Unit = 'percentunit' | 's';\n");
    assert.deepEqual(await typeCheckUnlessUnchanged(root, loadTypeChecker, cacheFile), { problems: [], reused: true });
    write('alerts/rule.ts', "export const forDuration: number = '5m';\n");
    const added = await typeCheckUnlessUnchanged(root, loadTypeChecker, cacheFile);
    assert.deepEqual([added.reused, added.problems.map((p) => p.file)], [false, ['alerts/rule.ts']]);
    write('alerts/rule.ts', "export const forDuration = '5m';\n");
    assert.deepEqual(await typeCheckUnlessUnchanged(root, loadTypeChecker, cacheFile), { problems: [], reused: false });
    write('tsconfig.json', JSON.stringify({ compilerOptions: { ...COMPILER_OPTIONS, noUnusedLocals: true } }));
    assert.equal((await typeCheckUnlessUnchanged(root, loadTypeChecker, cacheFile)).reused, false);
  });
});

describe("the type check's cache takes the digests generate's bundle already read", () => {
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const compilerNotLoaded = () => Promise.reject(new Error('the compiler was loaded: the pass was not reused'));

  test('a file digested earlier in the run is not read again (here: gone from the disk since), and its digest decides', async () => {
    const units = readFileSync(join(root, 'lib/units.ts'), 'utf8');
    assert.deepEqual(await typeCheckUnlessUnchanged(root, loadTypeChecker, cacheFile), { problems: [], reused: true });
    rmSync(join(root, 'lib/units.ts'));
    try {
      const digested = new Map([['lib/units.ts', sha256(units)]]);
      assert.deepEqual(await typeCheckUnlessUnchanged(root, compilerNotLoaded, cacheFile, digested), { problems: [], reused: true });
      // A digest of other bytes than those checked: the check runs (here, the loader's refusal surfaces).
      const edited = new Map([['lib/units.ts', sha256(`${units}export type Other = 1;\n`)]]);
      await assert.rejects(typeCheckUnlessUnchanged(root, compilerNotLoaded, cacheFile, edited), /the compiler was loaded/);
    } finally {
      write('lib/units.ts', units);
    }
  });
});
