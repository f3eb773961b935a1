// The inputs the importer tests read: this project's generated dashboards, the hand-made fixtures, and the queries
// of a dashboard model in panel order.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const FIXTURES = join(import.meta.dirname, 'fixtures');
export const GENERATED = join(ROOT, 'out/dashboards');

export type Panelish = { targets?: { expr?: unknown }[]; panels?: Panelish[] };

/** Every query's expr, in panel order (rows' panels included). */
export function exprsOf(model: { panels?: Panelish[] }): string[] {
  const walk = (panels: Panelish[]): string[] => panels.flatMap((p) => [...walk(p.panels ?? []), ...(p.targets ?? []).map((t) => String(t.expr))]);
  return walk(model.panels ?? []);
}

/**
 * A folder for written modules inside node_modules/.cache, so they resolve the SDK and this repository's modules
 * like the repository's own; with a tsconfig that type-checks every module in it.
 */
export function moduleFolder(prefix: string): string {
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, `node_modules/.cache/${prefix}-`));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: join(ROOT, 'tsconfig.json'), include: ['*.ts'], exclude: [] }));
  return dir;
}
