import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cropMean, maxMargin, PerformanceMap, recommendMargin, SummedAreaTable, type MapInput } from '../../../shared/index';
import { mulberry32 } from '../../../shared/util/mulberry32';
import { marginCropMeans } from '../../../shared/recommend/marginSums';
import { readReference } from '../../helpers/sharedData';
import {
  ReferenceSummedAreaTable,
  referenceCropMean,
  referenceMaxMargin,
  referenceRecommendMargin,
} from './recommendMarginReference';

// The margin search after the speed work (issue 16) against the implementation before it, kept
// verbatim in recommendMarginReference.ts. The new code adds the same float64 values in the same
// order (summed-area table, corner sums, direct crop sums), so results are equal exactly: deep
// equality, no tolerance. (The only freedom it takes is the sign of an intermediate zero, which no
// comparison and no reported number can see.)

/** Both implementations on the same input and options: equal results, or equal errors. */
function same(map: MapInput, options?: { tolerance?: number }): void {
  let expected: unknown;
  try {
    expected = referenceRecommendMargin(map, options);
  } catch (e) {
    expect(() => recommendMargin(map, options)).toThrow((e as Error).message);
    return;
  }
  expect(recommendMargin(map, options)).toStrictEqual(expected);
}

function randomMap(shape: number[], seed: number, kind: 'uniform' | 'signed' | 'ties' | 'float32' = 'uniform'): { data: Float32Array | Float64Array; shape: number[] } {
  const rnd = mulberry32(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = kind === 'float32' ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // ÷ 3: full 53-bit mantissas, so sums round (mulberry32's k / 2^32 would add up exactly)
    const u = rnd();
    data[i] = kind === 'signed' ? (2 * u - 1) / 3 : kind === 'ties' ? Math.floor(u * 3) : u / 3;
  }
  return { data, shape };
}

const shapes: number[][] = [
  [1], [2], [3], [5], [6], [17], [40],
  [1, 1], [1, 7], [7, 1], [5, 5], [6, 9], [12, 20], [33, 2],
  [1, 1, 1], [3, 3, 3], [5, 6, 7], [9, 1, 11], [16, 16, 16], [8, 20, 5],
  [4, 5, 6, 1], [6, 1, 7, 5], [5, 5, 5, 5], [1, 6, 6, 1],
];

describe('recommendMargin equals the implementation before the speed work', () => {
  it('on the real 32×128×128×1 map with the default and several tolerances', () => {
    const ref = readReference('patch-performance-map-variable-32x128x128x1.npy');
    const map = { data: ref.data, shape: ref.shape };
    for (const tolerance of [undefined, 0, 0.001, 0.01, 0.05, 0.2, 1, 10]) same(map, tolerance === undefined ? undefined : { tolerance });
    // the default still gives the documented answer
    expect(recommendMargin(map).margin).toEqual([14, 52, 21, 0]);
    // squeezed, as float64, and a sub-block of it (other shapes, same values)
    same({ data: ref.data, shape: [32, 128, 128] });
    same({ data: Float64Array.from(ref.data), shape: ref.shape }, { tolerance: 0.02 });
    const sub = new Float64Array(16 * 40 * 50);
    for (let z = 0; z < 16; z++) for (let y = 0; y < 40; y++) for (let x = 0; x < 50; x++) sub[(z * 40 + y) * 50 + x] = ref.data[(z * 128 + y + 10) * 128 + x + 30];
    same({ data: sub, shape: [16, 40, 50] });
    same({ data: sub, shape: [16, 1, 40, 50] }, { tolerance: 0.1 });
  }, 120_000);

  it('on the steady 64×64×1 map, squeezed and not', () => {
    const ref = readReference('patch-performance-map-steady-64x64x1.npy');
    same({ data: ref.data, shape: ref.shape });
    same({ data: ref.data, shape: [64, 64] }, { tolerance: 0 });
    same({ data: ref.data, shape: [1, 64, 1, 64] }, { tolerance: 0.5 });
  });

  it('on random 1-D to 4-D maps: uniform, signed, few distinct values (exact ties), float32', () => {
    let seed = 1;
    for (const shape of shapes) {
      for (const kind of ['uniform', 'signed', 'ties', 'float32'] as const) {
        const map = randomMap(shape, seed++, kind);
        for (const tolerance of [0, 0.05, 0.3]) same(map, { tolerance });
      }
    }
  });

  it('on constant, zero, negative and -0 maps, tiny patches and plain arrays', () => {
    same({ data: new Array(36).fill(1), shape: [6, 6] });
    same({ data: new Float64Array(5 * 6 * 7), shape: [5, 6, 7] });
    same({ data: new Float64Array(5 * 6 * 7).fill(-0), shape: [5, 6, 7] });
    same({ data: new Float64Array(64).fill(-2.5), shape: [4, 4, 4] }, { tolerance: 0.1 });
    same({ data: new Float32Array(8 * 8).fill(0.1), shape: [8, 8] });
    same({ data: [3], shape: [1] });
    same({ data: [-0], shape: [1, 1, 1] });
    same({ data: [2, 1], shape: [2] });
    same({ data: [9, 9, 1, 1, 1, 1, 1, 1, 9, 9], shape: [10] });
    same({ data: [9, 9, 1, 1, 1, 1, 1, 1, 9, 9], shape: [10] }, { tolerance: 10 });
    same({ data: [1e300, -1e300, 1e300, 5, 1e300, -1e300], shape: [6] });
    same({ data: [1e-300, 2e-300, 3e-300, 4e-300, 5e-300, 6e-300], shape: [6] });
  });

  it('on PerformanceMaps', () => {
    same(new PerformanceMap([6]).add([5, 1, 1, 1, 1, 5]).add([5, 1, 1, 1, 1, 5]));
    const pm = new PerformanceMap([5, 7, 1]);
    const rnd = mulberry32(99);
    for (let k = 0; k < 3; k++) pm.add(Array.from({ length: 35 }, rnd));
    same(pm, { tolerance: 0.01 });
  });

  it('with the same errors on bad input', () => {
    same({ data: [1, 2, 3], shape: [2, 2] });
    same({ data: [1, Number.NaN], shape: [2] });
    same({ data: [1, Number.POSITIVE_INFINITY, 2], shape: [3] });
    same({ data: [1, 2], shape: [2] }, { tolerance: -1 });
    same({ data: [1, 2], shape: [2] }, { tolerance: Number.NaN });
    same({ data: [1, 2], shape: [0] });
    same(new PerformanceMap([3]));
  });

  it('property: random shapes, values and tolerances', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
          fc.tuple(
            fc.constant(shape),
            fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: shape.reduce((a, b) => a * b, 1), maxLength: shape.reduce((a, b) => a * b, 1) }),
            fc.double({ min: 0, max: 0.5, noNaN: true }),
          ),
        ),
        ([shape, data, tolerance]) => same({ data, shape }, { tolerance }),
      ),
      { numRuns: 300 },
    );
  });
});

describe('the pieces equal theirs', () => {
  it('cropMean on random margins, and its errors', () => {
    let seed = 500;
    for (const shape of shapes) {
      const map = randomMap(shape, seed++, 'signed');
      const rnd = mulberry32(seed);
      for (let k = 0; k < 5; k++) {
        const margin = shape.map((s) => Math.floor(rnd() * (Math.floor((s - 1) / 2) + 1)));
        expect(cropMean(map, margin)).toBe(referenceCropMean(map, margin));
      }
    }
    const bad = { data: [1, 2, 3], shape: [3] };
    for (const margin of [[2], [0, 0], [-1], [0.5]]) expect(() => cropMean(bad, margin)).toThrow(messageOf(() => referenceCropMean(bad, margin)));
  });

  it('SummedAreaTable.boxSum on random boxes', () => {
    let seed = 900;
    for (const shape of shapes) {
      const { data } = randomMap(shape, seed++, 'signed');
      const fast = new SummedAreaTable(data, shape);
      const slow = new ReferenceSummedAreaTable(data, shape);
      const rnd = mulberry32(seed);
      for (let k = 0; k < 20; k++) {
        const lo = shape.map((s) => Math.floor(rnd() * (s + 1)));
        const hi = lo.map((l, a) => l + Math.floor(rnd() * (shape[a] - l + 1)));
        expect(fast.boxSum(lo, hi)).toBe(slow.boxSum(lo, hi));
      }
      expect(fast.shape).toBe(shape);
    }
  });

  it('marginCropMeans: every margin\'s mean to the bit, as the old table\'s boxSum / kept (the real map and random ones)', () => {
    const ref = readReference('patch-performance-map-variable-32x128x128x1.npy');
    const maps: { data: ArrayLike<number>; shape: number[] }[] = [{ data: ref.data, shape: [32, 128, 128] }];
    let seed = 1300;
    for (const shape of shapes) if (!shape.includes(1)) maps.push(randomMap(shape, seed++, 'signed'));
    for (const { data, shape } of maps) {
      const limits = shape.map(maxMargin);
      const means = marginCropMeans(data, shape, limits);
      const slow = new ReferenceSummedAreaTable(data, shape);
      const m = shape.map(() => 0);
      let i = 0;
      let mismatches = 0;
      for (;;) {
        const hi = shape.map((s, a) => s - m[a]);
        const kept = shape.reduce((p, s, a) => p * (s - 2 * m[a]), 1);
        if (!Object.is(means[i++], slow.boxSum(m, hi) / kept)) mismatches++;
        let a = shape.length - 1;
        for (; a >= 0; a--) {
          if (++m[a] <= limits[a]) break;
          m[a] = 0;
        }
        if (a < 0) break;
      }
      expect({ shape, mismatches, count: i }).toEqual({ shape, mismatches: 0, count: means.length });
    }
  });

  it('maxMargin', () => {
    for (let s = 1; s < 300; s++) expect(maxMargin(s)).toBe(referenceMaxMargin(s));
  });
});

function messageOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}
