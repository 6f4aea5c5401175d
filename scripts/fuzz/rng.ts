/**
 * The fuzzer's randomness: one seeded PRNG per case (mulberry32), so that case `n` of seed `s`
 * of a target is the same on every machine and every run, whatever ran before it.
 */
import { mulberry32 } from '../../shared/util/mulberry32';

/** A seeded random source with the helpers the generators use. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** An integer in [lo, hi] (both included). */
  int(lo: number, hi: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One entry of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A fresh 32-bit seed (for a sub-generator). */
  seed(): number;
}

/** A random source from a 32-bit seed. */
export function rngFrom(seed: number): Rng {
  const next = mulberry32(seed);
  const rng: Rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    seed: () => Math.floor(next() * 2 ** 32) >>> 0,
  };
  return rng;
}

/** FNV-1a of a string, for mixing a target's name into its seeds. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/** The seed of case `index` of `target` in a campaign with seed `seed` (independent of every other case). */
export function caseSeed(seed: number, target: string, index: number): number {
  let h = (fnv1a(target) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (index >>> 0), 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
