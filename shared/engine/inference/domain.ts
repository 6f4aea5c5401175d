import type { NumericArray } from '../../stitching/types';

/** A box on the model grid: `start` may be negative and `start + size` beyond the grid (zero-filled). */
export interface Box {
  start: number[];
  size: number[];
}

/**
 * brainchop's crop: the bounding box of the voxels > `threshold`·max (threshold 0: > 0),
 * grown by `padding` voxels on every side (beyond the grid where needed: that part is zeros).
 */
export function cropBox(data: NumericArray, shape: readonly number[], threshold: number, padding: number): Box {
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) if (data[i] > max) max = data[i];
  const cut = threshold > 0 ? max * threshold : 0;
  const lo = shape.map((s) => s);
  const hi = shape.map(() => -1);
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((x, y) => x * y, 1));
  for (let i = 0; i < data.length; i++) {
    if (!(data[i] > cut)) continue;
    for (let a = 0; a < shape.length; a++) {
      const c = Math.floor(i / strides[a]) % shape[a];
      if (c < lo[a]) lo[a] = c;
      if (c > hi[a]) hi[a] = c;
    }
  }
  if (hi[0] < 0) return { start: shape.map(() => 0), size: [...shape] }; // nothing above the threshold: the whole grid
  return { start: lo.map((l) => l - padding), size: lo.map((l, a) => hi[a] - l + 1 + 2 * padding) };
}

/** Copies a box out of a volume (`channels` values per voxel); outside the volume: `fill`. */
export function extractBox<T extends NumericArray>(data: T, shape: readonly number[], box: Box, channels: number, out: T, fill = 0): T {
  const nd = shape.length;
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((x, y) => x * y, 1));
  const n = box.size.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(nd).fill(0);
  for (let i = 0; i < n; i++) {
    let src = 0;
    for (let a = 0; a < nd && src >= 0; a++) {
      const c = box.start[a] + idx[a];
      src = c < 0 || c >= shape[a] ? -1 : src + c * strides[a];
    }
    for (let k = 0; k < channels; k++) out[i * channels + k] = src < 0 ? fill : data[src * channels + k];
    for (let a = nd - 1; a >= 0; a--) {
      if (++idx[a] < box.size[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

/** Writes a box back into a volume (`channels` values per voxel); the parts outside the volume are dropped. */
export function insertBox(boxData: NumericArray, box: Box, channels: number, target: NumericArray, shape: readonly number[]): void {
  const nd = shape.length;
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((x, y) => x * y, 1));
  const n = box.size.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(nd).fill(0);
  for (let i = 0; i < n; i++) {
    let dst = 0;
    for (let a = 0; a < nd && dst >= 0; a++) {
      const c = box.start[a] + idx[a];
      dst = c < 0 || c >= shape[a] ? -1 : dst + c * strides[a];
    }
    if (dst >= 0) for (let k = 0; k < channels; k++) target[dst * channels + k] = boxData[i * channels + k];
    for (let a = nd - 1; a >= 0; a--) {
      if (++idx[a] < box.size[a]) break;
      idx[a] = 0;
    }
  }
}
