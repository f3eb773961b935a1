// The files the image's build stage copies (deploy/build-inputs.ts, found by following imports) must hold
// everything the compiler reads for the build: checked against the compiler's own list.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildInputs, importClosure } from '../../../deploy/build-inputs.ts';
import { BUILD_ENTRY } from '../../../deploy/package-layout.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

describe('build inputs', () => {
  it('tsconfig.build.json compiles exactly the entry point the closure starts from', () => {
    const text = readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '');
    const config = JSON.parse(text) as { files: string[]; include: string[] };
    assert.deepEqual(config.files, [BUILD_ENTRY]);
    assert.deepEqual(config.include, [], 'nothing inherited from tsconfig.json include');
  });

  it('cover every source file the compiler reads for the build', () => {
    const listed = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--listFilesOnly'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.equal(listed.status, 0, listed.stderr);
    const compiled = listed.stdout
      .split('\n')
      .filter((line) => line !== '' && !line.includes('/node_modules/'))
      .map((path) => relative(ROOT, path));
    assert.ok(compiled.includes(BUILD_ENTRY), 'the compiler list is read');
    const closure = new Set(importClosure(BUILD_ENTRY));
    assert.deepEqual(
      compiled.filter((file) => !closure.has(file)),
      [],
      'compiled but not found by following imports',
    );
    const inputs = buildInputs();
    const copied = (file: string): boolean => inputs.some((input) => (input.endsWith('/') ? file.startsWith(input) : file === input));
    assert.deepEqual(
      compiled.filter((file) => !copied(file)),
      [],
      'compiled but not copied into the build stage',
    );
  });
});
