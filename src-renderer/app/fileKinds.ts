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

/**
 * Why the first bytes of a file cannot start a NIfTI image, or null when they can: a gzip stream
 * (1f 8b) or a NIfTI-1 / NIfTI-2 header, whose first 4 bytes are its size, 348 or 540, in either
 * byte order. Checked in the page before an upload, so a wrong file is refused at once instead
 * of after all its bytes were sent (the services read and check the whole file again). An image
 * may also be a DICOM file (pass at least its first 132 bytes): main opens its series.
 */
export function notNiftiReason(head: Uint8Array, kind: 'image' | 'label' = 'label'): string | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return null;
  // An image may also be one DICOM file (the "DICM" preamble at byte 128): its series opens.
  if (kind === 'image' && head.length >= 132 && head[128] === 0x44 && head[129] === 0x49 && head[130] === 0x43 && head[131] === 0x4d) return null;
  if (head.length < 4) return `the file has ${head.length} byte(s), shorter than a NIfTI header`;
  const view = new DataView(head.buffer, head.byteOffset, 4);
  const sizes = [view.getInt32(0, true), view.getInt32(0, false)];
  if (sizes.includes(348) || sizes.includes(540)) return null;
  const hex = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `its first bytes (${hex}) are neither gzip (1f 8b) nor a NIfTI-1/NIfTI-2 header size (348 or 540)`;
}

/**
 * Whether a drop is one folder (a DICOM study in Electron, whose preload reads its path). Read it
 * during the drop event itself: the items are gone after the first await.
 */
export function isFolderDrop(data: DataTransfer | null | undefined): boolean {
  const items = Array.from(data?.items ?? []).filter((i) => i.kind === 'file');
  return items.length === 1 && items[0].webkitGetAsEntry?.()?.isDirectory === true;
}
