import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PerformanceMap } from '../../../shared/index';

describe('PerformanceMap', () => {
  it('sums over the batch axis only and counts patches', () => {
    const m = new PerformanceMap([2, 3], 'absoluteError');
    m.add([1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60], 2);
    m.add([0, 0, 0, 0, 0, 3]);
    expect(m.count).toBe(3);
    expect(Array.from(m.sum)).toEqual([11, 22, 33, 44, 55, 69]);
    expect(Array.from(m.mean())).toEqual([11 / 3, 22 / 3, 11, 44 / 3, 55 / 3, 23]);
  });

  it('mean() before anything was added is a clear error', () => {
    expect(() => new PerformanceMap([4]).mean()).toThrow(/PerformanceMap.mean: no patches were added yet/);
  });

  it('rejects values of the wrong size, bad batch sizes and bad shapes', () => {
    const m = new PerformanceMap([2, 2]);
    expect(() => m.add([1, 2, 3], 1)).toThrow(/expected 1×4 values for 1 patch\(es\) of shape \[2, 2\], got 3/);
    expect(() => m.add([1, 2, 3, 4], 0)).toThrow(/batchSize must be a positive integer/);
    expect(() => new PerformanceMap([2, 0])).toThrow(/PerformanceMap: shape\[1\] must be a positive integer/);
  });

  it('merges maps of the same shape; refuses other shapes or measures', () => {
    const a = new PerformanceMap([2], 'bce').add([1, 2]);
    const b = new PerformanceMap([2], 'bce').add([3, 4, 5, 6], 2);
    expect(Array.from(a.merge(b).mean())).toEqual([3, 4]);
    expect(a.count).toBe(3);
    expect(() => a.merge(new PerformanceMap([3]))).toThrow(/shapes differ: \[2\] vs \[3\]/);
    expect(() => a.merge(new PerformanceMap([2], 'l1'))).toThrow(/measures differ: bce vs l1/);
  });

  it('round-trips through JSON exactly, and validates what it reads', () => {
    const m = new PerformanceMap([3], 'squaredError').add([0.1, 1 / 3, 1e-300, 2, 3, 4], 2);
    const back = PerformanceMap.fromJSON(JSON.stringify(m));
    expect(back.shape).toEqual([3]);
    expect(back.count).toBe(2);
    expect(back.measure).toBe('squaredError');
    expect(Array.from(back.sum)).toEqual(Array.from(m.sum));
    expect(() => PerformanceMap.fromJSON({ ...m.toJSON(), sum: [1, 2] })).toThrow(/sum must be an array of 3 numbers/);
    expect(() => PerformanceMap.fromJSON({ ...m.toJSON(), format: 'x' as never })).toThrow(/format must be/);
    expect(() => PerformanceMap.fromJSON({ ...m.toJSON(), count: -1 })).toThrow(/count must be a non-negative integer/);
  });

  it('property: merge(a, b) equals accumulating both into one map', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.array(fc.float({ min: -100, max: 100, noNaN: true }), { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 20 }),
        (pa, pb) => {
          const a = new PerformanceMap([2, 3]);
          const b = new PerformanceMap([2, 3]);
          const both = new PerformanceMap([2, 3]);
          pa.forEach((p) => (a.add(p), both.add(p)));
          pb.forEach((p) => (b.add(p), both.add(p)));
          a.merge(b);
          expect(a.count).toBe(both.count);
          const ma = a.mean();
          const mb = both.mean();
          for (let i = 0; i < 6; i++) expect(Math.abs(ma[i] - mb[i])).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(mb[i])));
        },
      ),
      { numRuns: 300 },
    );
  });
});
