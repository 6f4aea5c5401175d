/**
 * Brush and eraser footprints: a disc on a slice (2-D views) or a ball (3-D), with the radius in
 * mm, so anisotropic voxels give an ellipse / ellipsoid in voxel units. The brush writes the
 * active label there, the eraser writes 0: both are these indices, applied through
 * `EditHistory.apply` (which keeps locked labels as they are).
 */
import { describe } from '../../util/validate';
import { assertGrid, sortedUnique, type Axis, type LabelGrid, type Voxel } from '../labelGrid';

/** Where and how big one brush dab is. */
export interface BrushOptions {
  /**
   * Centre in voxel coordinates `[a0, a1, a2]` (voxel centres are integers; fractional for a
   * cursor between them). It may lie outside the grid: the footprint is clipped.
   */
  centre: Voxel;
  /** Radius in mm (≥ 0): voxels whose centre is within it are painted. */
  radiusMm: number;
  /**
   * The view's normal axis: a disc on the slice `round(centre[axis])`. Absent: a ball in 3-D.
   */
  axis?: Axis;
}

function checkBrush(fn: string, grid: LabelGrid, options: BrushOptions): void {
  assertGrid(fn, grid);
  const { centre, radiusMm, axis } = options ?? ({} as BrushOptions);
  if (!Array.isArray(centre) || centre.length !== 3 || !centre.every(Number.isFinite)) {
    throw new RangeError(`${fn}: centre must be three finite voxel coordinates, got ${describe(centre)}`);
  }
  if (typeof radiusMm !== 'number' || !Number.isFinite(radiusMm) || radiusMm < 0) {
    throw new RangeError(`${fn}: radiusMm must be a finite number ≥ 0, got ${describe(radiusMm)}`);
  }
  if (axis !== undefined && axis !== 0 && axis !== 1 && axis !== 2) {
    throw new RangeError(`${fn}: axis must be 0, 1, 2 or absent (3-D), got ${describe(axis)}`);
  }
}

/**
 * The voxels of one brush (or eraser) dab, sorted. The voxel holding the centre is always part
 * of it (when inside the grid), so a click paints at least one voxel whatever the radius.
 */
export function brushIndices(grid: LabelGrid, options: BrushOptions): Uint32Array {
  checkBrush('brushIndices', grid, options);
  const { centre, radiusMm, axis } = options;
  const { shape, spacing } = grid;
  const near = centre.map(Math.round);
  // The bounding box of the footprint, clipped to the grid (it always holds the centre's voxel).
  const lo: number[] = [];
  const hi: number[] = [];
  for (let d = 0; d < 3; d++) {
    const reach = d === axis ? 0 : radiusMm / spacing[d];
    lo[d] = Math.max(0, Math.min(near[d], Math.ceil(centre[d] - reach)));
    hi[d] = Math.min(shape[d] - 1, Math.max(near[d], Math.floor(centre[d] + reach)));
  }
  const r2 = radiusMm * radiusMm;
  const out: number[] = [];
  // Along the slice normal the distance is 0 (the disc lies on the slice).
  const sq = (d: number, a: number) => (d === axis ? 0 : ((a - centre[d]) * spacing[d]) ** 2);
  for (let a0 = lo[0]; a0 <= hi[0]; a0++) {
    const d0 = sq(0, a0);
    for (let a1 = lo[1]; a1 <= hi[1]; a1++) {
      const d01 = d0 + sq(1, a1);
      const row = (a0 * shape[1] + a1) * shape[2];
      for (let a2 = lo[2]; a2 <= hi[2]; a2++) {
        const isCentre = a0 === near[0] && a1 === near[1] && a2 === near[2];
        if (d01 + sq(2, a2) <= r2 || isCentre) out.push(row + a2);
      }
    }
  }
  return Uint32Array.from(out);
}

/**
 * The voxels of a brush drag: the union of dabs at `centres` (sorted, unique). For live
 * feedback apply each dab as it comes and merge them with `EditHistory.mergeSince`.
 */
export function brushPathIndices(grid: LabelGrid, centres: readonly Voxel[], options: Omit<BrushOptions, 'centre'>): Uint32Array {
  if (!Array.isArray(centres) || centres.length === 0) {
    throw new RangeError(`brushPathIndices: centres must be a non-empty array of voxel positions, got ${describe(centres)}`);
  }
  const all: number[] = [];
  for (const centre of centres) for (const index of brushIndices(grid, { ...options, centre })) all.push(index);
  return sortedUnique(all);
}
