/**
 * Resampling in world space: every target voxel centre is mapped through the target affine to
 * world coordinates and through the inverse source affine to a (fractional) source index, where
 * the source is sampled trilinearly or by nearest neighbour.
 */
import type { NumericArray } from '../stitching/types';
import type { Volume } from './volume';
import { assertAffine, columnNorms, copy4, invertAffine, multiply4, type Matrix4 } from './affine';
import { arrayConstructorOf } from './niftiDatatypes';
import { assertVolume, volumeLayout } from './layout';
import { describe } from '../util/validate';

/** Interpolation of `resampleToGrid`. */
export type ResampleMode = 'linear' | 'nearest';

/** A source index within this distance (in voxels) outside the first/last voxel centre still counts as inside (float noise). */
const EDGE_TOLERANCE = 1e-6;
/** Nearest neighbour rounds half up; this bias makes exact ties robust to float noise. */
const TIE_BIAS = 1e-6;

/** The source array of `resampleArray`: `[lead, ...spatial, trail]` row-major. */
export interface ResampleSource {
  data: NumericArray;
  spatial: readonly number[];
  /** Leading frames (resampled one by one); default 1. */
  lead?: number;
  /** Trailing channels (resampled together); default 1. */
  trail?: number;
}

/**
 * Resamples `[lead, ...spatial, trail]` data from one grid to another (the core of
 * `resampleToGrid`, also used for channels-last arrays).
 *
 * - `linear`: trilinear; a target voxel whose source position lies outside the source's voxel
 *   centres (beyond `[0, n − 1]` on any axis, as niivue's conform) gets `fill`. Float32Array out.
 * - `nearest`: the source voxel `floor(p + 0.5)` (round half up, as niivue's `Math.round`); outside
 *   `[0, n − 1]` gets `fill`. Same array type as the source.
 *
 * `sampleOffset` shifts the sampling positions by that many target voxels along every axis (0 by
 * default): a tiny negative offset breaks nearest-neighbour ties the opposite way, which makes a
 * nearest resampling the exact inverse of another one on grids that are offset by half a voxel.
 */
export function resampleArray(
  source: ResampleSource,
  sourceAffine: Matrix4,
  targetShape: readonly number[],
  targetAffine: Matrix4,
  mode: ResampleMode,
  fill = 0,
  sampleOffset = 0,
): NumericArray {
  const fn = 'resampleArray';
  if (mode !== 'linear' && mode !== 'nearest') throw new RangeError(`${fn}: mode must be 'linear' or 'nearest', got ${describe(mode)}`);
  if (typeof fill !== 'number') throw new RangeError(`${fn}: fill must be a number, got ${describe(fill)}`);
  const lead = source.lead ?? 1;
  const trail = source.trail ?? 1;
  const [n0, n1, n2] = source.spatial;
  const [m0, m1, m2] = targetShape;
  const m = multiply4(invertAffine(sourceAffine), targetAffine); // target index → source index
  const s0 = n1 * n2 * trail;
  const s1 = n2 * trail;
  const frameIn = n0 * s0;
  const frameOut = m0 * m1 * m2 * trail;
  const src = source.data;
  const out = mode === 'linear' ? new Float32Array(lead * frameOut) : new (arrayConstructorOf(src))(lead * frameOut);
  if (mode === 'nearest' && fill !== 0) {
    const probe = new (arrayConstructorOf(src))(1);
    probe[0] = fill;
    if (!Object.is(probe[0], fill)) throw new RangeError(`${fn}: fill ${fill} does not fit the source's array type`);
  }
  if (fill !== 0) out.fill(fill);
  const hi0 = n0 - 1 + EDGE_TOLERANCE;
  const hi1 = n1 - 1 + EDGE_TOLERANCE;
  const hi2 = n2 - 1 + EDGE_TOLERANCE;
  const b = sampleOffset;
  const single = lead === 1 && trail === 1;
  for (let t0 = 0; t0 < m0; t0++) {
    for (let t1 = 0; t1 < m1; t1++) {
      const u0 = t0 + b;
      const u1 = t1 + b;
      const bx = m[0][0] * u0 + m[0][1] * u1 + m[0][2] * b + m[0][3];
      const by = m[1][0] * u0 + m[1][1] * u1 + m[1][2] * b + m[1][3];
      const bz = m[2][0] * u0 + m[2][1] * u1 + m[2][2] * b + m[2][3];
      const dx = m[0][2];
      const dy = m[1][2];
      const dz = m[2][2];
      const rowOut = (t0 * m1 + t1) * m2 * trail;
      for (let t2 = 0; t2 < m2; t2++) {
        const x = bx + t2 * dx;
        const y = by + t2 * dy;
        const z = bz + t2 * dz;
        const o = rowOut + t2 * trail;
        if (mode === 'nearest') {
          const i0 = Math.floor(x + 0.5 + TIE_BIAS);
          const i1 = Math.floor(y + 0.5 + TIE_BIAS);
          const i2 = Math.floor(z + 0.5 + TIE_BIAS);
          if (i0 < 0 || i1 < 0 || i2 < 0 || i0 >= n0 || i1 >= n1 || i2 >= n2) continue;
          const p = i0 * s0 + i1 * s1 + i2 * trail;
          if (single) out[o] = src[p];
          else for (let l = 0; l < lead; l++) for (let c = 0; c < trail; c++) out[l * frameOut + o + c] = src[l * frameIn + p + c];
          continue;
        }
        if (x < -EDGE_TOLERANCE || y < -EDGE_TOLERANCE || z < -EDGE_TOLERANCE || x > hi0 || y > hi1 || z > hi2) continue;
        let a0 = Math.floor(x);
        let a1 = Math.floor(y);
        let a2 = Math.floor(z);
        let f0 = x - a0;
        let f1 = y - a1;
        let f2 = z - a2;
        let d0 = s0;
        let d1 = s1;
        let d2 = trail;
        if (a0 < 0) {
          a0 = 0;
          f0 = 0;
        }
        if (a1 < 0) {
          a1 = 0;
          f1 = 0;
        }
        if (a2 < 0) {
          a2 = 0;
          f2 = 0;
        }
        if (a0 >= n0 - 1) {
          a0 = n0 - 1;
          f0 = 0;
          d0 = 0;
        }
        if (a1 >= n1 - 1) {
          a1 = n1 - 1;
          f1 = 0;
          d1 = 0;
        }
        if (a2 >= n2 - 1) {
          a2 = n2 - 1;
          f2 = 0;
          d2 = 0;
        }
        const g0 = 1 - f0;
        const g1 = 1 - f1;
        const g2 = 1 - f2;
        const w000 = g0 * g1 * g2;
        const w001 = g0 * g1 * f2;
        const w010 = g0 * f1 * g2;
        const w011 = g0 * f1 * f2;
        const w100 = f0 * g1 * g2;
        const w101 = f0 * g1 * f2;
        const w110 = f0 * f1 * g2;
        const w111 = f0 * f1 * f2;
        const p = a0 * s0 + a1 * s1 + a2 * trail;
        if (single) {
          out[o] =
            src[p] * w000 +
            src[p + d2] * w001 +
            src[p + d1] * w010 +
            src[p + d1 + d2] * w011 +
            src[p + d0] * w100 +
            src[p + d0 + d2] * w101 +
            src[p + d0 + d1] * w110 +
            src[p + d0 + d1 + d2] * w111;
          continue;
        }
        for (let l = 0; l < lead; l++) {
          for (let c = 0; c < trail; c++) {
            const q = l * frameIn + p + c;
            out[l * frameOut + o + c] =
              src[q] * w000 +
              src[q + d2] * w001 +
              src[q + d1] * w010 +
              src[q + d1 + d2] * w011 +
              src[q + d0] * w100 +
              src[q + d0 + d2] * w101 +
              src[q + d0 + d1] * w110 +
              src[q + d0 + d1 + d2] * w111;
          }
        }
      }
    }
  }
  return out;
}

/**
 * Resamples a volume onto another grid (shape and affine) in world space: `'linear'` (trilinear,
 * Float32Array out) or `'nearest'` (nearest neighbour, same array type; for labels). Target voxels
 * whose centre falls outside the source's voxel centres get `fill`. A 4-D volume
 * (`[nt, …spatial]`) is resampled frame by frame. The input is not modified.
 * @param targetShape three spatial extents of the target grid (array order).
 * @param targetAffine the target grid's array-index → world affine.
 * @throws `resampleToGrid: …` for invalid arguments.
 */
export function resampleToGrid(volume: Volume, targetShape: number[], targetAffine: Matrix4, mode: ResampleMode, fill = 0): Volume {
  const fn = 'resampleToGrid';
  assertVolume(fn, 'volume', volume);
  if (!Array.isArray(targetShape) || targetShape.length !== 3 || !targetShape.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new RangeError(`${fn}: targetShape must be three positive integers, got ${describe(targetShape)}`);
  }
  assertAffine(fn, 'targetAffine', targetAffine);
  if (mode !== 'linear' && mode !== 'nearest') throw new RangeError(`${fn}: mode must be 'linear' or 'nearest', got ${describe(mode)}`);
  if (typeof fill !== 'number') throw new RangeError(`${fn}: fill must be a number, got ${describe(fill)}`);
  const layout = volumeLayout(volume);
  const data = resampleArray({ data: volume.data, spatial: layout.spatial, lead: layout.lead }, volume.affine, targetShape, targetAffine, mode, fill);
  return {
    data,
    shape: layout.extra === 'lead' ? [layout.lead, ...targetShape] : [...targetShape],
    spacing: columnNorms(targetAffine),
    affine: copy4(targetAffine),
  };
}
