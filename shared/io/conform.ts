/**
 * brainchop-compatible conforming: niivue's `conform()` (FreeSurfer style: 256³ voxels of 1 mm,
 * LIA, uint8), expressed on PatchLens Volumes, plus the exact inverse geometry that maps a model's
 * output back onto the original image grid.
 *
 * What niivue does (`conformVox2Vox`, `resampleVolume`, `getScale`, `scalecropUint8` in niivue's
 * ImageProcessing; brainchop calls `nv.conform(volume, toRAS = false)`, i.e. linear, not robust):
 * 1. Output grid: NIfTI i, j, k axes point L, I, A (direction cosines `[[-1,0,0],[0,0,-1],[0,1,0]]`
 *    as columns), 1 mm, 256³. Centre: the source voxel position `dims/2` (FreeSurfer's c_ras, i.e.
 *    `ni/2, nj/2, nk/2`, not `(n−1)/2`) maps to output voxel `256/2 = 128`.
 * 2. Resampling: trilinear on the source's scaled values (Float32); output voxels whose source
 *    position lies outside `[0, n − 1]` (floor < 0 or ceil ≥ n) stay 0. (Nearest: `Math.round`.)
 * 3. Intensities to uint8 (FastSurfer's `getscale` + `scalecrop`, f_low = 0, f_high = 0.999):
 *    a uint8 source is only shifted (`v − min`, scale 1). Otherwise `srcMin` = the global minimum
 *    and `srcMax` ≈ the 99.9th percentile of the non-zero voxels: with 1000 histogram bins over
 *    [min, max] and `nth = N − ⌊0.001 · nonzero⌋`, niivue's loop stops at the bin BEFORE the first
 *    one whose cumulative count reaches nth and takes its lower edge (FastSurfer's conform.py takes
 *    the edge one bin higher; we follow niivue). `out = clamp(255 · (v − srcMin) / (srcMax −
 *    srcMin), 0, 255)`, computed from the Float32 resampled value and truncated (not rounded) into
 *    a Uint8Array. The histogram is of the SOURCE image, the mapping applied to the resampled one.
 * 4. brainchop skips conform when the image already has 256³ voxels in LIA (its `ensureConformed`
 *    checks only dims and orientation) and then feeds the image as it is.
 * brainchop then reads niivue's NIfTI-ordered buffer (i fastest) as `[k][j][i]` and transposes it,
 * so the model's tensor axes are `[i, j, k]` = array-order `'LIA'`: exactly the array of the
 * conformed Volume returned here (axis 0 = L, 1 = I, 2 = A).
 *
 * Deviations (all documented in `conformVolume`): the grid is generalised (shape, voxel size and
 * orientation are options; the defaults reproduce niivue); the "already conformed" shortcut also
 * requires the voxel size to match (brainchop's does not); a NIfTI stored as uint8 WITH a scl_slope
 * is a Float32 volume here and gets the histogram scaling (niivue: the uint8 shift); positions
 * within 1e-6 voxel of the edge count as inside (float noise).
 */
import type { NumericArray } from '../stitching/types';
import type { Volume } from './volume';
import { applyAffine, columnNorms, copy4, type Matrix4 } from './affine';
import { assertVolume, layoutOnGrid, shapeWithLayout } from './layout';
import { axisCodes, axisTransform, directionsFromCodes, parseAxisCodes, reorient } from './orientation';
import { resampleArray, type ResampleMode } from './resample';
import { describe } from '../util/validate';

/** Options of `conformVolume` (defaults: brainchop's / niivue's conform). */
export interface ConformOptions {
  /** Output spatial shape in array order (default `[256, 256, 256]`). */
  shape?: number[];
  /** Output voxel size in mm per array axis (default `[1, 1, 1]`). */
  voxelSize?: number[];
  /** Output orientation, array-order codes (default `'LIA'`: brainchop's model tensor order). */
  orientation?: string;
  /** Rescale intensities to uint8 as niivue does (default true); false keeps the resampled values. */
  toUint8?: boolean;
  /** Interpolation (default `'linear'`, niivue's `isLinear = true`); `'nearest'` for label images. */
  interpolation?: ResampleMode;
  /** Reuse an image that is already on such a grid by an exact reorientation, as brainchop does (default true). */
  reuseConformed?: boolean;
}

/** The result of `conformVolume`. */
export interface Conformed {
  /** The conformed volume (array order = the requested orientation). */
  volume: Volume;
  /**
   * Maps anything on the conformed grid (shape = the conformed shape, optionally with a trailing
   * channel axis) back onto the ORIGINAL image grid with the exact inverse geometry: labels with
   * `'nearest'` (same array type), probabilities with `'linear'` (Float32Array). Source voxels
   * outside the conformed field of view get 0. The result has the source's shape, spacing and
   * affine, so it can be written "like" the input and overlays it in any viewer.
   */
  toSource: (v: Volume, mode: ResampleMode) => Volume;
  /** `'resampled'` (niivue's conform) or `'reoriented'` (already conformed: exact axis permutation, intensities untouched). */
  method: 'resampled' | 'reoriented';
  /** The uint8 mapping `clamp(scale · (v − srcMin), 0, 255)` when it was applied. */
  intensity?: { srcMin: number; scale: number };
}

/**
 * The conformed grid's affine: axis directions from `orientation`, voxel size `voxelSize`, and the
 * source's centre (its voxel position `shape/2`, FreeSurfer's c_ras) at output voxel `shape/2`.
 */
export function conformAffine(
  sourceShape: readonly number[],
  sourceAffine: Matrix4,
  shape: readonly number[],
  voxelSize: readonly number[],
  orientation: string,
): Matrix4 {
  const dirs = directionsFromCodes(orientation);
  const centre = applyAffine(sourceAffine, sourceShape.map((n) => n / 2));
  const t: Matrix4 = [0, 1, 2].map((r) => [dirs[0][r] * voxelSize[0], dirs[1][r] * voxelSize[1], dirs[2][r] * voxelSize[2], 0]);
  t.push([0, 0, 0, 1]);
  for (let r = 0; r < 3; r++) t[r][3] = centre[r] - (t[r][0] * shape[0] + t[r][1] * shape[1] + t[r][2] * shape[2]) / 2;
  return t;
}

/**
 * niivue's uint8 intensity mapping of a source image (FastSurfer `getscale` with f_low = 0,
 * f_high = 0.999, 1000 histogram bins): `[srcMin, scale]` such that
 * `uint8 = clamp(scale · (v − srcMin), 0, 255)`. A Uint8Array source gets `[min, 1]`.
 */
export function niivueUint8Scale(data: NumericArray): { srcMin: number; scale: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (data instanceof Uint8Array) return { srcMin: min, scale: 1 };
  const voxnum = data.length;
  const binSize = (max - min) / 1000;
  if (!(binSize > 0) || !Number.isFinite(binSize)) return { srcMin: min, scale: 1 };
  let nz = 0;
  const hist = new Float64Array(1000);
  for (let i = 0; i < voxnum; i++) {
    const v = data[i];
    if (Math.abs(v) >= 1e-15) nz++;
    const bin = Math.min(Math.floor((v - min) / binSize), 999);
    if (bin >= 0) hist[bin]++;
  }
  const fHigh = 0.999;
  const nth = voxnum - Math.floor((1.0 - fHigh) * nz);
  let cs = hist[0];
  let idx = 0;
  while (idx < 999) {
    const next = cs + hist[idx + 1];
    if (next >= nth) break;
    cs = next;
    idx++;
  }
  const srcMax = idx * binSize + min;
  return { srcMin: min, scale: srcMax !== min ? 255 / (srcMax - min) : 1 };
}

function sameWithin(a: readonly number[], b: readonly number[], tol: number): boolean {
  return a.length === b.length && a.every((v, k) => Math.abs(v - b[k]) <= tol * Math.max(1, Math.abs(b[k])));
}

function maxAbsDiff(a: Matrix4, b: Matrix4): number {
  let d = 0;
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) d = Math.max(d, Math.abs(a[r][c] - b[r][c]));
  return d;
}

/**
 * Conforms a 3-D volume the way brainchop does before a model sees it (niivue's `conform()`;
 * see the module comment for the exact algorithm and the deviations): resample to `shape` voxels
 * of `voxelSize` mm in `orientation`, centred on the source, linear interpolation, intensities to
 * uint8. When the volume already has that grid up to an axis permutation (same shape, voxel
 * size and orientation codes after reorientation) it is only reoriented, exactly, and its
 * intensities are left as they are — brainchop's shortcut (`method: 'reoriented'`).
 * The input is not modified.
 * @throws `conformVolume: …` for a 4-D or invalid volume or invalid options.
 */
export function conformVolume(volume: Volume, options: ConformOptions = {}): Conformed {
  const fn = 'conformVolume';
  assertVolume(fn, 'volume', volume);
  if (volume.shape.length !== 3) throw new RangeError(`${fn}: volume must be 3-D, got shape ${describe(volume.shape)}`);
  const shape = options.shape ?? [256, 256, 256];
  const voxelSize = options.voxelSize ?? [1, 1, 1];
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every((s) => Number.isInteger(s) && s >= 1)) {
    throw new RangeError(`${fn}: options.shape must be three positive integers, got ${describe(shape)}`);
  }
  if (!Array.isArray(voxelSize) || voxelSize.length !== 3 || !voxelSize.every((s) => typeof s === 'number' && Number.isFinite(s) && s > 0)) {
    throw new RangeError(`${fn}: options.voxelSize must be three positive numbers, got ${describe(voxelSize)}`);
  }
  const orientation = parseAxisCodes(fn, options.orientation ?? 'LIA');
  const interpolation = options.interpolation ?? 'linear';
  if (interpolation !== 'linear' && interpolation !== 'nearest') {
    throw new RangeError(`${fn}: options.interpolation must be 'linear' or 'nearest', got ${describe(interpolation)}`);
  }
  const toUint8 = options.toUint8 ?? true;
  const sourceShape = [...volume.shape];
  const sourceAffine = copy4(volume.affine);
  const sourceSpacing = [...volume.spacing];

  // brainchop's shortcut: already on a conformed grid up to a permutation of the axes
  const tr = axisTransform(axisCodes(volume.affine), orientation);
  const norms = columnNorms(volume.affine);
  if (
    (options.reuseConformed ?? true) &&
    sameWithin(tr.perm.map((s) => sourceShape[s]), shape, 0) &&
    sameWithin(tr.perm.map((s) => norms[s]), voxelSize, 1e-4)
  ) {
    const r = reorient(volume, orientation);
    return { volume: r.volume, toSource: (v: Volume) => r.inverse(v), method: 'reoriented' };
  }

  const affine = conformAffine(sourceShape, sourceAffine, shape, voxelSize, orientation);
  const resampled = resampleArray({ data: volume.data, spatial: sourceShape }, sourceAffine, shape, affine, interpolation, 0);
  let data: NumericArray = resampled;
  let intensity: Conformed['intensity'];
  if (toUint8) {
    intensity = niivueUint8Scale(volume.data);
    const f32 = resampled instanceof Float32Array ? resampled : Float32Array.from(resampled);
    const out = new Uint8Array(f32.length);
    const { srcMin, scale } = intensity;
    for (let i = 0; i < f32.length; i++) {
      let v = scale * (f32[i] - srcMin);
      v = Math.max(v, 0);
      v = Math.min(v, 255);
      out[i] = v; // truncation, as niivue's Uint8Array store
    }
    data = out;
  }
  const conformed: Volume = { data, shape: [...shape], spacing: [...voxelSize], affine };

  const toSource = (v: Volume, mode: ResampleMode): Volume => {
    const ts = 'conformVolume.toSource';
    if (typeof v !== 'object' || v === null) throw new TypeError(`${ts}: v must be a Volume, got ${describe(v)}`);
    if (mode !== 'linear' && mode !== 'nearest') throw new RangeError(`${ts}: mode must be 'linear' or 'nearest', got ${describe(mode)}`);
    const layout = layoutOnGrid(ts, 'v', v.shape, shape);
    if (layout.extra === 'lead') throw new RangeError(`${ts}: v may have a trailing channel axis, not a leading one (shape ${describe(v.shape)})`);
    if (v.data.length !== v.shape.reduce((a, b) => a * b, 1)) throw new RangeError(`${ts}: v.data length does not match v.shape`);
    if (Array.isArray(v.affine) && v.affine.length === 4 && maxAbsDiff(v.affine, affine) > 1e-3) {
      throw new RangeError(`${ts}: v.affine is not the conformed grid's affine (is v on the conformed grid?)`);
    }
    // Nearest: sample at source index − 1e-3 so that exact ties (grids offset by half a voxel) go
    // the opposite way from the forward rounding: toSource(conform(labels, nearest)) is then exact.
    const data2 = resampleArray(
      { data: v.data, spatial: shape, trail: layout.trail },
      affine,
      sourceShape,
      sourceAffine,
      mode,
      0,
      mode === 'nearest' ? -1e-3 : 0,
    );
    return { data: data2, shape: shapeWithLayout(layout, sourceShape), spacing: [...sourceSpacing], affine: copy4(sourceAffine) };
  };
  return { volume: conformed, toSource, method: 'resampled', intensity };
}
