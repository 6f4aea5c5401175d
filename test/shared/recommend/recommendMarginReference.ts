/**
 * Test oracle: the margin search as it was before the speed work of issue 16, copied verbatim from
 * shared/recommend/recommendMargin.ts (commit 2bbc64b) and shared/recommend/summedAreaTable.ts
 * (commit 0900810), renamed with a `reference` prefix. Only recommendMarginOracle.test.ts uses it:
 * the optimised code must give exactly the same results.
 */
import { PerformanceMap } from '../../../shared/performance/PerformanceMap';
import { assertShape, describe, product, rowMajorStrides } from '../../../shared/util/validate';
import type { MapInput, MarginRecommendation, RecommendOptions } from '../../../shared/recommend/recommendMargin';

function readMap(fn: string, map: MapInput): { data: ArrayLike<number>; shape: number[] } {
  const m = map instanceof PerformanceMap ? { data: map.mean(), shape: map.shape } : map;
  if (m === null || typeof m !== 'object' || m.data == null || typeof m.data.length !== 'number') {
    throw new TypeError(`${fn}: map must be a PerformanceMap or { data, shape }`);
  }
  assertShape(fn, 'map.shape', m.shape);
  if (m.data.length !== product([...m.shape])) {
    throw new RangeError(`${fn}: map.data has ${m.data.length} values but map.shape ${describe(m.shape)} needs ${product([...m.shape])}`);
  }
  for (let i = 0; i < m.data.length; i++) {
    if (!Number.isFinite(m.data[i])) throw new RangeError(`${fn}: map value ${m.data[i]} at index ${i} is not finite`);
  }
  return { data: m.data, shape: [...m.shape] };
}

/**
 * Mean of the map over the crop [margin_i, s_i − margin_i) on every axis.
 * @throws when a margin is negative, not an integer, or leaves nothing
 */
export function referenceCropMean(map: MapInput, margin: readonly number[]): number {
  const { data, shape } = readMap('cropMean', map);
  if (!Array.isArray(margin) || margin.length !== shape.length) {
    throw new RangeError(`cropMean: margin must have one entry per axis (${shape.length}), got ${describe(margin)}`);
  }
  margin.forEach((m, a) => {
    if (!Number.isInteger(m) || m < 0 || shape[a] - 2 * m < 1) {
      throw new RangeError(`cropMean: margin[${a}] must be an integer in [0, ${Math.floor((shape[a] - 1) / 2)}] for size ${shape[a]}, got ${describe(m)}`);
    }
  });
  const nd = shape.length;
  const idx = [...margin];
  const strides = shape.map((_, a) => product(shape.slice(a + 1)));
  let sum = 0;
  let n = 0;
  for (;;) {
    let off = 0;
    for (let a = 0; a < nd; a++) off += idx[a] * strides[a];
    sum += data[off];
    n++;
    let a = nd - 1;
    for (; a >= 0; a--) {
      if (++idx[a] < shape[a] - margin[a]) break;
      idx[a] = margin[a];
    }
    if (a < 0) break;
  }
  return sum / n;
}

/** Largest margin tried on an axis of size s: max(0, ceil(s/2 − 1) − 1). */
export function referenceMaxMargin(size: number): number {
  return Math.max(0, Math.ceil(size / 2 - 1) - 1);
}

/**
 * Recommends how much of the patch border to discard. For every per-axis margin m_i in
 * 0 … max(0, ceil(s_i/2 − 1) − 1) it takes the mean of the map over the crop [m_i, s_i − m_i);
 * B is the lowest crop mean; among the crops whose mean is ≤ B + |B|·tolerance it picks the
 * one that keeps the most voxels, ties to the lexicographically smallest margin. Crop sums come
 * from a summed-area table, so a 128³ map takes a fraction of a second.
 *
 * (The original project's draft chose the smallest product of margins, which any zero margin
 * wins; this keeps the most volume within the same tolerance.)
 */
export function referenceRecommendMargin(map: MapInput, options: RecommendOptions = {}): MarginRecommendation {
  const tolerance = options.tolerance ?? 0.05;
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new RangeError(`recommendMargin: tolerance must be a finite number ≥ 0, got ${describe(tolerance)}`);
  }
  const { data, shape } = readMap('recommendMargin', map);
  const sat = new ReferenceSummedAreaTable(data, shape);
  const nd = shape.length;
  const limits = shape.map(referenceMaxMargin);
  const total = product(shape);

  // Visits every margin in lexicographic order with its crop mean and kept voxel count.
  const visit = (cb: (margin: number[], mean: number, kept: number) => void): void => {
    const m = new Array<number>(nd).fill(0);
    const hi = new Array<number>(nd);
    for (;;) {
      let kept = 1;
      for (let a = 0; a < nd; a++) {
        hi[a] = shape[a] - m[a];
        kept *= hi[a] - m[a];
      }
      cb(m, sat.boxSum(m, hi) / kept, kept);
      let a = nd - 1;
      for (; a >= 0; a--) {
        if (++m[a] <= limits[a]) break;
        m[a] = 0;
      }
      if (a < 0) return;
    }
  };
  // Crop means from the summed-area table carry float64 rounding; means that differ only by it
  // count as equal (a flat map must keep the whole patch, exact ties go to the first margin).
  let scale = 0;
  for (let i = 0; i < data.length; i++) scale = Math.max(scale, Math.abs(data[i]));
  const slack = scale * 1e-12;
  let best = { margin: new Array<number>(nd).fill(0), mean: Infinity, kept: 0 };
  visit((margin, mean, kept) => {
    if (mean < best.mean - slack) best = { margin: [...margin], mean, kept };
  });
  const threshold = best.mean + Math.abs(best.mean) * tolerance + slack;
  let pick = { ...best, kept: -1 };
  visit((margin, mean, kept) => {
    // Strictly more voxels only: the first (lexicographically smallest) margin wins ties.
    if (mean <= threshold && kept > pick.kept) pick = { margin: [...margin], mean, kept };
  });
  // Report exact means (direct sums over the two chosen crops), free of the table's rounding.
  const exact = (margin: number[]) => referenceCropMean({ data, shape }, margin);
  const fullMean = exact(new Array<number>(nd).fill(0));
  pick.mean = exact(pick.margin);
  best.mean = exact(best.margin);
  return {
    margin: pick.margin,
    cropMean: pick.mean,
    keptFraction: pick.kept / total,
    overlap: pick.margin.map((mi, a) => (2 * mi) / shape[a]),
    bestMargin: best.margin,
    bestCropMean: best.mean,
    fullMean,
    tolerance,
  };
}


/**
 * An N-dimensional summed-area table (integral volume): any axis-aligned box sum in O(2^N).
 * The table has shape `shape + 1` per axis; entry x holds the sum of all values at positions < x.
 */
export class ReferenceSummedAreaTable {
  private readonly table: Float64Array;
  private readonly strides: number[];
  private readonly corners: { offsetHi: boolean[]; sign: number }[];

  /** @param data row-major values of `shape` */
  constructor(data: ArrayLike<number>, readonly shape: readonly number[]) {
    const ext = shape.map((s) => s + 1);
    this.strides = rowMajorStrides(ext);
    this.table = new Float64Array(product(ext));
    const n = product([...shape]);
    const idx = new Array<number>(shape.length).fill(0);
    for (let i = 0; i < n; i++) {
      let t = 0;
      for (let a = 0; a < shape.length; a++) t += (idx[a] + 1) * this.strides[a];
      this.table[t] = data[i];
      for (let a = shape.length - 1; a >= 0; a--) {
        if (++idx[a] < shape[a]) break;
        idx[a] = 0;
      }
    }
    // Prefix sums along each axis in turn.
    for (let a = 0; a < ext.length; a++) {
      const stride = this.strides[a];
      for (let t = 0; t < this.table.length; t++) {
        const coord = Math.floor(t / stride) % ext[a];
        if (coord > 0) this.table[t] += this.table[t - stride];
      }
    }
    const nd = shape.length;
    this.corners = [];
    for (let mask = 0; mask < 1 << nd; mask++) {
      const offsetHi: boolean[] = [];
      let lows = 0;
      for (let a = 0; a < nd; a++) {
        const hi = ((mask >> a) & 1) === 1;
        offsetHi.push(hi);
        if (!hi) lows++;
      }
      this.corners.push({ offsetHi, sign: lows % 2 === 0 ? 1 : -1 });
    }
  }

  /** Sum over the box [lo, hi) (per-axis half-open bounds). */
  boxSum(lo: readonly number[], hi: readonly number[]): number {
    let total = 0;
    for (const { offsetHi, sign } of this.corners) {
      let t = 0;
      for (let a = 0; a < offsetHi.length; a++) t += (offsetHi[a] ? hi[a] : lo[a]) * this.strides[a];
      total += sign * this.table[t];
    }
    return total;
  }
}
