import type { VolumeData } from '../../../shared/api/contract';

/** A volume's geometry as cornerstone3D's local volumes take it (world = LPS mm, i fastest). */
export interface CornerstoneGeometry {
  /** Voxels along i, j, k (`[ni, nj, nk]`). */
  dimensions: [number, number, number];
  /** Voxel size along i, j, k in mm. */
  spacing: [number, number, number];
  /** World position (LPS mm) of voxel (0, 0, 0). */
  origin: [number, number, number];
  /** Unit vectors of the i, j and k axes in LPS, flattened (row cosines, column cosines, normal). */
  direction: [number, number, number, number, number, number, number, number, number];
}

/**
 * Converts PatchLens's volume geometry (shape `[nk, nj, ni]`, affine `[k, j, i, 1]` → RAS+ mm)
 * into cornerstone3D's (dimensions `[ni, nj, nk]`, spacing, origin and direction in LPS mm). The
 * voxel order in memory is the same for both, so the data need no reordering.
 */
export function toCornerstoneGeometry(volume: Pick<VolumeData, 'shape' | 'affine'>): CornerstoneGeometry {
  const { shape, affine } = volume;
  if (shape.length !== 3) throw new Error(`toCornerstoneGeometry: volume.shape must have 3 axes, got [${shape.join(', ')}]`);
  if (affine.length < 3 || affine.some((row) => row.length !== 4)) throw new Error('toCornerstoneGeometry: volume.affine must be a 4×4 (or 3×4) matrix');
  const ras2lps = [-1, -1, 1];
  /** Column c of the affine in LPS. */
  const column = (c: number) => [0, 1, 2].map((r) => affine[r][c] * ras2lps[r]);
  // Affine columns are [k, j, i]; cornerstone wants i, j, k.
  const axes = [column(2), column(1), column(0)];
  const spacing = axes.map((v) => Math.hypot(v[0], v[1], v[2]));
  spacing.forEach((s, a) => {
    if (!(s > 0) || !Number.isFinite(s)) throw new Error(`toCornerstoneGeometry: volume.affine has a degenerate axis ${'ijk'[a]} (length ${s})`);
  });
  const direction = axes.flatMap((v, a) => v.map((x) => x / spacing[a] + 0)) as CornerstoneGeometry['direction'];
  return {
    dimensions: [shape[2], shape[1], shape[0]],
    spacing: spacing as CornerstoneGeometry['spacing'],
    origin: column(3).map((x) => x + 0) as CornerstoneGeometry['origin'],
    direction,
  };
}
