/**
 * Saves an edited label map as `.nii.gz` beside (never over) its image, through the one atomic
 * writer, with the image's exact geometry (labelNifti.ts).
 */
import { assertNoInputOverwrite, type GuardedInput } from '../fs/outputGuard';
import { writeFileAtomic, type AtomicWriteOptions } from '../fs/atomicWrite';
import type { NiftiHeaderInfo } from '../../shared/io/nifti';
import { encodeLabelNifti, type LabelData, type LabelDatatype } from './labelNifti';
import { sha256Hex } from '../fs/sha256';

/** The image a label map belongs to. */
export interface LabelImage {
  /** The image file (never written). */
  path: string;
  /** Its header, from `readNifti(...).header`. */
  header: NiftiHeaderInfo;
}

/** Options of {@link saveLabels}. */
export interface SaveLabelsOptions extends AtomicWriteOptions {
  /** More files the caller reads and that must not be written either (the reference labels a run used, say). */
  inputs?: readonly GuardedInput[];
}

/** What {@link saveLabels} wrote. */
export interface SavedLabels {
  path: string;
  datatype: LabelDatatype;
  /** Size and SHA-256 of the bytes written. */
  bytes: number;
  sha256: string;
}

/**
 * Writes `labels` (on the image's grid, NIfTI voxel order) to `target` as a gzipped NIfTI:
 * uint8 when every value is ≤ 255, else uint16; dims, pixdim, qform and sform (codes and
 * matrices) copied from the image; slope 1, intercept 0.
 * @throws OutputRefusedError when `target` is the image (or another input); the encoder's and
 *   the writer's errors otherwise (the old file at `target` then stays as it was)
 */
export function saveLabels(target: string, labels: LabelData, image: LabelImage, options: SaveLabelsOptions = {}): SavedLabels {
  assertNoInputOverwrite({ command: 'saveLabels', out: 'target', force: 'another target' }, target, [{ path: target }], [{ what: 'image', path: image.path }, ...(options.inputs ?? [])]);
  const { bytes, datatype } = encodeLabelNifti(labels, image.header);
  writeFileAtomic(target, bytes, options);
  return { path: target, datatype, bytes: bytes.length, sha256: sha256Hex(bytes) };
}
