import type { FileKind } from '@shared/api/contract';

/** Whether a file name is a NIfTI image (`.nii` or `.nii.gz`). */
export function isNifti(name: string): boolean {
  return /\.nii(\.gz)?$/i.test(name);
}

/** Whether a set of file names looks like a tfjs model folder's content (model.json + weights). */
export function isModelFiles(names: readonly string[]): boolean {
  return names.some((n) => n.toLowerCase().endsWith('model.json'));
}

/**
 * What a drop of these files most likely is: a model (model.json among them), a label map
 * (a NIfTI whose name says labels/mask/seg, or any NIfTI when an image is already open and
 * the name does not look like an image), an image, or null (nothing PatchLens opens).
 */
export function guessDropKind(names: readonly string[], imageOpen: boolean): FileKind | null {
  if (names.length === 0) return null;
  if (isModelFiles(names)) return 'model';
  if (names.length !== 1 || !isNifti(names[0])) return null;
  const n = names[0].toLowerCase();
  if (/(label|mask|seg|brain|aseg|truth|gt)[^/]*\.nii/.test(n)) return 'label';
  if (/(t1|t2|flair|ct|image|img|_0000)[^/]*\.nii/.test(n)) return 'image';
  return imageOpen ? 'label' : 'image';
}
