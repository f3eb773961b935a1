// A unified diff (3 lines of context) for files that are neither JSON nor YAML.

const CONTEXT = 3;
/** Above this many line pairs the LCS table is not built; the file is shown as replaced. */
const MAX_CELLS = 4_000_000;

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string; readonly a: number; readonly b: number };

function operations(a: readonly string[], b: readonly string[]): Op[] {
  if (a.length * b.length > MAX_CELLS) {
    return [...a.map((line, i): Op => ({ kind: '-', line, a: i, b: 0 })), ...b.map((line, j): Op => ({ kind: '+', line, a: a.length, b: j }))];
  }
  const table = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    const row = table[i] as Uint32Array;
    const next = table[i + 1] as Uint32Array;
    for (let j = b.length - 1; j >= 0; j--) row[j] = a[i] === b[j] ? (next[j + 1] as number) + 1 : Math.max(next[j] as number, row[j + 1] as number);
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push({ kind: ' ', line: a[i++] as string, a: i - 1, b: j++ });
    else if (i < a.length && (j >= b.length || ((table[i + 1] as Uint32Array)[j] as number) >= ((table[i] as Uint32Array)[j + 1] as number)))
      ops.push({ kind: '-', line: a[i++] as string, a: i - 1, b: j });
    else ops.push({ kind: '+', line: b[j++] as string, a: i, b: j - 1 });
  }
  return ops;
}

export function unifiedLineDiff(before: string, after: string, path: string): string {
  const split = (text: string): string[] => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));
  const ops = operations(split(before), split(after));
  const changed = ops.map((op, index) => (op.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) return '';
  const lines = [`--- a/${path}`, `+++ b/${path}`];
  let start = 0;
  while (start < changed.length) {
    let end = start;
    while (end + 1 < changed.length && (changed[end + 1] as number) - (changed[end] as number) <= 2 * CONTEXT) end++;
    const from = Math.max(0, (changed[start] as number) - CONTEXT);
    const to = Math.min(ops.length - 1, (changed[end] as number) + CONTEXT);
    const hunk = ops.slice(from, to + 1);
    const aCount = hunk.filter((op) => op.kind !== '+').length;
    const bCount = hunk.filter((op) => op.kind !== '-').length;
    const first = hunk[0] as Op;
    lines.push(`@@ -${first.a + (aCount > 0 ? 1 : 0)},${aCount} +${first.b + (bCount > 0 ? 1 : 0)},${bCount} @@`);
    for (const op of hunk) lines.push(`${op.kind}${op.line}`);
    start = end + 1;
  }
  return lines.join('\n');
}
