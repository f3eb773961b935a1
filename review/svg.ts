// A picture of each changed dashboard: its 24-column grid before and after, every panel drawn at its
// gridPos with its id and title, coloured by what happened to it. Plain SVG, no fonts or scripts, the
// same bytes for the same input.

import type { Tree } from './compare.ts';
import type { DashboardChange } from './model.ts';
import { classify, parseJson } from './out-tree.ts';
import { type LaidOutPanel, layOut, panelTitle } from './layout.ts';
import { isObject } from './value-diff.ts';

const COLUMN = 16;
const ROW = 12;
const GRID_WIDTH = 24 * COLUMN;
const GAP = 32;
const MARGIN = 12;
const HEADER = 44;
const LEGEND = 40;
const LINE = 12;
/** Average width of a character at font-size 10, for cutting titles to fit. */
const CHAR = 5.6;

type Mark = 'unchanged' | 'changed' | 'added' | 'removed';
const FILL: Readonly<Record<Mark, { fill: string; stroke: string }>> = {
  unchanged: { fill: '#f1f3f4', stroke: '#9aa0a6' },
  changed: { fill: '#feefc3', stroke: '#e37400' },
  added: { fill: '#ceead6', stroke: '#188038' },
  removed: { fill: '#fad2cf', stroke: '#d93025' },
};
const MOVED = '#1a73e8';

const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function fit(text: string, widthPx: number, charPx = CHAR): string {
  const max = Math.max(1, Math.floor(widthPx / charPx));
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Words on up to `maxLines` lines of `widthPx`; the last line ends in … when the title is longer. */
function wrap(text: string, widthPx: number, maxLines: number): string[] {
  const perLine = Math.max(1, Math.floor(widthPx / CHAR));
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const candidate = current === '' ? word : `${current} ${word}`;
    if (candidate.length <= perLine || current === '') current = candidate;
    else {
      lines.push(current);
      current = word;
    }
  }
  lines.push(current);
  const kept = lines.slice(0, maxLines).map((line) => fit(line, widthPx));
  if (lines.length > maxLines) kept[maxLines - 1] = fit(`${kept[maxLines - 1]} ${lines[maxLines]}`, widthPx).replace(/…?$/, '…');
  return kept;
}

interface Marks {
  readonly mark: Map<number, Mark>;
  readonly moved: Set<number>;
}

function marksFor(change: DashboardChange, side: 'before' | 'after'): Marks {
  const mark = new Map<number, Mark>();
  const moved = new Set<number>();
  for (const panel of change.panels) {
    const id = side === 'before' ? (panel.previousId ?? panel.id) : panel.id;
    if (panel.status === 'added' && side === 'after') mark.set(id, 'added');
    if (panel.status === 'removed' && side === 'before') mark.set(id, 'removed');
    if (panel.status === 'changed') {
      const contentChanged = panel.changes.length > 0 || panel.queries.length > 0 || panel.resized !== undefined || panel.previousId !== undefined;
      if (contentChanged) mark.set(id, 'changed');
      if (panel.moved !== undefined) moved.add(id);
    }
  }
  return { mark, moved };
}

function drawGrid(panels: readonly LaidOutPanel[] | undefined, marks: Marks, originX: number, label: string): string[] {
  const out = [`<text x="${originX}" y="${HEADER - 8}" font-size="12" font-weight="bold">${escapeXml(label)}</text>`];
  const top = HEADER;
  if (panels === undefined) {
    out.push(`<text x="${originX}" y="${top + 16}" font-size="11" fill="#5f6368">(no dashboard on this side)</text>`);
    return out;
  }
  out.push(`<rect x="${originX}" y="${top}" width="${GRID_WIDTH}" height="${gridHeight(panels) * ROW}" fill="#ffffff" stroke="#dadce0"/>`);
  for (const p of panels) {
    if (p.collapsed) continue;
    const m = marks.mark.get(p.id) ?? 'unchanged';
    const x = originX + p.place.x * COLUMN;
    const y = top + p.place.y * ROW;
    const w = Math.max(p.place.w, 1) * COLUMN;
    const h = Math.max(p.place.h, 1) * ROW;
    const moved = marks.moved.has(p.id);
    const stroke = moved ? MOVED : FILL[m].stroke;
    const dash = moved ? ' stroke-dasharray="5 3"' : '';
    out.push(
      `<rect x="${x + 1}" y="${y + 1}" width="${w - 2}" height="${h - 2}" rx="2" fill="${FILL[m].fill}" stroke="${stroke}" stroke-width="${moved ? 2.5 : 1}"${dash}/>`,
    );
    const isRow = p.panel.type === 'row';
    const inner = isRow && Array.isArray(p.panel.panels) && p.panel.panels.length > 0 ? ` (collapsed, ${p.panel.panels.length})` : '';
    const text = `${isRow ? '▸ ' : ''}${p.id} · ${panelTitle(p.panel)}${inner}`;
    if (isRow) {
      out.push(`<text x="${x + 5}" y="${y + h / 2 + 4}" font-size="10" font-weight="bold">${escapeXml(fit(text, w - 10))}</text>`);
      continue;
    }
    const lines = wrap(text, w - 10, Math.max(1, Math.floor((h - 6) / LINE)));
    for (const [i, line] of lines.entries()) out.push(`<text x="${x + 5}" y="${y + 14 + i * LINE}" font-size="10">${escapeXml(line)}</text>`);
  }
  return out;
}

function gridHeight(panels: readonly LaidOutPanel[] | undefined): number {
  return Math.max(1, ...(panels ?? []).filter((p) => !p.collapsed).map((p) => p.place.y + Math.max(p.place.h, 1)));
}

function legend(y: number): string[] {
  const items: [string, string, string, boolean][] = [
    ['unchanged', FILL.unchanged.fill, FILL.unchanged.stroke, false],
    ['changed', FILL.changed.fill, FILL.changed.stroke, false],
    ['added', FILL.added.fill, FILL.added.stroke, false],
    ['removed', FILL.removed.fill, FILL.removed.stroke, false],
    ['moved (outline)', '#ffffff', MOVED, true],
  ];
  return items.flatMap(([name, fill, stroke, dashed], i) => {
    const x = MARGIN + i * 110;
    return [
      `<rect x="${x}" y="${y}" width="16" height="12" fill="${fill}" stroke="${stroke}"${dashed ? ' stroke-width="2.5" stroke-dasharray="5 3"' : ''}/>`,
      `<text x="${x + 22}" y="${y + 10}" font-size="11">${name}</text>`,
    ];
  });
}

function renderLayoutSvg(change: DashboardChange, before: unknown, after: unknown): string {
  const beforePanels = before === undefined ? undefined : layOut(before);
  const afterPanels = after === undefined ? undefined : layOut(after);
  const height = HEADER + Math.max(gridHeight(beforePanels), gridHeight(afterPanels)) * ROW + LEGEND;
  const width = MARGIN * 2 + GRID_WIDTH * 2 + GAP;
  const title = `${change.title} (${change.uid}): layout before and after`;
  const lines = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN}" y="16" font-size="13" font-weight="bold">${escapeXml(fit(title, width - 2 * MARGIN, 7))}</text>`,
    ...drawGrid(beforePanels, marksFor(change, 'before'), MARGIN, 'before'),
    ...drawGrid(afterPanels, marksFor(change, 'after'), MARGIN + GRID_WIDTH + GAP, 'after'),
    ...legend(height - LEGEND + 14),
    '</svg>',
  ];
  return `${lines.join('\n')}\n`;
}

/** File name of a dashboard's picture: its uid, made safe for a path. */
export const svgFileName = (uid: string): string => `${uid.replace(/[^A-Za-z0-9._-]/g, '_')}.svg`;

/** One picture per added, removed or changed dashboard, by uid. */
export function renderLayouts(dashboards: readonly DashboardChange[], before: Tree, after: Tree): Map<string, string> {
  const byUid = (tree: Tree, side: string): Map<string, unknown> => {
    const result = new Map<string, unknown>();
    for (const file of classify(tree).dashboard) {
      const json = parseJson(`${side} ${file}`, tree.get(file) ?? '');
      if (isObject(json) && typeof json.uid === 'string') result.set(json.uid, json);
    }
    return result;
  };
  const a = byUid(before, 'base');
  const b = byUid(after, 'head');
  return new Map(dashboards.map((d) => [d.uid, renderLayoutSvg(d, a.get(d.uid), b.get(d.uid))]));
}
