// generate's type check, skipped when nothing it read has changed since it last passed. The check costs
// seconds (ts-morph parses the foundation SDK's declarations and @types/node, then checks), most of
// `npm run generate`; its result depends only on the files the program read, tsconfig.json and the installed
// packages. A pass is recorded with a hash of all of them, as they were checked; a later run whose files hash
// the same is that pass again. Failures are never recorded, so every type error is reported on every run and
// generate still refuses to write. The hash is over each file's digest (generator/source-digest.ts): the files
// generate's bundle already digested this run are taken from it, not read and hashed again.

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { digestOnDisk, type SourceDigests, sourceDigest } from './source-digest.ts';
import type { createTypeChecker } from './type-check.ts';
import { TYPE_CHECKED_FOLDERS, type TypeProblem } from './type-problem.ts';
import { writeFileAtomically } from './write-output.ts';

interface PassRecord {
  /** Repository-relative files the passing check read outside node_modules. */
  readonly inputs: string[];
  /** Over the inputs' and the settings' digests (hashOf). */
  readonly hash: string;
}

export interface CachedTypeCheck {
  readonly problems: TypeProblem[];
  /** true: an earlier pass over exactly these inputs was reused and the compiler was not loaded. */
  readonly reused: boolean;
}

export const defaultTypeCheckCache = (root: string): string => join(root, 'node_modules', '.cache', 'genesys-generate', 'type-check.json');

/** The installed packages (the compiler, the SDK's declarations, @types/node): npm rewrites this on every install. */
const INSTALLED_PACKAGES = ['node_modules/.package-lock.json', 'package-lock.json'];

/** The roots as the check finds them (every .ts under the checked folders): a new or removed file changes the hash. */
function rootFiles(root: string): string[] {
  return TYPE_CHECKED_FOLDERS.flatMap((folder) =>
    existsSync(join(root, folder))
      ? readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
          .filter((name) => name.endsWith('.ts'))
          .map((name) => relative(root, join(root, folder, name)))
      : [],
  ).sort();
}

/** What the check depends on besides the source files, digested: the root list, tsconfig.json and the installed packages. */
function settings(root: string): Map<string, string> {
  const packages = INSTALLED_PACKAGES.find((path) => existsSync(join(root, path)));
  return new Map([
    ['(root files)', sourceDigest(JSON.stringify(rootFiles(root)))],
    ...[...new Set(['tsconfig.json', ...(packages === undefined ? [] : [packages])])].map(
      (path) => [path, digestOnDisk(join(root, path)) ?? '(missing)'] as const,
    ),
  ]);
}

function hashOf(digests: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const path of [...digests.keys()].sort()) hash.update(`${path}\0${digests.get(path)}\0`);
  return hash.digest('hex');
}

/** The hash of the recorded inputs as they are now: digested earlier in this run (`digested`), or else on disk;
 * undefined when one is gone (the program changed). */
function currentHash(root: string, inputs: readonly string[], digested: SourceDigests): string | undefined {
  const digests = settings(root);
  for (const path of inputs) {
    const digest = digested.get(path) ?? digestOnDisk(join(root, path));
    if (digest === undefined) return undefined;
    digests.set(path, digest);
  }
  return hashOf(digests);
}

function readRecord(cacheFile: string): PassRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(cacheFile, 'utf8')) as Partial<PassRecord>;
    return Array.isArray(record.inputs) && typeof record.hash === 'string' ? { inputs: record.inputs, hash: record.hash } : undefined;
  } catch {
    return undefined;
  }
}

function writeRecord(cacheFile: string, record: PassRecord): void {
  try {
    mkdirSync(dirname(cacheFile), { recursive: true });
    writeFileAtomically(cacheFile, JSON.stringify(record));
  } catch {
    // Without a record the next run checks again; nothing else depends on it.
  }
}

/** Loads the compiler (generator/type-check.ts, ts-morph): passed in by the caller, so that this module can run
 * inside generate's bundle (generator/bundle.ts) while the compiler stays out of it. */
export type TypeCheckerLoader = () => Promise<{ readonly createTypeChecker: typeof createTypeChecker }>;

/**
 * The type check's problems, or none without checking when an earlier pass read exactly these inputs.
 * `digested`: repository files already digested in this run (generate's bundle: generator/bundle.ts), taken as
 * they are instead of reading them again. They are the bytes the generator's modules run from, so a file saved
 * since then is judged as it ran; the next run sees the new bytes.
 */
export async function typeCheckUnlessUnchanged(
  root: string,
  loadTypeChecker: TypeCheckerLoader,
  cacheFile = defaultTypeCheckCache(root),
  digested: SourceDigests = new Map(),
): Promise<CachedTypeCheck> {
  const record = readRecord(cacheFile);
  if (record !== undefined && currentHash(root, record.inputs, digested) === record.hash) return { problems: [], reused: true };
  // Read before the check, and the sources hashed as the compiler read them: a file saved during the check
  // makes the record disagree with the disk, so the next run checks again.
  const before = settings(root);
  // The compiler is loaded only here: a reused pass does not pay for importing ts-morph.
  const { createTypeChecker } = await loadTypeChecker();
  const { problems, inputs } = createTypeChecker(root)();
  if (problems.length === 0) {
    const digests = new Map([...before, ...[...inputs].map(([path, text]) => [path, sourceDigest(text)] as const)]);
    writeRecord(cacheFile, { inputs: [...inputs.keys()].sort(), hash: hashOf(digests) });
  }
  return { problems, reused: false };
}
