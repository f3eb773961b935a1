// Deployment files often carry a copy of a generated dashboard or rule file (a GrafanaDashboard, a
// ConfigMap for the Grafana sidecar, a PrometheusRule, a Mimir ruler namespace, a Grafana API payload).
// A change to a dashboard or a rule is reported once, where it reads best; in the other files each exact
// copy of that side's dashboards, rule groups or Alertmanager configuration is replaced by a named
// placeholder before comparing, so a wrapper shows only its own changes, and a copy that did not follow
// its source shows as a change.

import { load } from 'js-yaml';
import { canonical, isObject } from './value-diff.ts';

/** canonical JSON of a generated document → the placeholder that stands for it. */
export type Copies = ReadonlyMap<string, string>;

export interface GeneratedDocuments {
  readonly dashboards: readonly { readonly file: string; readonly json: Record<string, unknown> }[];
  readonly ruleFiles: readonly { readonly file: string; readonly parsed: unknown }[];
  readonly alertmanager: unknown;
}

export function copiesOf(documents: GeneratedDocuments): Copies {
  const copies = new Map<string, string>();
  for (const { file, json } of documents.dashboards) copies.set(canonical(json), `«dashboard ${typeof json.uid === 'string' ? json.uid : file}»`);
  for (const { file, parsed } of documents.ruleFiles) {
    if (!isObject(parsed) || !Array.isArray(parsed.groups)) continue;
    copies.set(canonical(parsed), `«rules of ${file}»`);
    copies.set(canonical(parsed.groups), `«rule groups of ${file}»`);
    for (const group of parsed.groups.filter(isObject)) copies.set(canonical(group), `«rule group ${String(group.name)}»`);
  }
  if (isObject(documents.alertmanager) && Object.keys(documents.alertmanager).length > 0) {
    copies.set(canonical(documents.alertmanager), '«alertmanager configuration»');
  }
  return copies;
}

/** A string that holds a JSON or YAML document (a ConfigMap value), parsed; undefined otherwise. */
function parseEmbedded(text: string): unknown {
  const trimmed = text.trimStart();
  try {
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) return JSON.parse(text) as unknown;
    if (text.includes('\n')) return load(text);
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * `value` with every copy of a generated document replaced by its placeholder: a copy of this side's
 * document by `«dashboard uid»`, a copy of the other side's (a wrapper that did not follow its source) by
 * `«dashboard uid (the base version)»`.
 */
export function replaceCopies(value: unknown, own: Copies, other: { readonly copies: Copies; readonly side: 'base' | 'head' }): unknown {
  const placeholder = (document: unknown): string | undefined => {
    const key = canonical(document);
    const label = own.get(key);
    if (label !== undefined) return label;
    const stale = other.copies.get(key);
    return stale === undefined ? undefined : `${stale.slice(0, -1)} (the ${other.side} version)»`;
  };
  if (own.size + other.copies.size === 0) return value;
  if (typeof value === 'string') {
    const parsed = parseEmbedded(value);
    return typeof parsed === 'object' && parsed !== null ? (placeholder(parsed) ?? value) : value;
  }
  if (typeof value !== 'object' || value === null) return value;
  const label = placeholder(value);
  if (label !== undefined) return label;
  if (Array.isArray(value)) return value.map((item) => replaceCopies(item, own, other));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceCopies(item, own, other)]));
}
