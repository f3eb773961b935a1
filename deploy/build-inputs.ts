// What `npm run build` reads, found by following relative imports from the build's entry point and from
// the build script itself. The Dockerfile's build stage copies exactly this from the context, so a new
// shared folder the exporter starts importing (say lib/) changes the generated Dockerfile, and
// `generate --check` fails until it is committed, instead of the image build failing later.

import { readFileSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_ENTRY } from './package-layout.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The build script and its compiler configuration (the script is run by tsx, not compiled). */
const BUILD_SCRIPT = 'scripts/build.ts';
const BUILD_CONFIG = ['tsconfig.json', 'tsconfig.build.json'] as const;

// `from './x.ts'`, `import './x.ts'`, `import('./x.ts')`: relative specifiers only (packages come from npm ci).
const RELATIVE_SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** Every source file reachable from `entry` (repository-relative, `/`-separated), the entry included. */
export function importClosure(entry: string): readonly string[] {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(`${ROOT}${file}`, 'utf8');
    for (const match of text.matchAll(RELATIVE_SPECIFIER)) {
      const target = posix.normalize(posix.join(dirname(file), match[1]!));
      if (target.startsWith('..')) throw new Error(`${file} imports ${match[1]}, outside the repository`);
      if (target.endsWith('.ts')) pending.push(target);
    }
  }
  return [...seen].sort();
}

/**
 * The context paths the build stage copies: the compiler configuration, the build script and what it
 * imports (single files), and every top-level folder holding a file the exporter's entry point reaches
 * (whole folders: readable COPY lines, and tsc only compiles what the entry reaches anyway).
 */
export function buildInputs(): readonly string[] {
  const topLevel = (file: string): string => (file.includes('/') ? `${file.slice(0, file.indexOf('/'))}/` : file);
  const entryInputs = new Set(importClosure(BUILD_ENTRY).map(topLevel));
  const scriptFiles = importClosure(BUILD_SCRIPT).filter((file) => !entryInputs.has(topLevel(file)));
  return [...BUILD_CONFIG, ...scriptFiles, ...[...entryInputs].sort()];
}
