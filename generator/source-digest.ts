// A source file's digest, shared by generate's two caches (the module bundle, generator/bundle.ts, and the type
// check, generator/type-check-cache.ts): the bundle digests every repository file it runs, and hands the digests
// on, so the type check reads and hashes none of them again.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Repository-relative, '/'-separated path → sourceDigest of the file's bytes, as read once in this run. */
export type SourceDigests = ReadonlyMap<string, string>;

/** sha256 of the bytes (a string counts as its UTF-8 bytes: a file read as text digests as the file does). */
export const sourceDigest = (content: Uint8Array | string): string => createHash('sha256').update(content).digest('hex');

/** A file's digest as it is on disk; undefined when it is gone. */
export function digestOnDisk(path: string): string | undefined {
  try {
    return sourceDigest(readFileSync(path));
  } catch {
    return undefined;
  }
}
