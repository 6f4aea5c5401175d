import { PLACEMENTS, type Placement } from './placement';
import { roundHalfToEven } from '../util/roundHalfToEven';
import { assertOverlap, assertPositiveInteger, describe } from '../util/validate';

/**
 * Start coordinates of the windows along one axis.
 *
 * - `'stride'` (MONAI `dense_patch_slices`, TorchIO): interval = trunc(patchSize·(1−overlap)),
 *   at least 1; starts 0, interval, 2·interval, … while start + patchSize < length, then one
 *   last window at exactly length − patchSize.
 * - `'spread'` (nnU-Net `compute_steps_for_sliding_window`): n = ceil((length − patchSize) /
 *   (patchSize·(1−overlap))) + 1 windows spread evenly, rounded half to even, duplicates removed.
 *
 * A patch at least as long as the axis gives `[0]` (the caller pads). All arithmetic is float64
 * exactly as written, so trunc(20·(1−0.8)) = 3 as in MONAI.
 *
 * @param length axis length in voxels (positive integer)
 * @param patchSize window length in voxels (positive integer)
 * @param overlap fraction of the window shared with its neighbour, in [0, 1)
 * @param placement `'stride'` (default) or `'spread'`
 * @returns strictly increasing window starts
 */
export function patchStarts(length: number, patchSize: number, overlap: number, placement: Placement = 'stride'): number[] {
  assertPositiveInteger('patchStarts', 'length', length);
  assertPositiveInteger('patchStarts', 'patchSize', patchSize);
  assertOverlap('patchStarts', 'overlap', overlap);
  if (!PLACEMENTS.includes(placement)) {
    throw new RangeError(`patchStarts: placement must be one of ${PLACEMENTS.join(', ')}, got ${describe(placement)}`);
  }
  if (patchSize >= length) return [0];
  const last = length - patchSize;
  if (placement === 'stride') {
    const interval = Math.max(1, Math.trunc(patchSize * (1 - overlap)));
    const starts: number[] = [];
    for (let s = 0; s + patchSize < length; s += interval) starts.push(s);
    if (starts[starts.length - 1] !== last) starts.push(last);
    return starts;
  }
  const n = Math.ceil(last / (patchSize * (1 - overlap))) + 1;
  const step = last / (n - 1);
  const starts: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = roundHalfToEven(step * i);
    if (starts[starts.length - 1] !== s) starts.push(s);
  }
  return starts;
}

/**
 * The interval TorchIO's `crop` aggregation assumes between consecutive windows: trunc(patchSize·(1−overlap))
 * (at least 1) for stride placement, the largest gap ceil((length − patchSize)/(n − 1)) for spread.
 * `patchSize − interval` is the overlap in voxels, of which `crop` trims half from inner sides.
 * A single window gives an interval of patchSize (no overlap).
 */
export function patchInterval(length: number, patchSize: number, overlap: number, placement: Placement = 'stride'): number {
  const starts = patchStarts(length, patchSize, overlap, placement);
  if (starts.length === 1) return patchSize;
  if (placement === 'stride') return Math.max(1, Math.trunc(patchSize * (1 - overlap)));
  const n = Math.ceil((length - patchSize) / (patchSize * (1 - overlap))) + 1;
  return Math.ceil((length - patchSize) / (n - 1));
}
