/**
 * A patch-shaped map (the patch performance map, the consistency map: one mean per position
 * inside the patch) as a float32 NIfTI in patch coordinates.
 *
 * Such a map is not on the patient's grid: position (0, 0, 0) is the patch's first voxel, not a
 * point of the patient. So the file claims no world coordinates at all: sform_code = qform_code
 * = 0 (NIfTI's "method 1": voxel index × pixdim, origin 0), the description says "patch
 * coordinates, not patient space", and the intent is NIFTI_INTENT_ESTIMATE with the measure as
 * intent_name. For the same reason it is not written as a DICOM Parametric Map (PS3.3 A.75),
 * which must lie in the source images' Frame of Reference (plane position and orientation per
 * frame, derivation from the source images): a PACS would lay it over the patient's anatomy.
 */
import { writeNifti } from './nifti';

/** nifti1.h NIFTI_INTENT_ESTIMATE: each voxel is an estimate of a parameter, named by intent_name. */
export const NIFTI_INTENT_ESTIMATE = 1001;

/** What every patch map's NIfTI description ends with. */
export const PATCH_COORDINATES = 'patch coordinates, not patient space';

/** Options of {@link patchMapNifti}. */
export interface PatchMapNiftiOptions {
  /**
   * Voxel size in mm of each axis of `shape` (the grid the patches were cut from); null when it
   * is not known (pixdim 1 and units "unknown": the map is in voxels).
   */
  spacing: readonly number[] | null;
  /** What the map is, a few words for the description (e.g. "patch performance"). */
  what: string;
  /** intent_name: the measure (at most 15 ASCII characters, e.g. "absoluteError"). */
  measure: string;
}

/**
 * The NIfTI (gzipped) of a patch-shaped map: float32 values, row-major in `shape` (slowest axis
 * first, as the `.npy` beside it holds them), 1 to 3 axes (fewer than 3 get leading axes of size
 * 1), an affine with the patch's origin at 0, no world coordinates (see the module comment).
 * @throws for a shape of more than 3 axes, a size that does not match it, a spacing that is not
 *   one positive number per axis, or a description or measure NIfTI cannot hold
 */
export function patchMapNifti(map: ArrayLike<number>, shape: readonly number[], options: PatchMapNiftiOptions): Uint8Array {
  const fn = 'patchMapNifti';
  if (shape.length < 1 || shape.length > 3 || !shape.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new RangeError(`${fn}: the map's shape must be 1 to 3 positive integers, got [${shape.join(', ')}]`);
  }
  const voxels = shape.reduce((a, b) => a * b, 1);
  if (map.length !== voxels) throw new RangeError(`${fn}: the map has ${map.length} values but its shape [${shape.join(', ')}] needs ${voxels}`);
  const { spacing } = options;
  if (spacing && (spacing.length !== shape.length || !spacing.every((s) => Number.isFinite(s) && s > 0))) {
    throw new RangeError(`${fn}: spacing must be ${shape.length} positive voxel sizes in mm, got [${spacing.join(', ')}]`);
  }
  const description = `PatchLens ${options.what}: ${PATCH_COORDINATES}`;
  if (description.length > 79) throw new RangeError(`${fn}: the description "${description}" is longer than NIfTI's 79 characters`);
  const lead = 3 - shape.length;
  const shape3 = [...Array<number>(lead).fill(1), ...shape];
  const size3 = [...Array<number>(lead).fill(1), ...(spacing ?? shape.map(() => 1))];
  // Array axis a (slowest first) is NIfTI axis k, j, i: world row 2 − a, so that the affine is
  // NIfTI's diag(pixdim) with origin 0, which method 1 (both codes 0) means.
  const affine = [0, 1, 2].map((r) => [0, 1, 2].map((a) => (r === 2 - a ? size3[a] : 0)).concat(0));
  affine.push([0, 0, 0, 1]);
  return writeNifti(
    { data: Float32Array.from(map), shape: shape3, spacing: size3, affine },
    {
      datatype: 'float32',
      description,
      like: { sformCode: 0, qformCode: 0, xyztUnits: spacing ? 2 : 0, auxFile: '' },
      intent: { code: NIFTI_INTENT_ESTIMATE, name: options.measure },
    },
  );
}
