// `npm run generate` loads the generator and every module it compiles (dashboards, alerts, the Grafana SDK's
// ~250 CommonJS files, ~180 Kubernetes model modules, the PromQL parser…) as ONE file: an esbuild bundle of
// the entry and everything it imports. Loaded one by one through tsx's hooks, those ~560 modules were most of
// the command's time (bench/generate.ts). The bundle runs as one script with V8's code cache (the bytecode of
// the functions the last run compiled), as Node 22's module compile cache would; V8 checks that cache against
// the exact source and rejects it otherwise.
//
// The bundle is a cache, never a source. It is rebuilt whenever a file that went into it changed since it was
// built (a repository file's bytes, as esbuild read them, by their digest, which the type check's cache then
// takes too; a package file's size, modification time or inode), or tsconfig.json, the packages' lock, this
// file or Node's version did. Nothing else can change a bundle: the generator imports its modules statically
// (when esbuild cannot bundle something, the modules are imported one by one, as before). Files the generator
// reads at run time (README, package.json, out/) are read then.
//
// The esbuild is tsx's own: every module is transformed exactly as `node --import tsx` transforms it. The
// bundle's whitespace is minified (a third smaller to read and compile); stack traces keep the functions' names.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { type LazyPluginBuild, lazyRe2Plugin } from './bundle-lazy-re2.ts';
import { digestOnDisk, type SourceDigests, sourceDigest } from './source-digest.ts';
import { writeFileAtomically } from './write-output.ts';

export const defaultBundleCache = (root: string): string => join(root, 'node_modules', '.cache', 'genesys-generate', 'bundle');

/** What decides a bundle besides its files: tsconfig.json (how .ts is transformed), the installed packages
 * (esbuild's version among them; npm rewrites the lock on every install) and how this file bundles. */
const SETTINGS_FILES = ['tsconfig.json', 'node_modules/.package-lock.json', 'package-lock.json'];
const THIS_FILE = fileURLToPath(import.meta.url);

// Inside the bundle every module is one of many in a single file: `import.meta`, `__dirname` and `__filename`
// would all name the bundle. Each is redirected (esbuild `define`) to a per-module constant the loader plugin
// declares at the top of the module, holding the values of the module's own file. esbuild renames the
// constants apart, so every module sees its own.
const META = '__generateImportMeta';
const DIRNAME = '__generateDirname';
const FILENAME = '__generateFilename';

export type BundleOutcome =
  /** An earlier bundle of exactly these inputs was run. */
  | 'reused'
  /** The inputs changed (or no bundle existed): bundled again, then run. */
  | 'built'
  /** esbuild could not bundle the entry, or the bundle could not be stored: its modules were imported one by
   * one (through tsx), as before. */
  | 'unbundled';

export interface BundledImport<T> {
  readonly module: T;
  readonly outcome: BundleOutcome;
  /** Why the entry was not bundled (esbuild's first error, or the write's), when outcome is 'unbundled'. */
  readonly reason?: string;
  /** The repository files the bundle was built from (package files excluded), digested as the bundle's hash read
   * them: the type check's cache takes them instead of reading and hashing those files again. Empty when
   * 'unbundled'. */
  readonly sourceDigests: SourceDigests;
  /** V8's code cache for the bundle: absent, rejected by V8 (compiled from source), or used. */
  readonly codeCache: 'none' | 'rejected' | 'used';
  /** Call once the module's work is done: stores the bytecode V8 compiled, for the next run (when it had none). */
  keepCompiledCode(): void;
}

interface BundleRecord {
  /** Root-relative, '/'-separated paths of every bundled file. */
  readonly inputs: readonly string[];
  readonly hash: string;
  /** The bundle's file name in the cache folder. */
  readonly file: string;
}

interface EsbuildMessage {
  readonly text: string;
  readonly location?: { readonly file: string; readonly line: number; readonly column: number } | null;
}
interface EsbuildPluginBuild {
  onLoad(
    options: { filter: RegExp; namespace: string },
    callback: (args: { readonly path: string }) => { contents: Uint8Array | string; loader: 'default' },
  ): void;
}
/** The part of esbuild's API used here (typed here: esbuild is tsx's dependency, not ours). */
interface Esbuild {
  build(options: Record<string, unknown> & { plugins: { name: string; setup(build: EsbuildPluginBuild & LazyPluginBuild): void }[] }): Promise<{
    readonly outputFiles: readonly { readonly path: string; readonly contents: Uint8Array }[];
  }>;
}

/** tsx's esbuild, loaded only to bundle. */
function tsxEsbuild(): Esbuild {
  return createRequire(createRequire(import.meta.url).resolve('tsx'))('esbuild') as Esbuild;
}

const posix = (path: string): string => path.split(sep).join('/');

const isPackageFile = (path: string): boolean => path.startsWith('node_modules/') || path.includes('/node_modules/');

/** A file's size, modification time and inode (undefined when it is gone): what an install, a hand edit or a
 * replacement changes. Used for package files, ~470 of them: a stat costs a fraction of a read. */
function stat(path: string): string | undefined {
  try {
    const { size, mtimeNs, ino } = statSync(path, { bigint: true });
    return `${size} ${mtimeNs} ${ino}`;
  } catch {
    return undefined;
  }
}

/** A bundled file as the hash sees it: a repository file's digest (of its bytes: the files people edit, two saves
 * can share a modification time), a package file's stat. */
function fingerprint(root: string, path: string): string | undefined {
  if (isPackageFile(path)) return stat(join(root, path));
  return digestOnDisk(join(root, path));
}

function readOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** The hash of the settings and of the bundled files' fingerprints (undefined when one of them is gone). */
function hashOf(root: string, inputs: ReadonlyMap<string, string | undefined>): string | undefined {
  const hash = createHash('sha256');
  hash.update(`node ${process.versions.node}\0bundler ${stat(THIS_FILE)}\0`);
  for (const path of SETTINGS_FILES) hash.update(`${path} ${stat(join(root, path)) ?? '(missing)'}\0`);
  for (const path of [...inputs.keys()].sort()) {
    const print = inputs.get(path);
    if (print === undefined) return undefined;
    hash.update(`\0${path}\0${print}`);
  }
  return hash.digest('hex');
}

const currentFingerprints = (root: string, paths: readonly string[]): Map<string, string | undefined> =>
  new Map(paths.map((path) => [path, fingerprint(root, path)]));

/** The repository files' fingerprints (their digests; package files left out). */
function sourceDigestsOf(fingerprints: ReadonlyMap<string, string | undefined>): SourceDigests {
  const digests = new Map<string, string>();
  for (const [path, print] of fingerprints) if (!isPackageFile(path) && print !== undefined) digests.set(path, print);
  return digests;
}

function readRecord(file: string): BundleRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(file, 'utf8')) as Partial<BundleRecord>;
    if (!Array.isArray(record.inputs) || typeof record.hash !== 'string' || typeof record.file !== 'string') return undefined;
    return { inputs: record.inputs, hash: record.hash, file: record.file };
  } catch {
    return undefined;
  }
}

/** The code declaring a module's own `import.meta`, `__dirname` and `__filename` (only those it mentions). */
function moduleConstants(path: string, text: string): string {
  const lines: string[] = [];
  if (text.includes('import.meta')) {
    lines.push(`var ${META} = ${JSON.stringify({ url: pathToFileURL(path).href, dirname: dirname(path), filename: path })};`);
  }
  if (text.includes('__dirname')) lines.push(`var ${DIRNAME} = ${JSON.stringify(dirname(path))};`);
  if (text.includes('__filename')) lines.push(`var ${FILENAME} = ${JSON.stringify(path)};`);
  return lines.join(' ');
}

/** A hashbang, then a "use strict" directive, each with what precedes it: the constants go after them (a
 * directive is one only before any statement), on the same line, so the module's line numbers stay. */
const PROLOGUE = /^(#![^\n]*\n)?((?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*(['"])use strict\3;?)?/;

function withConstants(text: string, constants: string): string {
  const prologue = PROLOGUE.exec(text)?.[0] ?? '';
  return `${prologue}${constants}${text.slice(prologue.length)}`;
}

const WRAPPER_START = '(function (exports, require, module) {';
const WRAPPER_END = '})';

interface Build {
  readonly code: Buffer;
  /** Root-relative paths of every file esbuild read. */
  readonly inputs: readonly string[];
  /** The repository files among them, digested as read. */
  readonly sourceDigests: SourceDigests;
  /** The hash of the inputs as esbuild read them; undefined when a package file changed during the build. */
  readonly hash: string | undefined;
}

async function bundle(esbuild: Esbuild, root: string, entry: string): Promise<Build> {
  // Each file's fingerprint as esbuild read it: a repository file's digest is of the bytes bundled; a package
  // file is stat'ed before it is read, and again after the build.
  const inputs = new Map<string, string | undefined>();
  const tsconfig = join(root, 'tsconfig.json');
  const result = await esbuild.build({
    entryPoints: [join(root, entry)],
    absWorkingDir: root,
    ...(existsSync(tsconfig) ? { tsconfig } : {}),
    bundle: true,
    platform: 'node',
    // One CommonJS script: run with vm.Script, which takes V8's code cache (ES modules cannot, on Node 20).
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    write: false,
    outfile: join(root, 'bundle.cjs'), // not written; names the output
    // The file is the body of a function taking what a CommonJS module gets (see runBundle).
    banner: { js: WRAPPER_START },
    footer: { js: WRAPPER_END },
    legalComments: 'none',
    minifyWhitespace: true,
    logLevel: 'silent',
    define: { 'import.meta': META, __dirname: DIRNAME, __filename: FILENAME },
    plugins: [
      {
        name: 'fingerprinted-files',
        setup(build) {
          build.onLoad({ filter: /.*/, namespace: 'file' }, ({ path }) => {
            const relativePath = posix(relative(root, path));
            const packageStat = isPackageFile(relativePath) ? stat(path) : undefined;
            const content = readFileSync(path);
            inputs.set(relativePath, packageStat ?? sourceDigest(content));
            if (path.endsWith('.json')) return { contents: content, loader: 'default' };
            const text = content.toString('utf8');
            const constants = moduleConstants(path, text);
            return { contents: constants === '' ? content : withConstants(text, constants), loader: 'default' };
          });
        },
      },
      // re2-wasm's WebAssembly compiled on first use of an RE2 pattern, not on every run (bundle-lazy-re2.ts).
      lazyRe2Plugin,
    ],
  });
  const code = result.outputFiles[0]?.contents;
  if (code === undefined) throw new Error('esbuild produced no bundle');
  const unchanged = [...inputs].every(([path, print]) => !isPackageFile(path) || stat(join(root, path)) === print);
  return {
    code: asciiOnly(Buffer.from(code).toString('utf8')),
    inputs: [...inputs.keys()].sort(),
    sourceDigests: sourceDigestsOf(inputs),
    hash: unchanged ? hashOf(root, inputs) : undefined,
  };
}

/**
 * The bundle with every non-ASCII character written as a \u escape. esbuild's output is ASCII (charset
 * 'ascii', its default) except in the comments it keeps, where an escape is as readable. An ASCII file is
 * read as a one-byte string, which reads, hashes and compiles several times faster than UTF-16.
 */
function asciiOnly(code: string): Buffer {
  return Buffer.from(
    code.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`),
    'latin1',
  );
}

const firstError = (error: unknown): string => {
  const first = (error as { errors?: readonly EsbuildMessage[] } | null)?.errors?.[0];
  if (first === undefined) return error instanceof Error ? error.message : String(error);
  const where = first.location ? `${first.location.file}:${first.location.line}:${first.location.column}: ` : '';
  return `${where}${first.text}`;
};

/** Runs a bundle as CommonJS with the code cache stored next to it (when V8 accepts it). */
function runBundle<T>(root: string, file: string): Omit<BundledImport<T>, 'outcome' | 'sourceDigests'> {
  const codeCacheFile = `${file}.v8-code-cache`;
  const cachedData = readOrUndefined(codeCacheFile);
  // Bundles are written in ASCII (asciiOnly): read as Latin-1, the same text, without UTF-8's slow path.
  const script = new Script(readFileSync(file, 'latin1'), { filename: file, cachedData });
  const module = { exports: {} as T };
  // The bundle's `require` (Node's built-in modules) resolves from the repository.
  (script.runInThisContext() as (exports: T, require: NodeJS.Require, module: { exports: T }) => void)(
    module.exports,
    createRequire(join(root, 'package.json')),
    module,
  );
  return {
    module: module.exports,
    codeCache: cachedData === undefined ? 'none' : script.cachedDataRejected === true ? 'rejected' : 'used',
    keepCompiledCode() {
      if (cachedData !== undefined && script.cachedDataRejected !== true) return;
      try {
        writeFileAtomically(codeCacheFile, script.createCachedData());
      } catch {
        // Without it the next run compiles again; nothing else depends on it.
      }
    },
  };
}

/**
 * Loads `entry` (root-relative) from a bundle of it and everything it imports, cached in `cacheDir` and
 * rebuilt when any of its inputs changed. When esbuild cannot bundle it, imports it directly, module by module.
 */
export async function importBundled<T>(root: string, entry: string, cacheDir = defaultBundleCache(root)): Promise<BundledImport<T>> {
  const name = entry.replace(/\.[cm]?ts$/, '').replace(/[^A-Za-z0-9]+/g, '-');
  const recordFile = join(cacheDir, `${name}.json`);
  const record = readRecord(recordFile);
  if (record !== undefined && existsSync(join(cacheDir, record.file))) {
    const fingerprints = currentFingerprints(root, record.inputs);
    if (hashOf(root, fingerprints) === record.hash)
      return { ...runBundle<T>(root, join(cacheDir, record.file)), outcome: 'reused', sourceDigests: sourceDigestsOf(fingerprints) };
  }

  let file: string;
  let sourceDigests: SourceDigests;
  try {
    const built = await bundle(tsxEsbuild(), root, entry);
    sourceDigests = built.sourceDigests;
    // Named by its content, so a bundle and its code cache always belong together.
    file = `${name}-${createHash('sha256').update(built.code).digest('hex').slice(0, 16)}.cjs`;
    mkdirSync(cacheDir, { recursive: true });
    writeFileAtomically(join(cacheDir, file), built.code);
    // No record when a file changed during the build: the next run bundles again.
    if (built.hash !== undefined) writeFileAtomically(recordFile, JSON.stringify({ inputs: built.inputs, hash: built.hash, file } satisfies BundleRecord));
    else rmSync(recordFile, { force: true });
    removeOtherBundles(cacheDir, name, file);
  } catch (error) {
    // esbuild failed, or the cache folder is not writable: the same modules through tsx, as without the bundle
    // (a mistake in a module is then reported exactly as tsx reports it).
    const module = (await import(pathToFileURL(join(root, entry)).href)) as T;
    return { module, outcome: 'unbundled', reason: firstError(error), sourceDigests: new Map(), codeCache: 'none', keepCompiledCode: () => {} };
  }
  return { ...runBundle<T>(root, join(cacheDir, file)), outcome: 'built', sourceDigests };
}

/** Earlier bundles of the entry, superseded: removed so the cache holds one. */
function removeOtherBundles(cacheDir: string, name: string, keep: string): void {
  for (const file of readdirSync(cacheDir)) {
    if (file.startsWith(`${name}-`) && !file.startsWith(keep) && !file.endsWith('.tmp')) rmSync(join(cacheDir, file), { force: true });
  }
}
