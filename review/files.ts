// Every other generated file (deployment manifests, provisioning, the scrape config): compared as data
// when both sides parse (JSON, or YAML documents matched by kind/namespace/name), so formatting, key
// order and comments are not changes; as a unified diff otherwise. Copies of generated dashboards and
// rules inside them are compared where they come from (review/embedded.ts).

import type { FileChange, ValueChange } from './model.ts';
import { type Copies, replaceCopies } from './embedded.ts';
import { unifiedLineDiff } from './line-diff.ts';
import { diffValues, isObject } from './value-diff.ts';
import { loadAll } from 'js-yaml';

function documentName(doc: unknown, index: number): string {
  if (isObject(doc) && typeof doc.kind === 'string' && isObject(doc.metadata) && typeof doc.metadata.name === 'string') {
    const namespace = typeof doc.metadata.namespace === 'string' ? `${doc.metadata.namespace}/` : '';
    return `${doc.kind} ${namespace}${doc.metadata.name}`;
  }
  return `document ${index + 1}`;
}

/** The file as data, or undefined when it is neither JSON nor YAML. YAML documents are keyed by name. */
function asData(path: string, text: string): unknown {
  try {
    if (path.endsWith('.json')) return JSON.parse(text) as unknown;
    if (/\.ya?ml$/.test(path)) {
      const docs = loadAll(text).filter((d) => d !== null && d !== undefined);
      if (docs.length === 1) return docs[0];
      return Object.fromEntries(docs.map((doc, i) => [documentName(doc, i), doc]));
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** `copies` are each side's generated documents: exact copies of them inside a file are not compared again. */
export function diffFile(
  path: string,
  before: string | undefined,
  after: string | undefined,
  copies: { readonly before: Copies; readonly after: Copies },
): FileChange | undefined {
  if (before === undefined && after === undefined) return undefined;
  if (before === undefined) return { path, status: 'added' };
  if (after === undefined) return { path, status: 'removed' };
  // Compared as data even when the text is the same: a copy of a dashboard that changed must change too.
  const a = asData(path, before);
  const b = asData(path, after);
  if (a !== undefined && b !== undefined) {
    const changes: ValueChange[] = diffValues(
      replaceCopies(a, copies.before, { copies: copies.after, side: 'head' }),
      replaceCopies(b, copies.after, { copies: copies.before, side: 'base' }),
    );
    return changes.length === 0 ? undefined : { path, status: 'changed', changes };
  }
  if (before === after) return undefined;
  return { path, status: 'changed', unifiedDiff: unifiedLineDiff(before, after, path) };
}
