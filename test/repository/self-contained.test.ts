// The repository stands alone: someone who clones it has nothing else, so no tracked file may point to
// the workspace it was written in (a sibling `shared` folder, team notes under /tmp), and every markdown
// document a file names, and every relative link in a markdown file, must exist in the repository.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(new URL('../../', import.meta.url).pathname);

/** Files git tracks or would track (new, not ignored) that exist in the working tree. */
function trackedTextFiles(): { path: string; text: string }[] {
  let listing: string;
  try {
    listing = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  } catch (error) {
    throw new Error(`test/repository needs a git checkout of the project (git ls-files failed in ${ROOT}): ${(error as Error).message}`);
  }
  const paths = listing.split('\0').filter((p) => p !== '' && !p.startsWith('node_modules/'));
  const files: { path: string; text: string }[] = [];
  for (const path of paths) {
    let bytes: Buffer;
    try {
      if (!statSync(join(ROOT, path)).isFile()) continue;
      bytes = readFileSync(join(ROOT, path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // deleted in the working tree
      throw error;
    }
    if (bytes.includes(0)) continue; // binary
    files.push({ path, text: bytes.toString('utf8') });
  }
  return files;
}

const FILES = trackedTextFiles();

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

// Spelled in pieces so that this file does not match itself.
const OUTSIDE_PATTERNS: readonly { pattern: RegExp; what: string }[] = [
  { pattern: new RegExp(`${['\\.\\.', 'shared'].join('/')}\\b`), what: 'a sibling "shared" folder of the workspace' },
  { pattern: new RegExp(`${['', 'work', 'shared'].join('/')}\\b`), what: "the workspace's shared folder" },
  { pattern: new RegExp(`${['', 'tmp', 'team'].join('/')}\\b`), what: 'team notes outside the repository' },
];

test('no tracked file points outside the repository', () => {
  assert.ok(FILES.length > 100, `expected the whole repository, found ${FILES.length} tracked text files`);
  const problems: string[] = [];
  for (const { path, text } of FILES) {
    for (const { pattern, what } of OUTSIDE_PATTERNS) {
      const global = new RegExp(pattern.source, 'g');
      for (const match of text.matchAll(global)) problems.push(`${path}:${lineOf(text, match.index)}: "${match[0]}" (${what})`);
    }
  }
  assert.deepEqual(problems, [], `move the facts into docs/ and point there instead:\n${problems.join('\n')}`);
});

/** Markdown file names mentioned anywhere (comments, docs, errors), not as part of a URL. */
const MARKDOWN_MENTION = /(?<![\w/.:-])((?:\.{1,2}\/)?[\w][\w./-]*\.md)\b(?![\w/-])/g;

/**
 * Whether a mention refers to a document rather than naming a file a program reads or writes (a
 * report's `review.md`, or a path alone in a string literal such as readFileSync('out/report.md')): a
 * name introduced by "see" or followed by a section sign always is; otherwise a path
 * (`docs/genesys-api.md`) or a conventional upper-case name (`README.md`) that is not a whole string literal.
 */
function isDocumentReference(mentioned: string, before: string, after: string): boolean {
  if (/\bsee\s+[`'"(]?$/i.test(before) || /^[`'")]?\s*§/.test(after)) return true;
  const quote = /['"]$/.exec(before)?.[0];
  if (quote !== undefined && after.startsWith(quote)) return false;
  return mentioned.includes('/') || /^[A-Z][A-Z0-9_-]*\.md$/.test(mentioned);
}

function resolvesInRepository(fromFile: string, target: string): boolean {
  const candidates = [resolve(ROOT, dirname(fromFile), target), resolve(ROOT, target)];
  return candidates.some((candidate) => !relative(ROOT, candidate).startsWith('..') && existsSync(candidate));
}

test('every markdown document a file names exists in the repository', () => {
  const problems: string[] = [];
  for (const { path, text } of FILES) {
    for (const match of text.matchAll(MARKDOWN_MENTION)) {
      const start = match.index;
      const before = text.slice(Math.max(0, start - 200), start);
      // Part of a URL (https://host/…/x.md) is someone else's document, not ours.
      if (/[a-z][a-z0-9+.-]*:\/\/\S*$/i.test(before)) continue;
      const mentioned = match[1]!;
      if (!isDocumentReference(mentioned, before, text.slice(start + mentioned.length, start + mentioned.length + 5))) continue;
      if (!resolvesInRepository(path, mentioned)) {
        problems.push(`${path}:${lineOf(text, start)}: names ${mentioned}, which is neither at ${join(dirname(path), mentioned)} nor at the repository root`);
      }
    }
  }
  assert.deepEqual(problems, [], `name documents by their path in this repository (e.g. docs/genesys-api.md):\n${problems.join('\n')}`);
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading === null) continue;
    const base = heading[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Inline links and images `[text](target)` outside code. */
function relativeLinks(markdown: string): { target: string; index: number }[] {
  const withoutCode = markdown.replace(/(```|~~~)[\s\S]*?\1/g, (block) => ' '.repeat(block.length)).replace(/`[^`\n]*`/g, (span) => ' '.repeat(span.length));
  const links: { target: string; index: number }[] = [];
  for (const match of withoutCode.matchAll(/!?\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = match[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
    links.push({ target, index: match.index });
  }
  return links;
}

test('relative links in markdown files resolve, anchors included', () => {
  const problems: string[] = [];
  let checked = 0;
  for (const { path, text } of FILES.filter((f) => f.path.endsWith('.md'))) {
    for (const { target, index } of relativeLinks(text)) {
      checked++;
      const [file = '', anchor] = target.split('#');
      const where = `${path}:${lineOf(text, index)}: link ${target}`;
      const absolute = file === '' ? join(ROOT, path) : resolve(ROOT, dirname(path), decodeURIComponent(file));
      if (relative(ROOT, absolute).startsWith('..')) {
        problems.push(`${where} leaves the repository`);
        continue;
      }
      if (!existsSync(absolute)) {
        problems.push(`${where}: ${relative(ROOT, absolute)} does not exist`);
        continue;
      }
      if (anchor !== undefined && anchor !== '' && absolute.endsWith('.md') && !headingAnchors(readFileSync(absolute, 'utf8')).has(anchor)) {
        problems.push(`${where}: ${relative(ROOT, absolute)} has no heading with anchor #${anchor}`);
      }
    }
  }
  assert.ok(checked > 10, `expected the docs to link to each other, found ${checked} relative links`);
  assert.deepEqual(problems, [], problems.join('\n'));
});

test('document references are told apart from file names a program writes', () => {
  // Built from pieces: the names must not appear whole in this file, which the scan above reads too.
  const md = (name: string): string => `${name}.md`;
  assert.equal(isDocumentReference(md('docs/genesys-api'), 'read ', ''), true);
  assert.equal(isDocumentReference(md('NOTES'), 'never assert speed (see ', ')'), true);
  assert.equal(isDocumentReference(md('api-facts'), 'shaped as in ', ' §4'), true);
  assert.equal(isDocumentReference(md('api-facts'), '(see ', ')'), true);
  assert.equal(isDocumentReference(md('review'), 'also write ', ' (or'), false);
  assert.equal(isDocumentReference(md('review-out/review'), "fs.readFileSync('", "', 'ut"), false);
  assert.equal(isDocumentReference(md('docs/genesys-api'), "error: 'see ", "'"), true);
  assert.equal(isDocumentReference(md('docs/genesys-api'), '[the API](', ')'), true);
});

test('the anchor rule matches GitHub on the headings the docs link to', () => {
  const anchors = headingAnchors(
    '# A title\n## History: conversation aggregates\n## Per-conversation details (not used)\n## 5. Check that it works\n```\n# not a heading\n```\n## A title\n',
  );
  assert.deepEqual([...anchors], ['a-title', 'history-conversation-aggregates', 'per-conversation-details-not-used', '5-check-that-it-works', 'a-title-1']);
});
