// Biome, run the way the module writer and its tests need it: the platform's own binary, started directly.
// node_modules/.bin/biome is a Node script that starts Node, runs `ldd --version` through a shell to tell musl from
// glibc and only then starts this binary: three processes and ~0.3 s of CPU per call for a format that takes ~0.05 s.

import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);

let binary: string | undefined;

/** The biome executable: $BIOME_BINARY (as the npm script honours it), else the platform package the npm script would pick. */
export function biomeBinary(): string {
  if (binary !== undefined) return binary;
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  const musl = process.platform === 'linux' && report?.header?.glibcVersionRuntime === undefined;
  const name = `@biomejs/cli-${process.platform}-${process.arch}${musl ? '-musl' : ''}/biome${process.platform === 'win32' ? '.exe' : ''}`;
  try {
    binary = process.env.BIOME_BINARY || require.resolve(name);
  } catch {
    // Not the layout npm installs: the npm script finds it.
    binary = join(ROOT, 'node_modules/.bin/biome');
  }
  return binary;
}

/** Formats TypeScript source with the repository's biome configuration. */
export function formatWithBiome(source: string): string {
  return execFileSync(biomeBinary(), ['format', '--stdin-file-path=imported.ts'], { cwd: ROOT, input: source, encoding: 'utf8' });
}
