// A unified diff (as `diff -u` prints it) between two texts, for `generate diff`. Common prefix and
// suffix are trimmed first, so the quadratic LCS only runs over the changed middle of a file.

type Edit = { readonly kind: ' ' | '-' | '+'; readonly line: string };

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function lcsEdits(a: readonly string[], b: readonly string[]): Edit[] {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] =
        a[i] === b[j] ? (table[(i + 1) * width + j + 1] ?? 0) + 1 : Math.max(table[(i + 1) * width + j] ?? 0, table[i * width + j + 1] ?? 0);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      edits.push({ kind: ' ', line: a[i] ?? '' });
      i++;
      j++;
    } else if (i < a.length && (j === b.length || (table[(i + 1) * width + j] ?? 0) >= (table[i * width + j + 1] ?? 0))) {
      edits.push({ kind: '-', line: a[i] ?? '' });
      i++;
    } else {
      edits.push({ kind: '+', line: b[j] ?? '' });
      j++;
    }
  }
  return edits;
}

function edits(a: readonly string[], b: readonly string[]): Edit[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const same = (lines: readonly string[]): Edit[] => lines.map((line) => ({ kind: ' ', line }));
  return [...same(a.slice(0, start)), ...lcsEdits(a.slice(start, a.length - end), b.slice(start, b.length - end)), ...same(a.slice(a.length - end))];
}

/** `--- a/…`/`+++ b/…` and hunks with `context` lines around each change; '' when the texts are equal. */
export function unifiedDiff(oldText: string, newText: string, oldName: string, newName: string, context = 3): string {
  if (oldText === newText) return '';
  const all = edits(splitLines(oldText), splitLines(newText));
  const changed = all.map((e, index) => (e.kind === ' ' ? -1 : index)).filter((index) => index >= 0);
  const hunks: { from: number; to: number }[] = [];
  for (const index of changed) {
    const from = Math.max(0, index - context);
    const to = Math.min(all.length, index + context + 1);
    const last = hunks[hunks.length - 1];
    if (last !== undefined && from <= last.to) last.to = Math.max(last.to, to);
    else hunks.push({ from, to });
  }
  const out = [`--- ${oldName}`, `+++ ${newName}`];
  let oldLine = 1;
  let newLine = 1;
  let position = 0;
  for (const hunk of hunks) {
    for (; position < hunk.from; position++) {
      const kind = all[position]?.kind;
      if (kind !== '+') oldLine++;
      if (kind !== '-') newLine++;
    }
    const slice = all.slice(hunk.from, hunk.to);
    const oldCount = slice.filter((e) => e.kind !== '+').length;
    const newCount = slice.filter((e) => e.kind !== '-').length;
    out.push(`@@ -${oldCount === 0 ? oldLine - 1 : oldLine},${oldCount} +${newCount === 0 ? newLine - 1 : newLine},${newCount} @@`);
    for (const e of slice) {
      out.push(`${e.kind}${e.line}`);
      if (e.kind !== '+') oldLine++;
      if (e.kind !== '-') newLine++;
    }
    position = hunk.to;
  }
  return `${out.join('\n')}\n`;
}
