import type { LabelMode } from '../engine/postprocess/dice';

/**
 * Codes of the error map, one per voxel: where the prediction and the reference agree, a false
 * positive (predicted foreground, reference background), a false negative (predicted background,
 * reference foreground), or, in `classes` mode, two different foreground classes (a false
 * positive of one class and a false negative of the other).
 */
export const ERROR_CODES = { correct: 0, falsePositive: 1, falseNegative: 2, wrongClass: 3 } as const;

/** The error code of one voxel (see {@link ERROR_CODES}). */
export function errorCode(predicted: number, reference: number, mode: LabelMode): number {
  const p = predicted > 0;
  const r = reference > 0;
  if (p && !r) return ERROR_CODES.falsePositive;
  if (!p && r) return ERROR_CODES.falseNegative;
  if (mode === 'classes' && predicted !== reference) return ERROR_CODES.wrongClass;
  return ERROR_CODES.correct;
}

/** The error map of a prediction against a reference of the same size. */
export function errorMap(predicted: ArrayLike<number>, reference: ArrayLike<number>, mode: LabelMode): Uint8Array {
  if (predicted.length !== reference.length) throw new RangeError(`errorMap: the prediction has ${predicted.length} voxels but the reference has ${reference.length}`);
  const out = new Uint8Array(predicted.length);
  for (let i = 0; i < out.length; i++) out[i] = errorCode(predicted[i], reference[i], mode);
  return out;
}
