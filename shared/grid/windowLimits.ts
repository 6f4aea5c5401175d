/**
 * Limits on a window plan, checked from the per-axis numbers before any list or buffer is built:
 * how many windows (a tiny patch with a large overlap gives millions), and how large the frame
 * padded up to the patch is (a patch of 10⁹ voxels must be an error that says so, never
 * "Invalid typed array length" or an out-of-memory crash).
 */
import { describe } from '../util/validate';

/** The default most windows one plan may have. */
export const MAX_WINDOWS = 100_000;

/** The default most bytes of the padded frame, as one float32 channel (and of any buffer of that frame). */
export const MAX_PADDED_BYTES = 2 * 1024 ** 3;

/** Limits of `planWindows` / `patchGrid` / `slidingWindow` (raise them for a real need). */
export interface WindowLimitOptions {
  /** Most windows (default {@link MAX_WINDOWS}). */
  maxWindows?: number;
  /** Most bytes of a padded-frame buffer (default {@link MAX_PADDED_BYTES}). */
  maxPaddedBytes?: number;
}

/** `2744000` → `2 744 000`. */
export function groupDigits(n: number): string {
  if (!Number.isFinite(n) || Math.abs(n) >= 1e21) return String(n);
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** One value when every axis has the same, else `a×b×c`. */
function perAxisText(values: readonly number[]): string {
  return values.every((v) => v === values[0]) ? String(values[0]) : values.join('×');
}

/** A limit option, checked: a positive number (default `fallback`). */
export function limitOption(fn: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) throw new RangeError(`${fn}: ${name} must be a positive number, got ${describe(value)}`);
  return value;
}

/**
 * Refuses a grid of more than `maxWindows` windows, from the per-axis window counts.
 * @param shape the image's spatial shape
 * @param counts windows along each axis
 */
export function assertWindowCount(
  fn: string,
  shape: readonly number[],
  patchSize: readonly number[],
  overlap: readonly number[],
  counts: readonly number[],
  maxWindows: number,
): void {
  const total = counts.reduce((a, b) => a * b, 1);
  if (total <= maxWindows) return;
  throw new RangeError(
    `${fn}: patch ${perAxisText(patchSize)} with overlap ${perAxisText(overlap)} gives ${groupDigits(total)} windows on ${shape.join('×')} ` +
      `(${counts.join(' × ')}; limit ${groupDigits(maxWindows)}): use a larger patch or a smaller overlap`,
  );
}

/**
 * Refuses a padded frame whose buffers would take more than `maxBytes` (`bytesPerVoxel` each
 * voxel), before any is allocated.
 * @param shape the image's spatial shape
 * @param paddedShape the shape padded up to the patch size
 * @param what what the bytes are, for the message (e.g. "as float32")
 */
export function assertPaddedSize(
  fn: string,
  shape: readonly number[],
  patchSize: readonly number[],
  paddedShape: readonly number[],
  bytesPerVoxel: number,
  maxBytes: number,
  what: string,
): void {
  const bytes = paddedShape.reduce((a, b) => a * b, 1) * bytesPerVoxel;
  if (bytes <= maxBytes) return;
  const padded = paddedShape.some((q, a) => q !== shape[a]);
  throw new RangeError(
    `${fn}: patch ${perAxisText(patchSize)} on ${shape.join('×')}${padded ? ` pads the image to ${paddedShape.join('×')}` : ''}: ` +
      `${groupDigits(bytes)} bytes ${what}, over the limit of ${groupDigits(maxBytes)} bytes: ` +
      `use a smaller patch (at most the image's size per axis) or a smaller image`,
  );
}
