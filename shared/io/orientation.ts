/**
 * Orientation of a Volume's array axes, in ARRAY order (slowest axis first), as in `ModelSpec`:
 * `'LIA'` means array axis 0 runs toward the Left, axis 1 Inferior, axis 2 Anterior. (A NIfTI
 * file whose i, j, k axes are R, A, S is read as array axes k, j, i: `'SAR'`.)
 */
import type { NumericArray } from '../stitching/types';
import type { Volume } from './volume';
import { assertAffine, copy4, multiply4, polar3, type Matrix4 } from './affine';
import { arrayConstructorOf } from './niftiDatatypes';
import { assertVolume, layoutOnGrid, shapeWithLayout, volumeLayout } from './layout';
import { describe } from '../util/validate';

const POSITIVE = ['R', 'A', 'S'];
const NEGATIVE = ['L', 'P', 'I'];

/**
 * The world axis (0 x, 1 y, 2 z) and sign of an axis code letter.
 * @throws for a letter other than L, R, A, P, S, I.
 */
function letterDirection(fn: string, letter: string): { world: number; sign: 1 | -1 } {
  const p = POSITIVE.indexOf(letter);
  if (p >= 0) return { world: p, sign: 1 };
  const n = NEGATIVE.indexOf(letter);
  if (n >= 0) return { world: n, sign: -1 };
  throw new RangeError(`${fn}: unknown axis code ${describe(letter)} (use L/R, A/P, S/I)`);
}

/**
 * Validates orientation codes: three letters, one of L/R, one of A/P, one of S/I (case-insensitive).
 * @returns the codes in upper case.
 */
export function parseAxisCodes(fn: string, codes: unknown): string {
  if (typeof codes !== 'string' || codes.length !== 3) {
    throw new RangeError(`${fn}: codes must be three letters such as 'LIA' or 'RAS', got ${describe(codes)}`);
  }
  const upper = codes.toUpperCase();
  const worlds = [...upper].map((l) => letterDirection(fn, l).world);
  if (new Set(worlds).size !== 3) {
    throw new RangeError(`${fn}: codes must name each of L/R, A/P, S/I exactly once, got ${describe(codes)}`);
  }
  return upper;
}

/**
 * Unit world direction (RAS+) of each array axis for orientation codes: `'LIA'` → `[[-1,0,0], [0,0,-1], [0,1,0]]`.
 */
export function directionsFromCodes(codes: string): number[][] {
  const c = parseAxisCodes('directionsFromCodes', codes);
  return [...c].map((letter) => {
    const { world, sign } = letterDirection('directionsFromCodes', letter);
    const v = [0, 0, 0];
    v[world] = sign;
    return v;
  });
}

/**
 * Orientation codes of an affine's array axes, in array order (nibabel's `aff2axcodes` applied to
 * a Volume's affine): each array axis gets the world direction it is closest to, after removing
 * voxel sizes and shear (polar decomposition), with every world axis used once.
 * @example axisCodes(readNifti(ch2).affine) === 'SAR' // NIfTI i, j, k = R, A, S, read as k, j, i
 */
export function axisCodes(affine: Matrix4): string {
  assertAffine('axisCodes', 'affine', affine);
  const cols = [0, 1, 2].map((c) => {
    const v = [affine[0][c], affine[1][c], affine[2][c]];
    const n = Math.hypot(v[0], v[1], v[2]);
    return v.map((x) => x / n);
  });
  const q = polar3([0, 1, 2].map((r) => [cols[0][r], cols[1][r], cols[2][r]]));
  const out = ['', '', ''];
  const rowUsed = [false, false, false];
  const colUsed = [false, false, false];
  for (let step = 0; step < 3; step++) {
    let best = -1;
    let br = 0;
    let bc = 0;
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        if (!rowUsed[r] && !colUsed[c] && Math.abs(q[r][c]) > best) {
          best = Math.abs(q[r][c]);
          br = r;
          bc = c;
        }
      }
    }
    rowUsed[br] = true;
    colUsed[bc] = true;
    out[bc] = q[br][bc] > 0 ? POSITIVE[br] : NEGATIVE[br];
  }
  return out.join('');
}

/** How the array axes of one orientation map onto another: output axis t reads input axis `perm[t]`, reversed when `flip[t]`. */
export interface AxisTransform {
  perm: number[];
  flip: boolean[];
}

/** The permutation and flips that take arrays with orientation `from` to orientation `to` (both array-order codes). */
export function axisTransform(from: string, to: string): AxisTransform {
  const f = parseAxisCodes('axisTransform', from);
  const t = parseAxisCodes('axisTransform', to);
  const perm: number[] = [];
  const flip: boolean[] = [];
  for (const letter of t) {
    const { world, sign } = letterDirection('axisTransform', letter);
    const s = [...f].findIndex((l) => letterDirection('axisTransform', l).world === world);
    perm.push(s);
    flip.push(letterDirection('axisTransform', f[s]).sign !== sign);
  }
  return { perm, flip };
}

/**
 * Copies `[lead, n0, n1, n2, trail]` data into `[lead, n[perm[0]], n[perm[1]], n[perm[2]], trail]`,
 * reversing the output axes marked in `flip`. Exact (no interpolation); same array type.
 */
export function permuteAxes(
  data: NumericArray,
  lead: number,
  spatial: readonly number[],
  trail: number,
  { perm, flip }: AxisTransform,
): NumericArray {
  const out = new (arrayConstructorOf(data))(data.length);
  const strides = [spatial[1] * spatial[2] * trail, spatial[2] * trail, trail];
  const frame = spatial[0] * spatial[1] * spatial[2] * trail;
  const m = perm.map((s) => spatial[s]);
  const step = perm.map((s, t) => (flip[t] ? -strides[s] : strides[s]));
  let base = 0;
  perm.forEach((s, t) => {
    if (flip[t]) base += (spatial[s] - 1) * strides[s];
  });
  let o = 0;
  for (let l = 0; l < lead; l++) {
    const fb = l * frame + base;
    for (let x0 = 0; x0 < m[0]; x0++) {
      const p0 = fb + x0 * step[0];
      for (let x1 = 0; x1 < m[1]; x1++) {
        const p1 = p0 + x1 * step[1];
        const s2 = step[2];
        if (trail === 1) {
          for (let x2 = 0, p = p1; x2 < m[2]; x2++, p += s2) out[o++] = data[p];
        } else {
          for (let x2 = 0, p = p1; x2 < m[2]; x2++, p += s2) for (let c = 0; c < trail; c++) out[o++] = data[p + c];
        }
      }
    }
  }
  return out;
}

/** The affine of the permuted grid: `A' = A · T` where T maps new indices to old ones. */
function permutedAffine(affine: Matrix4, spatial: readonly number[], { perm, flip }: AxisTransform): Matrix4 {
  const t: Matrix4 = [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 1],
  ];
  perm.forEach((s, k) => {
    t[s][k] = flip[k] ? -1 : 1;
    t[s][3] = flip[k] ? spatial[s] - 1 : 0;
  });
  return multiply4(affine, t);
}

/** The result of `reorient`. */
export interface Reoriented {
  /** The volume with its array axes permuted and flipped to the requested orientation. */
  volume: Volume;
  /**
   * Maps an array on the reoriented grid (shape = the reoriented spatial shape, optionally with a
   * trailing channel axis or a leading frame axis) back onto the original grid, exactly. The
   * result has the original spatial shape, spacing and affine, and the same array type.
   */
  inverse: (v: Volume) => Volume;
}

/**
 * Reorients a volume to array-order orientation `codes` by an exact permutation and flips of its
 * three spatial axes (no interpolation). The affine is updated so that every voxel keeps its
 * world position; spacing is permuted with the axes. A 4-D volume (`[nt, …spatial]`) keeps its
 * leading axis. An oblique volume gets the closest orientation (its affine stays oblique).
 * The input is not modified; the output is always a fresh array.
 * @throws `reorient: …` for an invalid volume or codes.
 */
export function reorient(volume: Volume, codes: string): Reoriented {
  const fn = 'reorient';
  assertVolume(fn, 'volume', volume);
  const target = parseAxisCodes(fn, codes);
  const layout = volumeLayout(volume);
  const tr = axisTransform(axisCodes(volume.affine), target);
  const spatial = layout.spatial;
  const newSpatial = tr.perm.map((s) => spatial[s]);
  const spacing = volume.spacing.length >= 3 ? tr.perm.map((s) => volume.spacing[volume.spacing.length - 3 + s]) : [...volume.spacing];
  const out: Volume = {
    data: permuteAxes(volume.data, layout.lead, spatial, 1, tr),
    shape: shapeWithLayout(layout, newSpatial),
    spacing,
    affine: permutedAffine(volume.affine, spatial, tr),
  };
  const back: AxisTransform = { perm: [0, 0, 0], flip: [false, false, false] };
  tr.perm.forEach((s, t) => {
    back.perm[s] = t;
    back.flip[s] = tr.flip[t];
  });
  const originalAffine = copy4(volume.affine);
  const originalSpacing = [...volume.spacing];
  const inverse = (v: Volume): Volume => {
    const inv = 'reorient.inverse';
    if (typeof v !== 'object' || v === null) throw new TypeError(`${inv}: v must be a Volume, got ${describe(v)}`);
    const l = layoutOnGrid(inv, 'v', v.shape, newSpatial);
    if (v.data.length !== v.shape.reduce((a, b) => a * b, 1)) throw new RangeError(`${inv}: v.data length does not match v.shape`);
    return {
      data: permuteAxes(v.data, l.lead, newSpatial, l.trail, back),
      shape: shapeWithLayout(l, spatial),
      spacing: [...originalSpacing],
      affine: copy4(originalAffine),
    };
  };
  return { volume: out, inverse };
}
