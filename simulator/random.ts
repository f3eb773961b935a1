// A small seeded PRNG (sfc32) so a run can be reproduced from its seed. Math.random is never used by the
// model: one stray call would make two runs with the same seed diverge.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Exponentially distributed with the given mean (same unit as the mean). */
  exponential(mean: number): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** A uniformly chosen element; the array must not be empty. */
  pick<T>(items: readonly T[]): T;
  /** A version-4-shaped UUID drawn from this stream (deterministic, not cryptographic). */
  uuid(): string;
  /** An independent stream derived from this one and a label, so adding draws in one part of the model
   * does not shift the draws of another. */
  fork(label: string): Random;
}

function hashString(text: string): number {
  let h = 2166136261 >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}

export function createRandom(seed: number | string): Random {
  const s = typeof seed === 'number' ? `n${seed}` : `s${seed}`;
  let a = hashString(`${s}a`);
  let b = hashString(`${s}b`);
  let c = hashString(`${s}c`);
  let d = hashString(`${s}d`);
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    const t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    const r = (t + d) | 0;
    c = (c + r) | 0;
    return (r >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  const hex = (n: number): string =>
    Math.floor(next() * 16 ** n)
      .toString(16)
      .padStart(n, '0');
  const random: Random = {
    next,
    exponential: (mean) => -Math.log(1 - next()) * mean,
    uniform: (min, max) => min + next() * (max - min),
    chance: (p) => next() < p,
    pick: (items) => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + Math.floor(next() * 4)).toString(16)}${hex(3)}-${hex(6)}${hex(6)}`,
    fork: (label) => createRandom(`${s}/${label}/${Math.floor(next() * 2 ** 32)}`),
  };
  return random;
}
