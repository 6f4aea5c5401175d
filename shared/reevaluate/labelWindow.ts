import { product, rowMajorStrides } from '../util/validate';

/**
 * The window at `start` (padded frame) of a label volume, into `dst` at 0; voxels in the padding
 * are 0. The same values as `copyLabelWindow` of `shared/engine/inference/windowLabels`, copied a
 * row (last axis) at a time: re-evaluating a 256³ run copies 343 windows of 64³, and the
 * per-voxel copy took about 3 s of that.
 */
export function labelWindow(labels: Int32Array, shape: readonly number[], padLow: readonly number[], patch: readonly number[], start: readonly number[], dst: Int32Array): void {
  const nd = shape.length;
  const last = nd - 1;
  const strides = rowMajorStrides(shape);
  // The row's part inside the volume, along the last axis.
  const c0 = start[last] - padLow[last];
  const lo = Math.max(0, -c0);
  const hi = Math.min(patch[last], shape[last] - c0);
  const rowLength = patch[last];
  const rows = product(patch.slice(0, last));
  const idx = new Array<number>(last).fill(0);
  for (let r = 0; r < rows; r++) {
    const off = r * rowLength;
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
