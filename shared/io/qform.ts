/**
 * NIfTI qform: the quaternion representation of a rigid ijk→xyz transform plus voxel sizes
 * (`nifti_quatern_to_mat44` / `nifti_mat44_to_quatern` of nifti1_io.c). Matrices here are in
 * NIfTI order (columns i, j, k), not in a Volume's array order.
 */
import { det3, polar3, type Matrix4 } from './affine';

/** The qform parameters of a NIfTI header. */
export interface QuaternParams {
  /** Quaternion b, c, d (a is implied: a = √(1 − b² − c² − d²)). */
  b: number;
  c: number;
  d: number;
  /** Offsets (the world position of voxel 0, 0, 0). */
  x: number;
  y: number;
  z: number;
  /** pixdim[0]: −1 for a left-handed ijk frame, else 1. */
  qfac: number;
}

/**
 * The ijk→xyz matrix of a qform: rotation from the quaternion, columns scaled by the voxel
 * sizes `dx, dy, dz` (non-positive sizes count as 1, as nifti1_io does) and the k column by qfac.
 */
export function quaternToMatrix(q: QuaternParams, dx: number, dy: number, dz: number): Matrix4 {
  let { b, c, d } = q;
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // a ≈ 0: a 180° rotation; renormalise b, c, d (nifti1_io does the same)
    const s = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= s;
    c *= s;
    d *= s;
    a = 0;
  } else {
    a = Math.sqrt(a);
  }
  const xd = dx > 0 ? dx : 1;
  const yd = dy > 0 ? dy : 1;
  let zd = dz > 0 ? dz : 1;
  if (q.qfac < 0) zd = -zd;
  return [
    [(a * a + b * b - c * c - d * d) * xd, 2 * (b * c - a * d) * yd, 2 * (b * d + a * c) * zd, q.x],
    [2 * (b * c + a * d) * xd, (a * a + c * c - b * b - d * d) * yd, 2 * (c * d - a * b) * zd, q.y],
    [2 * (b * d - a * c) * xd, 2 * (c * d + a * b) * yd, (a * a + d * d - c * c - b * b) * zd, q.z],
    [0, 0, 0, 1],
  ];
}

/**
 * The qform parameters closest to an ijk→xyz matrix, and the voxel sizes (column norms) that go
 * into pixdim[1..3]. A sheared matrix is orthogonalised first (its qform is then approximate;
 * the sform keeps it exactly).
 */
export function matrixToQuatern(m: readonly (readonly number[])[]): { quatern: QuaternParams; pixdim: number[] } {
  const cols = [0, 1, 2].map((c) => [m[0][c], m[1][c], m[2][c]]);
  const pixdim = cols.map((col) => Math.hypot(col[0], col[1], col[2]));
  const unit = cols.map((col, c) => (pixdim[c] > 0 ? col.map((v) => v / pixdim[c]) : [c === 0 ? 1 : 0, c === 1 ? 1 : 0, c === 2 ? 1 : 0]));
  // rows of the 3×3 direction matrix
  const r = polar3([0, 1, 2].map((row) => [unit[0][row], unit[1][row], unit[2][row]]));
  let qfac = 1;
  if (det3(r) < 0) {
    qfac = -1;
    for (let row = 0; row < 3; row++) r[row][2] = -r[row][2];
  }
  const [r11, r12, r13] = r[0];
  const [r21, r22, r23] = r[1];
  const [r31, r32, r33] = r[2];
  let a = r11 + r22 + r33 + 1;
  let b: number;
  let c: number;
  let d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { quatern: { b, c, d, x: m[0][3], y: m[1][3], z: m[2][3], qfac }, pixdim };
}

function float32Ulp(x: number): number {
  return 2 ** (Math.floor(Math.log2(Math.abs(x))) - 23);
}

/**
 * The quaternion's b, c, d rounded to float32 (NIfTI-1 stores them so) such that
 * b² + c² + d² ≤ 1. For a (near) 180° rotation (a ≈ 0) plain rounding can push the sum just above
 * 1, which readers that compute a = √(1 − b² − c² − d²) without nifti1_io's guard turn into NaN;
 * among the float32 neighbours of b, c, d (±1 step each) the one with the largest sum ≤ 1 is taken,
 * which keeps such readers' spurious a as small as float32 allows (nifti1_io-style readers, which
 * treat a < 1e-7 as 0, get the rotation to float32 precision either way).
 */
export function float32Quatern(q: QuaternParams): QuaternParams {
  const r = [Math.fround(q.b), Math.fround(q.c), Math.fround(q.d)];
  const sum = (v: number[]) => v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
  if (sum(r) <= 1 && 1 - (q.b * q.b + q.c * q.c + q.d * q.d) > 1e-6) return { ...q, b: r[0], c: r[1], d: r[2] };
  let best: number[] | undefined;
  const steps = r.map((x) => (x === 0 ? [0] : [-1, 0, 1])); // an exact 0 stays 0
  for (const i of steps[0]) {
    for (const j of steps[1]) {
      for (const k of steps[2]) {
        const v = [Math.fround(r[0] + i * float32Ulp(r[0])), Math.fround(r[1] + j * float32Ulp(r[1])), Math.fround(r[2] + k * float32Ulp(r[2]))];
        if (sum(v) <= 1 && (!best || sum(v) > sum(best))) best = v;
      }
    }
  }
  const v = best ?? r.map((x) => Math.fround(x * (1 - 2 ** -20)));
  return { ...q, b: v[0], c: v[1], d: v[2] };
}
