/**
 * Flood fill / region grow from a seed voxel: the voxels face-connected to the seed (6
 * neighbours in 3-D, 4 on a slice) that meet a criterion, the seed's intensity within a
 * tolerance or the seed's label. The region is capped so that a tolerance that leaks into the
 * whole volume is an error, not a frozen editor.
 */
import type { NumericArray } from '../../stitching/types';
import { describe } from '../../util/validate';
import { assertGrid, assertVoxelInside, type Axis, type LabelGrid, type Voxel } from '../labelGrid';

/** Default cap of a fill: 2²² voxels (4 194 304, a quarter of a 256³ volume). */
export const DEFAULT_FILL_MAX_VOXELS = 1 << 22;

/** Which voxels a fill may enter. */
export type FillCriterion =
  /** Region grow: `|image[v] − image[seed]| ≤ tolerance`. */
  | { kind: 'intensity'; image: NumericArray; tolerance: number }
  /** Label fill: `labels[v] === labels[seed]` (a reference, or a prediction for accept-prediction). */
  | { kind: 'label'; labels: NumericArray };

/** Options of {@link floodFill}. */
export interface FloodFillOptions {
  /** The seed voxel (integers inside the grid). */
  seed: Voxel;
  criterion: FillCriterion;
  /** A view's normal axis: fill on the seed's slice only, 4-connected. Absent: 3-D, 6-connected. */
  axis?: Axis;
  /** Most voxels the region may have (default {@link DEFAULT_FILL_MAX_VOXELS}). */
  maxVoxels?: number;
}

/** Thrown when a fill's region grows past `maxVoxels`. */
export class FillLimitError extends RangeError {
  /** The cap that was hit. */
  readonly maxVoxels: number;
  constructor(fn: string, maxVoxels: number) {
    super(`${fn}: the region grew past ${maxVoxels} voxels (maxVoxels); lower the tolerance, fill on a slice, or raise maxVoxels`);
    this.name = 'FillLimitError';
    this.maxVoxels = maxVoxels;
  }
}

function memberTest(fn: string, criterion: FillCriterion, n: number, seed: number): (v: number) => boolean {
  if (criterion?.kind === 'intensity') {
    const { image, tolerance } = criterion;
    if (!image || image.length !== n) throw new RangeError(`${fn}: criterion.image must have one value per voxel (${n}), got ${image?.length}`);
    if (!Number.isFinite(tolerance) || tolerance < 0) throw new RangeError(`${fn}: criterion.tolerance must be a finite number ≥ 0, got ${describe(tolerance)}`);
    const s = image[seed];
    return (v) => Math.abs(image[v] - s) <= tolerance;
  }
  if (criterion?.kind === 'label') {
    const { labels } = criterion;
    if (!labels || labels.length !== n) throw new RangeError(`${fn}: criterion.labels must have one value per voxel (${n}), got ${labels?.length}`);
    const s = labels[seed];
    return (v) => labels[v] === s;
  }
  throw new RangeError(`${fn}: criterion.kind must be 'intensity' or 'label', got ${describe((criterion as { kind?: unknown })?.kind)}`);
}

/**
 * The region of a flood fill, sorted. The seed always belongs to it.
 * @param fn the name errors start with (a tool built on the fill passes its own)
 * @throws FillLimitError when the region has more than `maxVoxels` voxels
 */
export function floodFill(grid: LabelGrid, options: FloodFillOptions, fn = 'floodFill'): Uint32Array {
  const n = assertGrid(fn, grid);
  const { seed, criterion, axis } = options ?? ({} as FloodFillOptions);
  const { shape } = grid;
  assertVoxelInside(fn, 'seed', seed, shape);
  if (axis !== undefined && axis !== 0 && axis !== 1 && axis !== 2) {
    throw new RangeError(`${fn}: axis must be 0, 1, 2 or absent (3-D), got ${describe(axis)}`);
  }
  const maxVoxels = options.maxVoxels ?? DEFAULT_FILL_MAX_VOXELS;
  if (!Number.isInteger(maxVoxels) || maxVoxels < 1) throw new RangeError(`${fn}: maxVoxels must be a positive integer, got ${describe(maxVoxels)}`);
  const [n0, n1, n2] = shape;
  const start = (seed[0] * n1 + seed[1]) * n2 + seed[2];
  const inside = memberTest(fn, criterion, n, start);
  const visited = new Uint32Array(Math.ceil(n / 32)); // a bitset: 1 bit per voxel
  const mark = (v: number) => (visited[v >>> 5] |= 1 << (v & 31));
  const seen = (v: number) => (visited[v >>> 5] & (1 << (v & 31))) !== 0;
  // The region doubles as the BFS queue; it grows as needed up to the cap.
  let region = new Uint32Array(Math.min(maxVoxels, 4096));
  let count = 0;
  const push = (v: number) => {
    mark(v);
    if (!inside(v)) return;
    if (count === maxVoxels) throw new FillLimitError(fn, maxVoxels);
    if (count === region.length) {
      const grown = new Uint32Array(Math.min(maxVoxels, region.length * 2));
      grown.set(region);
      region = grown;
    }
    region[count++] = v;
  };
  mark(start); // the seed belongs to the region even where the criterion cannot hold (NaN intensity)
  region[count++] = start;
  for (let head = 0; head < count; head++) {
    const v = region[head];
    const a2 = v % n2;
    const a1 = ((v - a2) / n2) % n1;
    const a0 = (v - a2 - a1 * n2) / (n1 * n2);
    const visit = (u: number) => {
      if (!seen(u)) push(u);
    };
    if (axis !== 0) {
      if (a0 > 0) visit(v - n1 * n2);
      if (a0 < n0 - 1) visit(v + n1 * n2);
    }
    if (axis !== 1) {
      if (a1 > 0) visit(v - n2);
      if (a1 < n1 - 1) visit(v + n2);
    }
    if (axis !== 2) {
      if (a2 > 0) visit(v - 1);
      if (a2 < n2 - 1) visit(v + 1);
    }
  }
  return region.slice(0, count).sort();
}
