// Reading an output folder and comparing it with what the generator would write.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Artifact } from './contract.ts';

/** Every file under `dir` as path (relative, `/`-separated) → content; empty when `dir` does not exist. */
export function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  if (!existsSync(dir)) return files;
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(dir, relative), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (statSync(join(dir, path)).isFile()) files.set(path, readFileSync(join(dir, path), 'utf8'));
    }
  };
  walk('');
  return files;
}

export interface TreeComparison {
  readonly stale: readonly string[];
  readonly missing: readonly string[];
  readonly extra: readonly string[];
  readonly unchanged: readonly string[];
}

export function compareTree(artifacts: readonly Artifact[], existing: ReadonlyMap<string, string>): TreeComparison {
  const expected = new Set(artifacts.map((a) => a.path));
  const stale: string[] = [];
  const missing: string[] = [];
  const unchanged: string[] = [];
  for (const artifact of artifacts) {
    const current = existing.get(artifact.path);
    if (current === undefined) missing.push(artifact.path);
    else if (current === artifact.content) unchanged.push(artifact.path);
    else stale.push(artifact.path);
  }
  const extra = [...existing.keys()].filter((path) => !expected.has(path)).sort();
  return { stale, missing, extra, unchanged };
}

export const isUpToDate = (c: TreeComparison): boolean => c.stale.length + c.missing.length + c.extra.length === 0;
