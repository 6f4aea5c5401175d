/**
 * 4×4 affine helpers (row-major nested arrays, `m[row][col]`), used by the NIfTI reader/writer,
 * reorientation, resampling and conforming. Plain number arrays, double precision.
 */

/** A 4×4 matrix as row-major nested arrays. */
export type Matrix4 = number[][];

/** Deep copy of a 4×4 matrix. */
export function copy4(m: readonly (readonly number[])[]): Matrix4 {
  return m.map((row) => [...row]);
}

/** Throws unless `m` is a 4×4 matrix of finite numbers whose 3×3 part is invertible. */
export function assertAffine(fn: string, name: string, m: unknown): asserts m is Matrix4 {
  const ok =
    Array.isArray(m) &&
    m.length === 4 &&
    m.every((row) => Array.isArray(row) && row.length === 4 && row.every((v) => typeof v === 'number' && Number.isFinite(v)));
  if (!ok) throw new RangeError(`${fn}: ${name} must be a 4×4 array of finite numbers`);
  const a = m as Matrix4;
  if (Math.abs(det3(a)) < 1e-12) throw new RangeError(`${fn}: ${name} is singular (its 3×3 part has determinant 0)`);
}

/** Product `a · b` of two 4×4 matrices. */
export function multiply4(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): Matrix4 {
  const out: Matrix4 = [[], [], [], []];
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r][k] * b[k][c];
      out[r][c] = s;
    }
  }
  return out;
}

/** Determinant of the upper-left 3×3 block. */
export function det3(m: readonly (readonly number[])[]): number {
  return (
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
  );
}

/**
 * Inverse of an affine 4×4 matrix (last row `[0, 0, 0, 1]`).
 * @throws when the 3×3 part is singular.
 */
export function invertAffine(m: readonly (readonly number[])[]): Matrix4 {
  const d = det3(m);
  if (d === 0 || !Number.isFinite(d)) throw new RangeError('invertAffine: the matrix is singular');
  const [a, b, c] = [m[0], m[1], m[2]];
  const inv: Matrix4 = [
    [(b[1] * c[2] - b[2] * c[1]) / d, (a[2] * c[1] - a[1] * c[2]) / d, (a[1] * b[2] - a[2] * b[1]) / d, 0],
    [(b[2] * c[0] - b[0] * c[2]) / d, (a[0] * c[2] - a[2] * c[0]) / d, (a[2] * b[0] - a[0] * b[2]) / d, 0],
    [(b[0] * c[1] - b[1] * c[0]) / d, (a[1] * c[0] - a[0] * c[1]) / d, (a[0] * b[1] - a[1] * b[0]) / d, 0],
    [0, 0, 0, 1],
  ];
  for (let r = 0; r < 3; r++) inv[r][3] = -(inv[r][0] * m[0][3] + inv[r][1] * m[1][3] + inv[r][2] * m[2][3]);
  return inv;
}

/** Applies an affine to a point `[p0, p1, p2]` (homogeneous 1 implied); returns the first three coordinates. */
export function applyAffine(m: readonly (readonly number[])[], p: readonly number[]): number[] {
  return [0, 1, 2].map((r) => m[r][0] * p[0] + m[r][1] * p[1] + m[r][2] * p[2] + m[r][3]);
}

/** Euclidean norms of the first three columns (the voxel sizes of an index→world affine). */
export function columnNorms(m: readonly (readonly number[])[]): number[] {
  return [0, 1, 2].map((c) => Math.hypot(m[0][c], m[1][c], m[2][c]));
}

/**
 * Reverses the order of the first three columns: converts NIfTI's ijk→xyz matrix into the
 * array-order (`[k, j, i]`) affine of a Volume, and back (the operation is its own inverse).
 */
export function reverseSpatialColumns(m: readonly (readonly number[])[]): Matrix4 {
  return m.map((row) => [row[2], row[1], row[0], row[3]]);
}

/**
 * Polar decomposition of a 3×3 matrix: the orthogonal factor `Q` of `A = Q·P` (Newton iteration
 * `X ← (X + X⁻ᵀ)/2`, as `nifti_mat33_polar`). Used to find the rotation closest to an oblique or
 * sheared direction matrix.
 */
export function polar3(a: readonly (readonly number[])[]): number[][] {
  let x = [0, 1, 2].map((r) => [a[r][0], a[r][1], a[r][2]]);
  for (let iter = 0; iter < 100; iter++) {
    const d = det3(x);
    if (d === 0) break;
    const inv = invertAffine([...x.map((row) => [...row, 0]), [0, 0, 0, 1]]);
    let change = 0;
    const next = x.map((row, r) =>
      row.map((v, c) => {
        const n = 0.5 * (v + inv[c][r]); // (X + X^{-T}) / 2
        change += Math.abs(n - v);
        return n;
      }),
    );
    x = next;
    if (change < 1e-15) break;
  }
  return x;
}
