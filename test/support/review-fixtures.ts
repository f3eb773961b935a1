// Fixture pairs for the review: the real generated files from out/, edited in memory the way a real
// change would edit them, so the fixtures stay as realistic as what `npm run generate` writes.

import { fileURLToPath } from 'node:url';
import { dump, load } from 'js-yaml';
import { DELIVERY_TARGET_FOLDERS } from '../../config/delivery-targets.ts';
import { compareTrees, type Tree } from '../../review/compare.ts';
import { renderMarkdown } from '../../review/markdown.ts';
import type { Review } from '../../review/model.ts';
import { readOutTree } from '../../review/out-tree.ts';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

const DERIVED_FOLDERS = Object.values(DELIVERY_TARGET_FOLDERS).map((folder) => `${folder}/`);

/** The committed out/ of this checkout, as the base side of every fixture pair, without the delivery
 * targets' wrappers: the generator derives those from the plain files, which the fixtures edit in memory
 * alone (a wrapper left behind would be a stale copy). The wrappers' own review is tested with wrappers
 * these tests build, and with the generator's real ones in test/targets/. */
export function realOut(): Map<string, string> {
  return new Map([...readOutTree(`${REPO}/out`)].filter(([path]) => !DERIVED_FOLDERS.some((folder) => path.startsWith(folder))));
}

/** Generated JSON/YAML as the fixtures edit it: any shape, checked by the assertions that use it. */
// biome-ignore lint/suspicious/noExplicitAny: fixtures reach into arbitrary generated JSON
export type JsonObject = Record<string, any>;

export function editJson(tree: Tree, path: string, edit: (json: JsonObject) => void): Map<string, string> {
  const text = tree.get(path);
  if (text === undefined) throw new Error(`fixture: ${path} is not in out/`);
  const json = JSON.parse(text) as JsonObject;
  edit(json);
  return new Map(tree).set(path, `${JSON.stringify(json, null, 2)}\n`);
}

/** Parses, edits and re-dumps a YAML file (which also reformats it: formatting must not show). */
export function editYaml(tree: Tree, path: string, edit: (yaml: JsonObject) => void): Map<string, string> {
  const text = tree.get(path);
  if (text === undefined) throw new Error(`fixture: ${path} is not in out/`);
  const yaml = load(text) as JsonObject;
  edit(yaml);
  return new Map(tree).set(path, dump(yaml, { lineWidth: -1, sortKeys: true }));
}

export function panel(dashboard: JsonObject, title: string): JsonObject {
  const found = (dashboard.panels as JsonObject[]).find((p) => p.title === title);
  if (found === undefined) throw new Error(`fixture: no panel titled "${title}" in ${dashboard.uid}`);
  return found;
}

export const SIDES = { base: { ref: 'main', commit: '0123456789abcdef' }, head: { ref: 'working tree', commit: '' } };

export function review(before: Tree, after: Tree): { review: Review; markdown: string } {
  const result = compareTrees(before, after, SIDES);
  return { review: result, markdown: renderMarkdown(result, { svgFor: (uid) => `${uid}.svg` }) };
}

/** The summary, dashboard headings and bullet lines of a review; code blocks left out. */
export function changeLines(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const marker = line.trim().match(/^(`{3,})/)?.[1];
    if (marker !== undefined) {
      fence = fence === undefined ? marker : marker === fence ? undefined : fence;
      continue;
    }
    if (fence !== undefined) continue;
    if (/^\s*- /.test(line) || line.startsWith('#### ') || line.startsWith('**')) lines.push(line);
  }
  return lines;
}

/** Every value of a JSON/YAML document with the keys of each object in reverse order. */
export function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    );
  }
  return value;
}
