import { describe } from '../util/validate';

/** One shard of a sweep: runs the pairs whose index mod `count` equals `index`. */
export interface Shard {
  index: number;
  count: number;
}

/** One (case, configuration) pair of a sweep. */
export interface SweepPair {
  /** caseIndex · configurations + configIndex: the deterministic order shards split. */
  index: number;
  caseIndex: number;
  configIndex: number;
  caseId: string;
  configId: string;
}

/**
 * Parses `i/n` (0 ≤ i < n): shard i of n.
 * @throws RangeError naming the value
 */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(String(text));
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || !(count >= 1) || !(index < count)) {
    throw new RangeError(`parseShard: a shard is i/n with 0 ≤ i < n (e.g. 0/2 and 1/2), got ${describe(text)}`);
  }
  return { index, count };
}

/**
 * Every (case, configuration) pair in the deterministic order case-major, configuration-minor
 * (index = caseIndex · configs + configIndex), keeping those of `shard` (index mod count = i).
 */
export function sweepPairs(cases: readonly { id: string }[], configs: readonly { id: string }[], shard: Shard = { index: 0, count: 1 }): SweepPair[] {
  if (!(Number.isInteger(shard.count) && shard.count >= 1 && Number.isInteger(shard.index) && shard.index >= 0 && shard.index < shard.count)) {
    throw new RangeError(`sweepPairs: shard must have 0 ≤ index < count, got ${shard.index}/${shard.count}`);
  }
  const out: SweepPair[] = [];
  cases.forEach((c, ci) =>
    configs.forEach((k, ki) => {
      const index = ci * configs.length + ki;
      if (index % shard.count === shard.index) out.push({ index, caseIndex: ci, configIndex: ki, caseId: c.id, configId: k.id });
    }),
  );
  return out;
}
