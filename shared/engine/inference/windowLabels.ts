import type { NumericArray } from '../../stitching/types';
import { product, rowMajorStrides } from '../../util/validate';

/**
 * Copies the window at `start` (padded-frame coordinates) of a label volume into `dst` at
 * `offset`; positions outside the volume (padding) get label 0 (background). A row (the last
 * axis) at a time: the run's patch map and re-evaluation (shared/reevaluate) copy every window,
 * and a 256³ re-evaluation spent about 3 s copying voxel by voxel.
 */
export function copyLabelWindow(
  labels: NumericArray,
  shape: readonly number[],
  padLow: readonly number[],
  patch: readonly number[],
  start: readonly number[],
  dst: Uint8Array | Uint16Array | Int32Array,
  offset: number,
): void {
  const last = shape.length - 1;
  const strides = rowMajorStrides(shape);
  // The row's part inside the volume, along the last axis.
  const c0 = start[last] - padLow[last];
  const lo = Math.max(0, -c0);
  const hi = Math.min(patch[last], shape[last] - c0);
  const rowLength = patch[last];
  const rows = product(patch.slice(0, last));
  const idx = new Array<number>(last).fill(0);
  for (let r = 0; r < rows; r++) {
    const off = offset + r * rowLength;
    let src = 0;
    for (let a = 0; a < last && src >= 0; a++) {
      const c = start[a] + idx[a] - padLow[a];
      src = c < 0 || c >= shape[a] ? -1 : src + c * strides[a];
    }
    if (src < 0 || hi <= lo) {
      dst.fill(0, off, off + rowLength);
    } else {
      if (lo > 0) dst.fill(0, off, off + lo);
      dst.set(labels.subarray(src + c0 + lo, src + c0 + hi), off + lo);
      if (hi < rowLength) dst.fill(0, off + hi, off + rowLength);
    }
    for (let a = last - 1; a >= 0; a--) {
      if (++idx[a] < patch[a]) break;
      idx[a] = 0;
    }
  }
}
