// generate runs its modules from a cached bundle (generator/bundle.ts): the bundle behaves as the modules do
// (each module's own import.meta and __dirname, strict mode kept), is rebuilt as soon as a bundled file or a
// package file changes, and what esbuild cannot bundle is imported module by module instead.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { importBundled } from '../../generator/bundle.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

const root = mkdtempSync(join(tmpdir(), 'generate-bundle-'));
after(() => rmSync(root, { recursive: true, force: true }));
const cache = join(root, 'cache');
const write = (path: string, text: string) => {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), text);
};

write('package.json', JSON.stringify({ type: 'module' }));
write('tsconfig.json', JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', allowImportingTsExtensions: true, noEmit: true } }));
write('lib/value.ts', 'export const value: number = 1;\n');
// A CommonJS package that reads __dirname, and proves it still runs in strict mode (its directive comes first).
write('node_modules/where/package.json', JSON.stringify({ name: 'where', main: 'index.js' }));
write('node_modules/where/index.js', "'use strict';\nexports.dirname = __dirname;\nexports.strict = (function () { return this === undefined; })();\n");
write(
  'entry.ts',
  [
    "import where from 'where';",
    "import { value } from './lib/value.ts';",
    "import { here } from './lib/here.ts';",
    'export const read = () => ({ value, entryUrl: import.meta.url, here, package: where });',
    '',
  ].join('\n'),
);
write('lib/here.ts', 'export const here = { url: import.meta.url, dirname: import.meta.dirname, filename: import.meta.filename };\n');

interface Entry {
  read(): { value: number; entryUrl: string; here: { url: string; dirname: string; filename: string }; package: { dirname: string; strict: boolean } };
}

const load = () => importBundled<Entry>(root, 'entry.ts', cache);

/**
 * Loads on a new thread: V8 keeps what this thread compiled and would not look at a code cache again, while a
 * worker thread is a V8 isolate of its own (its own heap and compilation cache), which finds only the code cache
 * on disk, as the next process does, without starting Node and tsx again. tsx is registered there first (a
 * worker thread does not inherit this thread's module hooks on Node 20).
 */
async function loadInNewThread(): Promise<{ outcome: string; codeCache: string; value: number }> {
  const script = `const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  (await import(workerData.tsx)).register();
  const { importBundled } = await import(workerData.bundle);
  const loaded = await importBundled(workerData.root, 'entry.ts', workerData.cache);
  loaded.keepCompiledCode();
  parentPort.postMessage({ outcome: loaded.outcome, codeCache: loaded.codeCache, value: loaded.module.read().value });
})();`;
  const workerData = { tsx: import.meta.resolve('tsx/esm/api'), bundle: pathToFileURL(join(REPO, 'generator/bundle.ts')).href, root, cache };
  const worker = new Worker(script, { eval: true, execArgv: [], workerData });
  try {
    const [reply] = (await once(worker, 'message')) as [{ outcome: string; codeCache: string; value: number }];
    return reply;
  } finally {
    await worker.terminate();
  }
}

describe('the generator bundle', () => {
  test('built once, then reused; every module keeps its own import.meta and __dirname', async () => {
    const first = await load();
    assert.equal(first.outcome, 'built');
    assert.deepEqual(first.module.read(), {
      value: 1,
      entryUrl: pathToFileURL(join(root, 'entry.ts')).href,
      here: { url: pathToFileURL(join(root, 'lib/here.ts')).href, dirname: join(root, 'lib'), filename: join(root, 'lib/here.ts') },
      package: { dirname: join(root, 'node_modules/where'), strict: true },
    });
    const second = await load();
    assert.deepEqual([second.outcome, second.module.read().value], ['reused', 1]);
  });

  test('a changed source file is bundled again, and the stale bundle is removed', async () => {
    write('lib/value.ts', 'export const value: number = 2;\n');
    const changed = await load();
    assert.deepEqual([changed.outcome, changed.module.read().value], ['built', 2]);
    assert.equal(readdirSync(cache).filter((file) => file.endsWith('.cjs')).length, 1);
    assert.equal((await load()).outcome, 'reused');
  });

  test('a package file with a new modification time is bundled again', async () => {
    utimesSync(join(root, 'node_modules/where/index.js'), new Date(), new Date(Date.now() + 5000));
    assert.equal((await load()).outcome, 'built');
    assert.equal((await load()).outcome, 'reused');
  });

  test('the next run (a new V8 isolate) runs on the code cache; one V8 rejects is compiled from source and replaced', async () => {
    assert.deepEqual(await loadInNewThread(), { outcome: 'reused', codeCache: 'none', value: 2 });
    assert.deepEqual(await loadInNewThread(), { outcome: 'reused', codeCache: 'used', value: 2 });
    const [bundle] = readdirSync(cache).filter((file) => file.endsWith('.cjs'));
    writeFileSync(join(cache, `${bundle}.v8-code-cache`), 'not bytecode');
    assert.deepEqual(await loadInNewThread(), { outcome: 'reused', codeCache: 'rejected', value: 2 });
    assert.deepEqual(await loadInNewThread(), { outcome: 'reused', codeCache: 'used', value: 2 });
  });

  test('what esbuild cannot bundle (top-level await in a CommonJS bundle) is imported module by module', async () => {
    write('lib/value.ts', 'export const value: number = await Promise.resolve(3);\n');
    const unbundled = await load();
    assert.equal(unbundled.outcome, 'unbundled');
    assert.match(unbundled.reason ?? '', /lib\/value\.ts:1:\d+: Top-level await/);
    assert.equal(unbundled.module.read().value, 3);
  });

  test('a cache folder that cannot be written: the modules are imported one by one', async () => {
    write('lib/value.ts', 'export const value: number = 4;\n');
    write('not-a-folder', 'a file where the cache folder would be\n');
    const unwritable = await importBundled<Entry>(root, 'entry.ts', join(root, 'not-a-folder', 'cache'));
    assert.equal(unwritable.outcome, 'unbundled');
    assert.match(unwritable.reason ?? '', /not-a-folder/);
    assert.equal(unwritable.module.read().entryUrl, pathToFileURL(join(root, 'entry.ts')).href);
  });
});

describe("the bundle's digests of the repository files, handed on to the type check's cache", () => {
  const sha256 = (path: string) =>
    createHash('sha256')
      .update(readFileSync(join(root, path)))
      .digest('hex');
  const expected = () => ({ 'entry.ts': sha256('entry.ts'), 'lib/here.ts': sha256('lib/here.ts'), 'lib/value.ts': sha256('lib/value.ts') });

  test('built and reused alike: every bundled repository file by its sha256, and no package file', async () => {
    write('lib/value.ts', 'export const value: number = 5;\n');
    const built = await load();
    assert.equal(built.outcome, 'built');
    assert.deepEqual(Object.fromEntries(built.sourceDigests), expected());
    const reused = await load();
    assert.equal(reused.outcome, 'reused');
    assert.deepEqual(Object.fromEntries(reused.sourceDigests), expected());
  });
});

describe('re2-wasm in the bundle: compiled on the first use of an RE2 pattern, not at load', () => {
  // The real Kubernetes model packages, through a temp root whose node_modules is the repository's.
  const lazyRoot = mkdtempSync(join(tmpdir(), 'generate-bundle-re2-'));
  after(() => rmSync(lazyRoot, { recursive: true, force: true }));
  symlinkSync(join(REPO, 'node_modules'), join(lazyRoot, 'node_modules'));
  writeFileSync(join(lazyRoot, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(
    join(lazyRoot, 'entry.ts'),
    [
      "import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';",
      '// A rule group\'s partial_response_strategy is checked with RE2 ("^(?i)(abort|warn)?$": RegExp cannot read (?i)).',
      'export function strategyProblem(strategy: string): string | undefined {',
      "  const rule = new PrometheusRule({ metadata: { name: 'r' }, spec: { groups: [{ name: 'g', rules: [], partial_response_strategy: strategy }] } });",
      '  try {',
      '    rule.validate();',
      '    return undefined;',
      '  } catch (error) {',
      '    return (error as Error).message;',
      '  }',
      '}',
      '',
    ].join('\n'),
  );

  test('loading the validators compiles no WebAssembly; the first pattern use compiles re2 once, and it checks as RE2', async () => {
    const original = WebAssembly.Module;
    let compiled = 0;
    WebAssembly.Module = new Proxy(original, {
      construct(target, args: ConstructorParameters<typeof WebAssembly.Module>) {
        compiled++;
        return new target(...args);
      },
    });
    try {
      const loaded = await importBundled<{ strategyProblem(strategy: string): string | undefined }>(lazyRoot, 'entry.ts', join(lazyRoot, 'cache'));
      assert.equal(loaded.outcome, 'built', loaded.reason);
      assert.equal(compiled, 0, 'no WebAssembly compiled while loading');
      assert.equal(loaded.module.strategyProblem('warn'), undefined);
      assert.equal(compiled, 1, 're2 compiled on the first use');
      assert.equal(loaded.module.strategyProblem('ABORT'), undefined, '(?i): RE2 semantics');
      assert.match(loaded.module.strategyProblem('sometimes') ?? '', /partial_response_strategy must match pattern "\^\(\?i\)\(abort\|warn\)\?\$"/);
      assert.equal(compiled, 1, 'one compile for every pattern and use');
    } finally {
      WebAssembly.Module = original;
    }
  });
});
