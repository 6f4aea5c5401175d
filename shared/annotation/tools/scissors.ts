/**
 * Scissors: the voxels of a shape drawn on one slice, a rectangle, a circle or a freehand
 * polygon, to fill with the active label or erase (write 0) through `EditHistory.apply`.
 *
 * Shapes are given in the slice's in-plane voxel coordinates `[u, v]`: `u` along the lower of
 * the two in-plane array axes, `v` along the higher (`inPlaneAxes`; for a slice normal to axis 0,
 * `u` = a1 and `v` = a2). A voxel belongs to a shape when its centre (integer `[u, v]`) does.
 */
import { describe } from '../../util/validate';
import { assertGrid, assertSlice, inPlaneAxes, sortedUnique, type LabelGrid, type Slice } from '../labelGrid';
import { brushIndices } from './brush';

/** A point `[u, v]` on a slice, in voxel coordinates. */
export type PlanePoint = readonly [number, number];

function checkPoint(fn: string, name: string, p: unknown): asserts p is PlanePoint {
  if (!Array.isArray(p) || p.length !== 2 || !p.every(Number.isFinite)) {
    throw new RangeError(`${fn}: ${name} must be a point [u, v] of two finite numbers, got ${describe(p)}`);
  }
}

/** Maps in-plane `[u, v]` of a slice to flat indices (u outer, v inner keeps them sorted). */
function planeIndexer(grid: LabelGrid, slice: Slice): { nu: number; nv: number; at: (u: number, v: number) => number } {
  const [au, av] = inPlaneAxes(slice.axis);
  const stride = [grid.shape[1] * grid.shape[2], grid.shape[2], 1];
  const base = slice.index * stride[slice.axis];
  return { nu: grid.shape[au], nv: grid.shape[av], at: (u, v) => base + u * stride[au] + v * stride[av] };
}

/** The voxels whose centre lies inside the axis-aligned rectangle with corners `p` and `q` (edges included). */
export function rectangleIndices(grid: LabelGrid, slice: Slice, p: PlanePoint, q: PlanePoint): Uint32Array {
  const fn = 'rectangleIndices';
  assertGrid(fn, grid);
  assertSlice(fn, slice, grid.shape);
  checkPoint(fn, 'p', p);
  checkPoint(fn, 'q', q);
  const { nu, nv, at } = planeIndexer(grid, slice);
  const u0 = Math.max(0, Math.ceil(Math.min(p[0], q[0])));
  const u1 = Math.min(nu - 1, Math.floor(Math.max(p[0], q[0])));
  const v0 = Math.max(0, Math.ceil(Math.min(p[1], q[1])));
  const v1 = Math.min(nv - 1, Math.floor(Math.max(p[1], q[1])));
  const out: number[] = [];
  for (let u = u0; u <= u1; u++) for (let v = v0; v <= v1; v++) out.push(at(u, v));
  return Uint32Array.from(out);
}

/**
 * The voxels whose centre lies within `radiusMm` of `centre` on the slice (an ellipse in voxels
 * on anisotropic grids): the brush's disc, drawn once.
 */
export function circleIndices(grid: LabelGrid, slice: Slice, centre: PlanePoint, radiusMm: number): Uint32Array {
  assertGrid('circleIndices', grid);
  assertSlice('circleIndices', slice, grid.shape);
  checkPoint('circleIndices', 'centre', centre);
  const [au, av] = inPlaneAxes(slice.axis);
  const c = [0, 0, 0];
  c[slice.axis] = slice.index;
  c[au] = centre[0];
  c[av] = centre[1];
  return brushIndices(grid, { centre: [c[0], c[1], c[2]], radiusMm, axis: slice.axis });
}

/**
 * The voxels whose centre lies inside a freehand polygon (closed implicitly; even-odd rule, so
 * a self-crossing outline leaves its overlaps out). A centre exactly on the outline counts as
 * inside where a scan line enters or leaves the polygon there.
 */
export function polygonIndices(grid: LabelGrid, slice: Slice, points: readonly PlanePoint[]): Uint32Array {
  const fn = 'polygonIndices';
  assertGrid(fn, grid);
  assertSlice(fn, slice, grid.shape);
  if (!Array.isArray(points) || points.length < 3) {
    throw new RangeError(`${fn}: points must be at least three [u, v] points, got ${Array.isArray(points) ? points.length : describe(points)}`);
  }
  points.forEach((p, k) => checkPoint(fn, `points[${k}]`, p));
  const { nu, nv, at } = planeIndexer(grid, slice);
  let uMin = Infinity;
  let uMax = -Infinity;
  for (const [u] of points) {
    uMin = Math.min(uMin, u);
    uMax = Math.max(uMax, u);
  }
  const out: number[] = [];
  const crossings: number[] = [];
  // Scan lines at each integer u: where the outline crosses them, the inside alternates.
  for (let u = Math.max(0, Math.ceil(uMin)); u <= Math.min(nu - 1, Math.floor(uMax)); u++) {
    crossings.length = 0;
    for (let k = 0; k < points.length; k++) {
      const [pu, pv] = points[k];
      const [qu, qv] = points[(k + 1) % points.length];
      // Half-open rule: an edge counts when u lies in [min, max) of its ends, so a vertex on the
      // line is counted once and horizontal edges not at all.
      if (pu > u !== qu > u) crossings.push(pv + ((u - pu) * (qv - pv)) / (qu - pu));
    }
    crossings.sort((a, b) => a - b);
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      const v0 = Math.max(0, Math.ceil(crossings[k]));
      const v1 = Math.min(nv - 1, Math.floor(crossings[k + 1]));
      for (let v = v0; v <= v1; v++) out.push(at(u, v));
    }
  }
  return sortedUnique(out); // two spans may meet at one voxel centre

}
