import type { NumericArray } from '../stitching/types';

/**
 * A medical image in PatchLens's convention: row-major, last axis fastest, shape slowest axis
 * first. A NIfTI file's voxel order (i fastest) is therefore read as shape `[nk, nj, ni]` (3-D)
 * or `[nt, nk, nj, ni]` (4-D) without moving data; `spacing` and the affine follow that order.
 */
export interface Volume<T extends NumericArray = NumericArray> {
  /** Voxel values, row-major in `shape`. */
  data: T;
  /** Shape, slowest axis first: `[nk, nj, ni]` for a 3-D NIfTI, `[nt, nk, nj, ni]` for 4-D. */
  shape: number[];
  /** Voxel size in mm of the three spatial axes, in array order: `[dk, dj, di]`. */
  spacing: number[];
  /**
   * 4×4 matrix (row-major nested arrays) from the array index of the three spatial axes,
   * `[a0, a1, a2, 1]` = `[k, j, i, 1]`, to world coordinates `[x, y, z, 1]` in mm, RAS+
   * (NIfTI's scanner/MNI convention). It is NIfTI's ijk→xyz matrix with its first three columns
   * reversed.
   */
  affine: number[][];
}
