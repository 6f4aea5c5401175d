import { axisStarts, cartesianProduct } from '../grid/patchGrid';
import { patchInterval } from '../grid/patchStarts';
import type { PatchWindow, WindowPlanOptions } from './types';
import { assertShape, perAxis } from '../util/validate';

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
 */
export function planWindows(shape: readonly number[], options: WindowPlanOptions): WindowPlan {
  assertShape('planWindows', 'shape', shape);
  const nd = shape.length;
  const patchSize = perAxis('slidingWindow', 'patchSize', options.patchSize, nd);
  const overlap = perAxis('slidingWindow', 'overlap', options.overlap ?? 0.25, nd);
  const placement = perAxis('slidingWindow', 'placement', options.placement ?? 'stride', nd);
  const paddedShape = shape.map((s, a) => Math.max(s, patchSize[a]));
  const padLow = shape.map((s, a) => Math.floor((paddedShape[a] - s) / 2));
  const starts = axisStarts(paddedShape, patchSize, overlap, placement);
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
