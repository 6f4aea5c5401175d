import { axisStarts, cartesianProduct } from '../grid/patchGrid';
import { patchInterval } from '../grid/patchStarts';
import type { PatchWindow, WindowPlanOptions } from './types';
import { assertShape, perAxis } from '../util/validate';
import { DEFAULT_OVERLAP, DEFAULT_PLACEMENT } from '../settings/defaults';
import { assertPaddedSize, assertWindowCount, limitOption, MAX_PADDED_BYTES, MAX_WINDOWS, type WindowLimitOptions } from '../grid/windowLimits';

export { MAX_PADDED_BYTES, MAX_WINDOWS, type WindowLimitOptions } from '../grid/windowLimits';

/** Where the windows of a sliding-window run go. */
export interface WindowPlan {
  /** Spatial shape of the image. */
  shape: number[];
  /** Patch shape. */
  patchSize: number[];
  /** Image shape after padding every axis to at least the patch size. */
  paddedShape: number[];
  /** Voxels of padding on the low side of each axis (the high side gets the rest). */
  padLow: number[];
  /** Window starts along each axis of the padded frame. */
  starts: number[][];
  /** TorchIO's interval per axis (see `patchInterval`); `patchSize − interval` is the overlap in voxels. */
  interval: number[];
  /** All windows in `patchGrid` order. */
  windows: PatchWindow[];
}

/**
 * Plans a sliding-window run over an image of spatial shape `shape`: pads each axis shorter
 * than the patch (low side floor(diff/2), the rest on the high side, as MONAI) and places the
 * windows with `patchGrid` on the padded frame.
 *
 * Limits, checked before any list is built: the padded frame as one float32 channel may take
 * at most `maxPaddedBytes` (default 2 GiB), and the plan may have at most `maxWindows` windows
 * (default {@link MAX_WINDOWS}); the errors name the patch, the overlap and the counts.
 */
export function planWindows(shape: readonly number[], options: WindowPlanOptions & WindowLimitOptions): WindowPlan {
  const fn = 'planWindows';
  assertShape(fn, 'shape', shape);
  const nd = shape.length;
  const patchSize = perAxis('slidingWindow', 'patchSize', options.patchSize, nd);
  const overlap = perAxis('slidingWindow', 'overlap', options.overlap ?? DEFAULT_OVERLAP, nd);
  const placement = perAxis('slidingWindow', 'placement', options.placement ?? DEFAULT_PLACEMENT, nd);
  const maxWindows = limitOption(fn, 'maxWindows', options.maxWindows, MAX_WINDOWS);
  const maxPaddedBytes = limitOption(fn, 'maxPaddedBytes', options.maxPaddedBytes, MAX_PADDED_BYTES);
  const paddedShape = shape.map((s, a) => Math.max(s, patchSize[a]));
  // Before anything is sized by the padded frame (its coordinate maps, accumulators): a patch of 10⁹ stops here.
  if (patchSize.every((p) => Number.isInteger(p) && p >= 1)) {
    assertPaddedSize(fn, shape, patchSize, paddedShape, 4, maxPaddedBytes, 'as float32');
  }
  const padLow = shape.map((s, a) => Math.floor((paddedShape[a] - s) / 2));
  const starts = axisStarts(paddedShape, patchSize, overlap, placement);
  assertWindowCount(fn, shape, patchSize, overlap, starts.map((s) => s.length), maxWindows);
  const interval = paddedShape.map((q, a) => patchInterval(q, patchSize[a], overlap[a], placement[a]));
  const windows = cartesianProduct(starts).map((start, index) => ({ index, start }));
  return { shape: [...shape], patchSize, paddedShape, padLow, starts, interval, windows };
}

/**
 * TorchIO's crop: the voxels to trim from each side of the window at `start`: overlap//2
 * (overlap = patchSize − interval) on every side that does not touch the padded frame's border.
 */
export function cropTrims(plan: WindowPlan, start: readonly number[]): { low: number[]; high: number[] } {
  const half = plan.patchSize.map((p, a) => Math.floor((p - plan.interval[a]) / 2));
  return {
    low: start.map((s, a) => (s === 0 ? 0 : half[a])),
    high: start.map((s, a) => (s + plan.patchSize[a] === plan.paddedShape[a] ? 0 : half[a])),
  };
}
