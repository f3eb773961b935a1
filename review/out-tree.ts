// One side of the review: the generated files of one checkout, read from the folder its generator
// wrote (`generate --out <tmp>`), classified by what they are so each kind gets its own comparison.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { load } from 'js-yaml';
import { isObject } from './value-diff.ts';

export class ReviewInputError extends Error {}

/** Every file under `dir`, by path relative to it with `/` separators, in sorted order. */
export function readOutTree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.set(relative(dir, path).split(sep).join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

type FileKind = 'dashboard' | 'rules' | 'alertmanager' | 'other';

/** Grafana dashboards are out/dashboards/*.json; rule files are out/prometheus/*.y(a)ml with `groups:`. */
function kindOf(path: string, text: string): FileKind {
  if (/^dashboards\/[^/]+\.json$/.test(path)) return 'dashboard';
  if (path === 'alertmanager/alertmanager.yml' || path === 'alertmanager/alertmanager.yaml') return 'alertmanager';
  if (/^prometheus\/[^/]+\.ya?ml$/.test(path)) {
    const parsed = parseYaml(path, text);
    if (isObject(parsed) && Array.isArray(parsed.groups)) return 'rules';
  }
  return 'other';
}

export function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ReviewInputError(`${path}: not valid JSON (${(error as Error).message})`);
  }
}

export function parseYaml(path: string, text: string): unknown {
  try {
    return load(text);
  } catch (error) {
    throw new ReviewInputError(`${path}: not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
}

/** The files of one side split by kind, each list sorted by path. */
export function classify(files: ReadonlyMap<string, string>): Record<FileKind, string[]> {
  const result: Record<FileKind, string[]> = { dashboard: [], rules: [], alertmanager: [], other: [] };
  for (const [path, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) result[kindOf(path, text)].push(path);
  return result;
}
