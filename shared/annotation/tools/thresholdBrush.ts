/**
 * The threshold-limited brush: a brush dab that paints only voxels whose image intensity lies
 * inside `[lo, hi]` (inclusive), with `[lo, hi]` preset from the viewer's window/level.
 */
import type { NumericArray } from '../../stitching/types';
import { describe } from '../../util/validate';
import { assertGrid, type LabelGrid } from '../labelGrid';
import { brushIndices, type BrushOptions } from './brush';

/** An intensity interval `[lo, hi]`, both ends included. */
export type IntensityRange = readonly [number, number];

/**
 * The intensity range of a window/level: `[level − width/2, level + width/2]` (what the viewer
 * shows between black and white).
 */
export function windowLevelRange(width: number, level: number): [number, number] {
  if (!Number.isFinite(width) || width < 0) throw new RangeError(`windowLevelRange: width must be a finite number ≥ 0, got ${describe(width)}`);
  if (!Number.isFinite(level)) throw new RangeError(`windowLevelRange: level must be a finite number, got ${describe(level)}`);
  return [level - width / 2, level + width / 2];
}

/** The indices (kept in order) whose `image` value lies inside `range`. */
export function thresholdFilter(indices: Uint32Array, image: NumericArray, range: IntensityRange): Uint32Array {
  if (!Array.isArray(range) || range.length !== 2 || !(range[0] <= range[1])) {
    throw new RangeError(`thresholdFilter: range must be [lo, hi] with lo ≤ hi, got ${describe(range)}`);
  }
  const [lo, hi] = range;
  const out = new Uint32Array(indices.length);
  let n = 0;
  for (let k = 0; k < indices.length; k++) {
    const x = image[indices[k]];
    if (x >= lo && x <= hi) out[n++] = indices[k];
  }
  return out.slice(0, n);
}

/** One threshold-limited brush dab: {@link brushIndices} filtered by {@link thresholdFilter}. */
export function thresholdBrushIndices(grid: LabelGrid, image: NumericArray, options: BrushOptions, range: IntensityRange): Uint32Array {
  assertGrid('thresholdBrushIndices', grid, image, 'image');
  return thresholdFilter(brushIndices(grid, options), image, range);
}
