import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PerformanceMap } from '../../../shared/performance/PerformanceMap';
import { performanceWeights } from '../../../shared/sweep/performanceWeights';
import { slidingWindow } from '../../../shared/stitching/slidingWindow';
import { readReference } from '../../helpers/sharedData';

describe('performanceWeights (performance-weighted blending)', () => {
  it('is positive, at most 1, and monotone: lower error → higher weight', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 5, noNaN: true }), { minLength: 2, maxLength: 64 }), (errors) => {
        const w = performanceWeights({ data: errors, shape: [errors.length] });
        for (let i = 0; i < w.length; i++) {
          expect(w[i]).toBeGreaterThan(0);
          expect(w[i]).toBeLessThanOrEqual(1);
          for (let j = 0; j < w.length; j++) if (errors[i] < errors[j]) expect(w[i]).toBeGreaterThanOrEqual(w[j]);
        }
        expect(Math.max(...w)).toBe(1);
      }),
    );
  });

  it('follows exp(−(e − min)/s) with s the std or the MAD, floored at 1e-3', () => {
    const e = [0.1, 0.1, 0.3, 0.5];
    const mean = 0.25;
    const s = Math.sqrt(e.reduce((a, v) => a + (v - mean) ** 2, 0) / e.length);
    const w = performanceWeights({ data: e, shape: [4] }, { spread: 'std' });
    e.forEach((v, i) => expect(w[i]).toBeCloseTo(Math.exp(-(v - 0.1) / s), 6));
    const sharp = performanceWeights({ data: e, shape: [4] }, { temperature: 0.01 });
    expect(Array.from(sharp)).toEqual([1, 1, Math.fround(1e-3), Math.fround(1e-3)]);
    const mad = performanceWeights({ data: [0, 0, 0, 1, 1, 10], shape: [6] }, { spread: 'mad' });
    expect(mad[5]).toBeCloseTo(1e-3, 6);
  });

  it('a flat map (or one flat up to rounding) gives constant weights', () => {
    expect(Array.from(performanceWeights({ data: new Float64Array(27).fill(0.3), shape: [3, 3, 3] }))).toEqual(new Array(27).fill(1));
    const nearly = new Float64Array(8).fill(0.3);
    nearly[3] = 0.3 + 1e-17;
    expect(Array.from(performanceWeights({ data: nearly, shape: [2, 2, 2] }))).toEqual(new Array(8).fill(1));
    expect(Array.from(performanceWeights({ data: new Float64Array(4), shape: [4] }))).toEqual([1, 1, 1, 1]);
  });

  it('a steady (noisy) map gives mild weights, a border effect strong ones', () => {
    const steady = readReference('patch-performance-map-steady-64x64x1.npy');
    const e = Float64Array.from(steady.data as ArrayLike<number>);
    const w = performanceWeights({ data: e, shape: [64, 64] });
    const sorted = Float64Array.from(e).sort();
    const [p10, p90] = [sorted[Math.floor(0.1 * e.length)], sorted[Math.floor(0.9 * e.length)]];
    e.forEach((v, i) => {
      if (v >= p10 && v <= p90) expect(w[i]).toBeGreaterThan(0.2);
    });
    // without the relative floor the spread alone stretches the noise over the whole range
    const raw = performanceWeights({ data: e, shape: [64, 64] }, { relativeFloor: 0 });
    expect(Math.min(...Array.from(raw).filter((_, i) => e[i] <= p90))).toBeLessThan(0.1);
    // a patch whose outer ring errs 3× its centre: the ring is all but discarded
    const ring = Float64Array.from({ length: 256 }, (_, i) => (Math.min(i % 16, 15 - (i % 16), i >> 4, 15 - (i >> 4)) === 0 ? 0.42 : 0.14));
    const wr = performanceWeights({ data: ring, shape: [16, 16] });
    expect(wr[0]).toBeLessThan(0.05);
    expect(wr[8 * 16 + 8]).toBe(1);
  });

  it('takes a PerformanceMap, keeps the patch shape, and is a valid slidingWindow weight map', async () => {
    const map = new PerformanceMap([4, 4], 'absoluteError');
    map.add(Float64Array.from({ length: 16 }, (_, i) => (i % 4 === 0 || i % 4 === 3 ? 0.4 : 0.1)));
    const w = performanceWeights(map);
    expect(w).toBeInstanceOf(Float32Array);
    expect(w).toHaveLength(16);
    expect(w[1]).toBe(1);
    expect(w[0]).toBeLessThan(0.3);
    expect(w[3]).toBe(w[0]);
    const image = { data: Float32Array.from({ length: 64 }, (_, i) => i), shape: [8, 8, 1] };
    const out = await slidingWindow(image, (b) => ({ data: b.data, shape: b.shape }), { patchSize: 4, overlap: 0.5, blend: w });
    out.data.forEach((v, i) => expect(v).toBeCloseTo(i, 3));
  });

  it('names the argument in its errors', () => {
    expect(() => performanceWeights({ data: [0, NaN], shape: [2] })).toThrow(/performanceWeights: map value NaN at index 1 is not finite/);
    expect(() => performanceWeights({ data: [0, 1, 2], shape: [2] })).toThrow(/map.data has 3 values but map.shape \[2\] needs 2/);
    expect(() => performanceWeights({ data: [0, 1], shape: [2] }, { floor: 0 })).toThrow(/floor must be a number in \(0, 1\]/);
    expect(() => performanceWeights({ data: [0, 1], shape: [2] }, { spread: -1 })).toThrow(/spread must be 'std', 'mad' or a positive number/);
  });
});
