import type { VolumeData } from '../../../shared/api/contract';

/** Inverse of a 4×4 affine's upper 3×4 part (index → world), as a 3×4 matrix (world → index). */
export function invertAffine(affine: number[][]): number[][] {
  const [a, b, c] = [affine[0], affine[1], affine[2]];
  const m = [
    [a[0], a[1], a[2]],
    [b[0], b[1], b[2]],
    [c[0], c[1], c[2]],
  ];
  const det =
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  if (!det || !Number.isFinite(det)) throw new Error('invertAffine: the affine is singular');
  const inv = [
    [(m[1][1] * m[2][2] - m[1][2] * m[2][1]) / det, (m[0][2] * m[2][1] - m[0][1] * m[2][2]) / det, (m[0][1] * m[1][2] - m[0][2] * m[1][1]) / det],
    [(m[1][2] * m[2][0] - m[1][0] * m[2][2]) / det, (m[0][0] * m[2][2] - m[0][2] * m[2][0]) / det, (m[0][2] * m[1][0] - m[0][0] * m[1][2]) / det],
    [(m[1][0] * m[2][1] - m[1][1] * m[2][0]) / det, (m[0][1] * m[2][0] - m[0][0] * m[2][1]) / det, (m[0][0] * m[1][1] - m[0][1] * m[1][0]) / det],
  ];
  const t = [a[3], b[3], c[3]];
  return inv.map((row) => [...row, -(row[0] * t[0] + row[1] * t[1] + row[2] * t[2])]);
}

/** World LPS mm (cornerstone) → RAS mm (PatchLens). The same flip works both ways. */
export function lpsToRas(p: readonly number[]): [number, number, number] {
  return [-p[0] + 0, -p[1] + 0, p[2] + 0];
}

/** The voxel `[k, j, i]` (rounded) nearest to an LPS world point, or null outside the volume. */
export function worldToVoxel(volume: Pick<VolumeData, 'shape' | 'affine'>, lps: readonly number[], inverse = invertAffine(volume.affine)): [number, number, number] | null {
  const ras = lpsToRas(lps);
  const idx = inverse.map((row) => Math.round(row[0] * ras[0] + row[1] * ras[1] + row[2] * ras[2] + row[3]));
  if (idx.some((x, a) => x < 0 || x >= volume.shape[a])) return null;
  return idx as [number, number, number];
}

/** The LPS world position of voxel `[k, j, i]`. */
export function voxelToWorld(volume: Pick<VolumeData, 'affine'>, voxel: readonly number[]): [number, number, number] {
  const a = volume.affine;
  const ras = [0, 1, 2].map((r) => a[r][0] * voxel[0] + a[r][1] * voxel[1] + a[r][2] * voxel[2] + a[r][3]);
  return lpsToRas(ras);
}

/** The value of a row-major `[nk, nj, ni]` volume at voxel `[k, j, i]`. */
export function valueAt(volume: Pick<VolumeData, 'shape' | 'data'>, voxel: readonly number[]): number {
  const [, nj, ni] = volume.shape;
  return volume.data[(voxel[0] * nj + voxel[1]) * ni + voxel[2]];
}

/** The continuous voxel `[k, j, i]` (not rounded) of an LPS world point, or null when its nearest voxel is outside the volume. */
export function worldToContinuousVoxel(volume: Pick<VolumeData, 'shape' | 'affine'>, lps: readonly number[], inverse = invertAffine(volume.affine)): [number, number, number] | null {
  const ras = lpsToRas(lps);
  const idx = inverse.map((row) => row[0] * ras[0] + row[1] * ras[1] + row[2] * ras[2] + row[3]);
  if (idx.some((x, a) => Math.round(x) < 0 || Math.round(x) >= volume.shape[a])) return null;
  return idx as [number, number, number];
}

/**
 * The array axis (0, 1, 2) most nearly along a view's normal (LPS): the axis a slice of that
 * view is normal to (for an oblique volume, the nearest one).
 */
export function normalAxis(affine: number[][], normalLps: readonly number[]): 0 | 1 | 2 {
  const n = lpsToRas(normalLps);
  let best: 0 | 1 | 2 = 0;
  let bestDot = -1;
  for (const a of [0, 1, 2] as const) {
    const col = [affine[0][a], affine[1][a], affine[2][a]];
    const len = Math.hypot(col[0], col[1], col[2]) || 1;
    const dot = Math.abs(col[0] * n[0] + col[1] * n[1] + col[2] * n[2]) / len;
    if (dot > bestDot) {
      bestDot = dot;
      best = a;
    }
  }
  return best;
}
