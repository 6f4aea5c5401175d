import { describe, expect, it } from 'vitest';
import { recommendMargin } from '../../../shared/recommend/recommendMargin';
import { compareMaps } from '../../../shared/reevaluate/compareMaps';

/** A 12×12 map: `base` inside, `border` on the outer `ring` voxels. */
function ringMap(base: number, border: number, ring: number): { data: Float64Array; shape: number[] } {
  const data = new Float64Array(144);
  for (let y = 0; y < 12; y++) for (let x = 0; x < 12; x++) data[y * 12 + x] = Math.min(y, x, 11 - y, 11 - x) < ring ? border : base;
  return { data, shape: [12, 12] };
}

describe('compareMaps (old vs new patch performance map)', () => {
  it('gives the difference map and the recommendation before and after', () => {
    const before = ringMap(0.1, 0.1, 0); // flat: keep the whole patch
    const after = ringMap(0.1, 0.5, 2); // an edit showed the border is worse
    const c = compareMaps(before, after);
    expect(c.shape).toEqual([12, 12]);
    expect(c.difference[0]).toBeCloseTo(0.4, 12);
    expect(c.difference[6 * 12 + 6]).toBe(0);
    expect(c.maxAbsDifference).toBeCloseTo(0.4, 12);
    expect(c.meanDifference).toBeCloseTo((0.4 * (144 - 64)) / 144, 12);
    expect(c.before).toEqual(recommendMargin(before));
    expect(c.after).toEqual(recommendMargin(after));
    expect(c.before.margin).toEqual([0, 0]);
    expect(c.after.margin).toEqual([2, 2]);
    expect(c.marginChanged).toBe(true);
    expect(compareMaps(after, after).marginChanged).toBe(false);
    expect(compareMaps(before, after, { tolerance: 10 }).after.margin).toEqual([0, 0]);
  });

  it('names what is wrong', () => {
    expect(() => compareMaps(ringMap(0, 0, 0), { data: new Float64Array(4), shape: [2, 2] })).toThrow("compareMaps: the maps' shapes differ: [12,12] vs [2,2]");
    expect(() => compareMaps({ data: new Float64Array(3), shape: [2, 2] }, { data: new Float64Array(4), shape: [2, 2] })).toThrow('compareMaps: shape [2,2] needs 4 values, got 3 and 4');
  });
});
