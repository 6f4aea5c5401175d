import { PerformanceMap } from '../performance/PerformanceMap';
import { SummedAreaTable } from './summedAreaTable';
import { assertShape, describe, product } from '../util/validate';

/** A patch performance map: a {@link PerformanceMap} (its mean is used) or `{ data, shape }` of mean values. */
export type MapInput = PerformanceMap | { data: ArrayLike<number>; shape: readonly number[] };

/** Options of {@link recommendMargin}. */
export interface RecommendOptions {
  /** Relative slack over the best crop mean that still counts as good (default 0.05 = 5 %). */
  tolerance?: number;
}

/** What {@link recommendMargin} recommends. */
export interface MarginRecommendation {
  /** Voxels to discard from each side of the patch, per axis. */
  margin: number[];
  /** Mean of the map over the kept crop. */
  cropMean: number;
  /** Kept voxels / patch voxels. */
  keptFraction: number;
  /** The overlap that discards exactly the margin: 2·margin / patchSize per axis. */
  overlap: number[];
  /** The margin with the lowest crop mean (B). */
  bestMargin: number[];
  /** B, the lowest crop mean of any margin. */
  bestCropMean: number;
  /** Mean of the whole map (margin 0). */
  fullMean: number;
  /** The tolerance used. */
  tolerance: number;
}

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
export function cropMean(map: MapInput, margin: readonly number[]): number {
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
export function maxMargin(size: number): number {
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
export function recommendMargin(map: MapInput, options: RecommendOptions = {}): MarginRecommendation {
  const tolerance = options.tolerance ?? 0.05;
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new RangeError(`recommendMargin: tolerance must be a finite number ≥ 0, got ${describe(tolerance)}`);
  }
  const { data, shape } = readMap('recommendMargin', map);
  const sat = new SummedAreaTable(data, shape);
  const nd = shape.length;
  const limits = shape.map(maxMargin);
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
  const exact = (margin: number[]) => cropMean({ data, shape }, margin);
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
