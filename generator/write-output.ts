// Atomic replacement of the output folder: everything is written into a temporary sibling folder, which
// is then renamed into place. A failure at any point leaves the previous folder as it was; files the
// generator no longer produces disappear with the old folder.

import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Artifact } from './contract.ts';
import { compareTree, isUpToDate, readTree, type TreeComparison } from './output-tree.ts';

/** A relative, `/`-separated path that stays inside the output folder. */
function assertSafePath(path: string): void {
  const parts = path.split('/');
  if (path === '' || path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\'))) {
    throw new Error(`refusing to write "${path}": artifact paths are relative and stay inside the output folder`);
  }
}

function writeTree(dir: string, artifacts: readonly Artifact[]): void {
  mkdirSync(dir, { recursive: true });
  for (const artifact of artifacts) {
    const file = join(dir, ...artifact.path.split('/'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, artifact.content, { flag: 'wx' });
  }
}

/** Writes the artifacts as the whole content of `outDir`; returns what changed compared with before. */
export function writeOutputAtomically(outDir: string, artifacts: readonly Artifact[]): TreeComparison {
  for (const artifact of artifacts) assertSafePath(artifact.path);
  const target = resolve(outDir);
  const comparison = compareTree(artifacts, readTree(target));
  if (isUpToDate(comparison)) return comparison;
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  const staging = join(dirname(target), `.${basename(target)}.staging-${suffix}`);
  const previous = join(dirname(target), `.${basename(target)}.previous-${suffix}`);
  try {
    writeTree(staging, artifacts);
    const hadPrevious = existsSync(target);
    if (hadPrevious) renameSync(target, previous);
    try {
      renameSync(staging, target);
    } catch (error) {
      if (hadPrevious) renameSync(previous, target);
      throw error;
    }
    rmSync(previous, { recursive: true, force: true });
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return comparison;
}

/** Replaces one file via a temporary sibling and a rename: a concurrent reader sees the old file or the new
 * one (the README's generated sections, generate's bundle and type-check caches). */
export function writeFileAtomically(file: string, content: string | Uint8Array): void {
  const temporary = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  } finally {
    rmSync(temporary, { force: true });
  }
}
