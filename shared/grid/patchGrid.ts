import { patchStarts } from './patchStarts';
import type { Placement } from './placement';
import { assertShape, perAxis } from '../util/validate';
import { assertWindowCount, limitOption, MAX_WINDOWS } from './windowLimits';

/**
 * Window starts along every axis of `shape` (one `patchStarts` call per axis).
 * @param shape spatial shape, slowest axis first
 * @param patchSize one size for all axes or one per axis
 * @param overlap one overlap for all axes or one per axis, each in [0, 1)
 * @param placement one placement for all axes or one per axis
 */
export function axisStarts(
  shape: readonly number[],
  patchSize: number | readonly number[],
  overlap: number | readonly number[],
  placement: Placement | readonly Placement[] = 'stride',
): number[][] {
  assertShape('patchGrid', 'shape', shape);
  const nd = shape.length;
  const sizes = perAxis('patchGrid', 'patchSize', patchSize, nd);
  const overlaps = perAxis('patchGrid', 'overlap', overlap, nd);
  const placements = perAxis('patchGrid', 'placement', placement, nd);
  return shape.map((len, a) => {
    try {
      return patchStarts(len, sizes[a], overlaps[a], placements[a]);
    } catch (e) {
      throw new RangeError(`patchGrid: axis ${a}: ${(e as Error).message}`);
    }
  });
}

/**
 * All window start coordinates of a grid, row-major (the last axis varies fastest), the order
 * in which `slidingWindow` visits windows and numbers them.
 * @param shape spatial shape, slowest axis first
 * @param patchSize one size for all axes or one per axis
 * @param overlap one overlap for all axes or one per axis, each in [0, 1)
 * @param placement one placement for all axes or one per axis
 * @param options `maxWindows`: the most windows (default {@link MAX_WINDOWS}), checked from the
 *   per-axis counts before the list is built
 * @returns one start array per window
 */
export function patchGrid(
  shape: readonly number[],
  patchSize: number | readonly number[],
  overlap: number | readonly number[],
  placement: Placement | readonly Placement[] = 'stride',
  options: { maxWindows?: number } = {},
): number[][] {
  const starts = axisStarts(shape, patchSize, overlap, placement);
  const maxWindows = limitOption('patchGrid', 'maxWindows', options.maxWindows, MAX_WINDOWS);
  const nd = shape.length;
  assertWindowCount('patchGrid', shape, perAxis('patchGrid', 'patchSize', patchSize, nd), perAxis('patchGrid', 'overlap', overlap, nd), starts.map((s) => s.length), maxWindows);
  return cartesianProduct(starts);
}

/** Row-major cartesian product of per-axis coordinate lists (the last axis varies fastest). */
export function cartesianProduct(axes: readonly (readonly number[])[]): number[][] {
  let grid: number[][] = [[]];
  for (const axis of axes) {
    const next: number[][] = [];
    for (const prefix of grid) for (const s of axis) next.push([...prefix, s]);
    grid = next;
  }
  return grid;
}
