import { PerformanceMap } from '../performance/PerformanceMap';
import { cropSum, marginCropMeans } from './marginSums';
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

/** A validated map, with the largest |value| and the row-major sum of all values (taken on the way). */
interface ReadMap {
  data: ArrayLike<number>;
  shape: number[];
  scale: number;
  sum: number;
}

function readMap(fn: string, map: MapInput): ReadMap {
  const m = map instanceof PerformanceMap ? { data: map.mean(), shape: map.shape } : map;
  if (m === null || typeof m !== 'object' || m.data == null || typeof m.data.length !== 'number') {
    throw new TypeError(`${fn}: map must be a PerformanceMap or { data, shape }`);
  }
  assertShape(fn, 'map.shape', m.shape);
  if (m.data.length !== product([...m.shape])) {
    throw new RangeError(`${fn}: map.data has ${m.data.length} values but map.shape ${describe(m.shape)} needs ${product([...m.shape])}`);
  }
  const data = m.data;
  let scale = 0;
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!Number.isFinite(v)) throw new RangeError(`${fn}: map value ${v} at index ${i} is not finite`);
    sum += v;
    const abs = Math.abs(v);
    if (abs > scale) scale = abs;
  }
  return { data, shape: [...m.shape], scale, sum };
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
  return cropSum(data, shape, margin) / product(shape.map((s, a) => s - 2 * margin[a]));
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
 * from a summed-area table (one pass for all margins), so a 32×128×128 map takes milliseconds.
 *
 * (The original project's draft chose the smallest product of margins, which any zero margin
 * wins; this keeps the most volume within the same tolerance.)
 */
export function recommendMargin(map: MapInput, options: RecommendOptions = {}): MarginRecommendation {
  const tolerance = options.tolerance ?? 0.05;
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new RangeError(`recommendMargin: tolerance must be a finite number ≥ 0, got ${describe(tolerance)}`);
  }
  const { data, shape, scale, sum } = readMap('recommendMargin', map);
  const nd = shape.length;
  const total = product(shape);
  // Axes of size 1 only have margin 0 and add nothing but zero corners to a box sum: the search
  // runs on the other axes (at least one), in the same lexicographic order.
  let axes = shape.map((_, a) => a).filter((a) => shape[a] > 1);
  if (axes.length === 0) axes = [nd - 1];
  const sizes = axes.map((a) => shape[a]);
  const limits = sizes.map(maxMargin);
  const k = axes.length;
  const means = marginCropMeans(data, sizes, limits);

  // Crop means from the summed-area table carry float64 rounding; means that differ only by it
  // count as equal (a flat map must keep the whole patch, exact ties go to the first margin).
  const slack = scale * 1e-12;
  let bestIndex = 0;
  let bestMean = Infinity;
  for (let i = 0; i < means.length; i++) {
    if (means[i] < bestMean - slack) {
      bestMean = means[i];
      bestIndex = i;
    }
  }
  const threshold = bestMean + Math.abs(bestMean) * tolerance + slack;
  // The most voxels within the threshold; kept voxels fall along every axis, so a row (and the
  // rest of a row) that cannot keep more than the pick so far is skipped.
  let pickIndex = bestIndex;
  let pickKept = -1;
  const outer = new Array<number>(k - 1).fill(0);
  const sLast = sizes[k - 1];
  const lLast = limits[k - 1];
  for (let row = 0; ; row++) {
    let keptOuter = 1;
    for (let a = 0; a < k - 1; a++) keptOuter *= sizes[a] - 2 * outer[a];
    for (let m = 0, i = row * (lLast + 1); m <= lLast; m++, i++) {
      const kept = keptOuter * (sLast - 2 * m);
      if (kept <= pickKept) break; // strictly more voxels only: the first margin wins ties
      if (means[i] <= threshold) {
        pickIndex = i;
        pickKept = kept;
      }
    }
    let a = k - 2;
    for (; a >= 0; a--) {
      if (++outer[a] <= limits[a]) break;
      outer[a] = 0;
    }
    if (a < 0) break;
  }
  // Back from a search index to a margin on every axis (size-1 axes: 0).
  const marginOf = (index: number): number[] => {
    const margin = new Array<number>(nd).fill(0);
    for (let j = k - 1; j >= 0; j--) {
      margin[axes[j]] = index % (limits[j] + 1);
      index = Math.floor(index / (limits[j] + 1));
    }
    return margin;
  };
  const keptOf = (margin: number[]): number => product(shape.map((s, a) => s - 2 * margin[a]));
  const pick = marginOf(pickIndex);
  const best = marginOf(bestIndex);
  // Report exact means (direct sums over the two chosen crops), free of the table's rounding.
  return {
    margin: pick,
    cropMean: cropSum(data, shape, pick) / keptOf(pick),
    keptFraction: keptOf(pick) / total,
    overlap: pick.map((mi, a) => (2 * mi) / shape[a]),
    bestMargin: best,
    bestCropMean: cropSum(data, shape, best) / keptOf(best),
    fullMean: sum / total,
    tolerance,
  };
}
