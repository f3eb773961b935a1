// Where each panel sits, and which panels moved. A move is what a reader of the dashboard would call
// one: the panel changed row, changed column, or changed its place in the reading order (left to
// right, top to bottom) relative to the panels present on both sides. A y shift alone (a panel above
// grew, or was added or removed) is not a move; the reading order among the panels both sides share
// is compared with a longest common subsequence, so moving one panel marks that panel, not its
// neighbours.

import type { Place } from './model.ts';
import { isObject } from './value-diff.ts';

export interface LaidOutPanel {
  readonly id: number;
  readonly panel: Record<string, unknown>;
  readonly place: Place;
  /** The id of the row the panel belongs to (null above the first row, and for rows themselves). */
  readonly rowId: number | null;
  /** True for panels inside a collapsed row (their gridPos is relative to the row when expanded). */
  readonly collapsed: boolean;
}

function gridPos(panel: Record<string, unknown>): { x: number; y: number; w: number; h: number } {
  const pos = isObject(panel.gridPos) ? panel.gridPos : {};
  const n = (v: unknown): number => (typeof v === 'number' ? v : 0);
  return { x: n(pos.x), y: n(pos.y), w: n(pos.w), h: n(pos.h) };
}

const readingOrder = (a: { place: Place }, b: { place: Place }): number => a.place.y - b.place.y || a.place.x - b.place.x;

export const panelTitle = (panel: Record<string, unknown>): string => (typeof panel.title === 'string' ? panel.title : '');

/** The panels of a dashboard (rows and the panels of collapsed rows included), in reading order. */
export function layOut(dashboard: unknown): LaidOutPanel[] {
  const top = (isObject(dashboard) && Array.isArray(dashboard.panels) ? dashboard.panels : []).filter(isObject);
  const sorted = top.map((panel) => ({ panel, place: { row: null, ...gridPos(panel) } })).sort(readingOrder);
  const result: LaidOutPanel[] = [];
  let row: { id: number; title: string } | null = null;
  for (const { panel, place } of sorted) {
    const id = typeof panel.id === 'number' ? panel.id : Number.NaN;
    if (panel.type === 'row') {
      row = { id, title: panelTitle(panel) };
      result.push({ id, panel, place, rowId: null, collapsed: false });
      for (const inner of (Array.isArray(panel.panels) ? panel.panels : []).filter(isObject)) {
        const innerId = typeof inner.id === 'number' ? inner.id : Number.NaN;
        result.push({ id: innerId, panel: inner, place: { row: row.title, ...gridPos(inner) }, rowId: row.id, collapsed: true });
      }
      continue;
    }
    result.push({ id, panel, place: { ...place, row: row?.title ?? null }, rowId: row?.id ?? null, collapsed: false });
  }
  return result;
}

/** Indexes of `a` that are part of one longest common subsequence of `a` and `b`. */
function lcsMembers(a: readonly number[], b: readonly number[]): Set<number> {
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      const row = table[i] as number[];
      row[j] = a[i] === b[j] ? ((table[i + 1] as number[])[j + 1] as number) + 1 : Math.max((table[i + 1] as number[])[j] as number, row[j + 1] as number);
    }
  }
  const kept = new Set<number>();
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      kept.add(a[i] as number);
      i++;
      j++;
    } else if (((table[i + 1] as number[])[j] as number) >= ((table[i] as number[])[j + 1] as number)) i++;
    else j++;
  }
  return kept;
}

/**
 * Panel ids (keys of `pairs`: after id → before id) that moved. `before` and `after` are the laid-out
 * panels of each side; pairs are the panels present on both.
 */
export function movedPanels(before: readonly LaidOutPanel[], after: readonly LaidOutPanel[], pairs: ReadonlyMap<number, number>): Set<number> {
  const beforeById = new Map(before.map((p) => [p.id, p]));
  const moved = new Set<number>();
  const sameRow = new Map<string, number[]>();
  for (const panel of after) {
    const beforeId = pairs.get(panel.id);
    const old = beforeId === undefined ? undefined : beforeById.get(beforeId);
    if (old === undefined) continue;
    const oldRow = old.rowId === null ? null : ([...pairs].find(([, b]) => b === old.rowId)?.[0] ?? `gone:${old.rowId}`);
    if (oldRow !== panel.rowId || old.place.x !== panel.place.x) {
      moved.add(panel.id);
      continue;
    }
    const scope = `${panel.rowId}`;
    sameRow.set(scope, [...(sameRow.get(scope) ?? []), panel.id]);
  }
  for (const ids of sameRow.values()) {
    const members = new Set(ids);
    const afterOrder = after.filter((p) => members.has(p.id)).map((p) => p.id);
    const beforeOrder = before.map((p) => [...pairs].find(([, b]) => b === p.id)?.[0]).filter((id): id is number => id !== undefined && members.has(id));
    const kept = lcsMembers(afterOrder, beforeOrder);
    for (const id of afterOrder) if (!kept.has(id)) moved.add(id);
  }
  return moved;
}
