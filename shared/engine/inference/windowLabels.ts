import type { NumericArray } from '../../stitching/types';

/**
 * Copies the window at `start` (padded-frame coordinates) of a label volume into `dst` at
 * `offset`; positions outside the volume (padding) get label 0 (background).
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
  const nd = shape.length;
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((x, y) => x * y, 1));
  const n = patch.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(nd).fill(0);
  for (let i = 0; i < n; i++) {
    let src = 0;
    for (let a = 0; a < nd && src >= 0; a++) {
      const c = start[a] + idx[a] - padLow[a];
      src = c < 0 || c >= shape[a] ? -1 : src + c * strides[a];
    }
    dst[offset + i] = src < 0 ? 0 : labels[src];
    for (let a = nd - 1; a >= 0; a--) {
      if (++idx[a] < patch[a]) break;
      idx[a] = 0;
    }
  }
}
