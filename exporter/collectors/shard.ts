// Sharding past one exporter: N replicas each export the queues whose shard is theirs, so together they
// cover every queue exactly once and each keeps its own request budget.
//
// A queue's shard is the first 4 bytes of SHA-256 over the UTF-8 queue id, read as an unsigned big-endian
// 32-bit integer, modulo N. Why these choices:
// - the queue id, never the name: a renamed queue must not move to another replica (its series would jump
//   from one instance to another, and for a refresh interval both or neither would export it);
// - SHA-256, not a fast non-cryptographic hash: its every output bit depends on every input byte, so any
//   id format (UUIDs, sequential test ids) spreads evenly for every N. FNV-1a's lowest bit, for one, is only
//   the parity of the input bytes. The cost (~1 µs per id, once per queue-list refresh) does not matter;
// - nothing process-specific (no seed): the same id is on the same shard after a restart, on another
//   machine, in another language. Shell check: `printf %s "$ID" | sha256sum | cut -c1-8` → hex → mod N.
import { createHash } from 'node:crypto';

/** This replica's part of the queues: `index` in [0, count). `{index: 0, count: 1}` = every queue. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export const WHOLE_ORG: Shard = { index: 0, count: 1 };

/** Largest shard count accepted: far past any org's need (10 shards × 10,000 queues), small enough to catch typos. */
const MAX_SHARD_COUNT = 1000;

/** The 32-bit hash of a queue id that decides its shard (see the file comment). */
export function queueIdHash(queueId: string): number {
  return createHash('sha256').update(queueId, 'utf8').digest().readUInt32BE(0);
}

/** Index of the shard a queue belongs to, out of `count`. */
export function shardOf(queueId: string, count: number): number {
  return queueIdHash(queueId) % count;
}

export function inShard(queueId: string, shard: Shard): boolean {
  return shard.count === 1 || shardOf(queueId, shard.count) === shard.index;
}

/** "1/4": how the flag spells it, and how logs and the not-ready reason name a shard. */
export function formatShard(shard: Shard): string {
  return `${shard.index}/${shard.count}`;
}

/**
 * Parses "i/N" as given to --collector.queues.shard. Returns the problem (without the flag name, which the
 * caller adds) instead of throwing, so the config layer keeps its one error type.
 */
export function parseShard(text: string): Shard | { readonly error: string } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!match) return { error: 'must be "i/N": this replica\'s index i and the number of replicas N, e.g. 0/2 and 1/2 for two replicas (default 0/1)' };
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARD_COUNT) return { error: `has N=${count}; the number of replicas N must be from 1 to ${MAX_SHARD_COUNT}` };
  if (index >= count) {
    return { error: `has i=${index}, which must be less than N=${count}: replicas are numbered 0 to ${count - 1}` };
  }
  return { index, count };
}
