/**
 * The voxel loops of sliding-window inference: copying a window out of the (virtually padded)
 * image, and adding a predicted window back into the padded frame. At 64³ patches these loops
 * are the whole cost of stitching (issue 16), so they run over contiguous rows only: a row is
 * the last spatial axis, merged with the axes before it while the patch spans them whole; the
 * frame offset of every row of a window relative to the window's first voxel is the same for
 * every window and is computed once per run (`rowOffsets`). The inner loops are flat `for`
 * loops over a row (or one `set` of a subarray), with no closure or index arithmetic per voxel.
 */
import type { NumericArray } from './types';

/** Geometry of one run, precomputed once. */
export interface CopyGeometry {
  /** Patch shape. */
  patch: number[];
  /** Padded frame shape. */
  padded: number[];
  /** Row-major voxel strides of the padded frame. */
  paddedStrides: number[];
  /** Row-major voxel strides of the source image. */
  sourceStrides: number[];
  /** Per axis, padded coordinate → source coordinate, −1 where constant padding applies. */
  sourceIndex: Int32Array[];
  /** True when no axis is padded (windows are plain sub-blocks of the image). */
  unpadded: boolean;
  /** The row axis: axes after it are spanned whole by the patch and merged into the row. */
  rowAxis: number;
  /** Voxels per row (the patch's extent over `rowAxis` and the axes after it). */
  rowLength: number;
  /** Voxels per step along `rowAxis` inside a row (the product of the patch over the later axes). */
  rowInner: number;
  /** Per row of the patch (row-major), the padded-frame voxel offset of its first voxel from the window's first voxel. */
  rowOffsets: Float64Array;
}

/**
 * The row layout of a patch in a frame: axes after the last one the patch does not span whole
 * merge into the row, so a window is `rows` contiguous runs of `rowLength` voxels.
 */
export function rowLayout(patch: readonly number[], frame: readonly number[], strides: readonly number[]): Pick<CopyGeometry, 'rowAxis' | 'rowLength' | 'rowInner' | 'rowOffsets'> {
  let rowAxis = patch.length - 1;
  while (rowAxis > 0 && patch[rowAxis] === frame[rowAxis]) rowAxis--;
  let rowInner = 1;
  for (let a = rowAxis + 1; a < patch.length; a++) rowInner *= patch[a];
  let rows = 1;
  for (let a = 0; a < rowAxis; a++) rows *= patch[a];
  const rowOffsets = new Float64Array(rows);
  const lead = new Array<number>(rowAxis).fill(0);
  let offset = 0;
  for (let r = 0; r < rows; r++) {
    rowOffsets[r] = offset;
    for (let a = rowAxis - 1; a >= 0; a--) {
      offset += strides[a];
      if (++lead[a] < patch[a]) break;
      lead[a] = 0;
      offset -= patch[a] * strides[a];
    }
  }
  return { rowAxis, rowLength: patch[rowAxis] * rowInner, rowInner, rowOffsets };
}

/** The frame offset (in voxels) of the window's first voxel. */
function baseOffset(strides: readonly number[], start: readonly number[]): number {
  let offset = 0;
  for (let a = 0; a < start.length; a++) offset += start[a] * strides[a];
  return offset;
}

/** Copies the window at `start` (padded frame) of a `channels`-channel image into `dst` at `dstOffset`. */
export function extractWindow(
  g: CopyGeometry,
  source: NumericArray,
  channels: number,
  padValue: number,
  start: readonly number[],
  dst: Float32Array,
  dstOffset: number,
): void {
  if (g.unpadded) {
    // The padded frame is the image: every row is one contiguous copy.
    const base = baseOffset(g.sourceStrides, start);
    const rowValues = g.rowLength * channels;
    const offsets = g.rowOffsets;
    for (let r = 0, d = dstOffset; r < offsets.length; r++, d += rowValues) {
      const from = (base + offsets[r]) * channels;
      dst.set(source.subarray(from, from + rowValues), d);
    }
    return;
  }
  // Padded frame: every coordinate maps through sourceIndex (small images only pad).
  const last = g.patch.length - 1;
  const n = g.patch[last];
  const rowValues = n * channels;
  const lead = new Array<number>(last).fill(0);
  let rows = 1;
  for (let a = 0; a < last; a++) rows *= g.patch[a];
  // The last axis's source offsets of this window, once: −1 where it pads.
  const lastMap = g.sourceIndex[last];
  const cols = new Float64Array(n);
  for (let j = 0; j < n; j++) cols[j] = lastMap[start[last] + j];
  for (let r = 0, d = dstOffset; r < rows; r++, d += rowValues) {
    let base = 0;
    for (let a = 0; a < last && base >= 0; a++) {
      const si = g.sourceIndex[a][start[a] + lead[a]];
      base = si < 0 ? -1 : base + si * g.sourceStrides[a];
    }
    if (base < 0) {
      dst.fill(padValue, d, d + rowValues);
    } else {
      for (let j = 0; j < n; j++) {
        const si = cols[j];
        const o = d + j * channels;
        if (si < 0) {
          for (let c = 0; c < channels; c++) dst[o + c] = padValue;
        } else {
          const from = (base + si) * channels;
          for (let c = 0; c < channels; c++) dst[o + c] = source[from + c];
        }
      }
    }
    for (let a = last - 1; a >= 0; a--) {
      if (++lead[a] < g.patch[a]) break;
      lead[a] = 0;
    }
  }
}

/**
 * Adds one predicted window into the padded frame: `acc += weights · pred` (`weights` null:
 * plain sum) and, when `weightSum` is given, `weightSum += weights` (only for plans whose
 * windows are not the grid of their starts; otherwise the summed weights are computed row by
 * row at the end, see `weightSum.ts`). `pred` holds the window at `predOffset` with
 * `outChannels` values per voxel. Per voxel the arithmetic is exactly the former one,
 * `acc = fround(acc + w · p)`, so results are bit for bit those of before.
 */
export function accumulateWindow(
  g: CopyGeometry,
  acc: Float32Array,
  weightSum: Float32Array | null,
  weights: Float32Array | null,
  pred: NumericArray,
  predOffset: number,
  outChannels: number,
  start: readonly number[],
): void {
  const base = baseOffset(g.paddedStrides, start);
  if (outChannels !== 1 || weightSum !== null) {
    accumulateGeneral(g, base, acc, weightSum, weights, pred, predOffset, outChannels);
  } else if (weights === null) {
    accumulatePlain(g.rowOffsets, g.rowLength, base, acc, pred, predOffset);
  } else {
    accumulateWeighted(g.rowOffsets, g.rowLength, base, acc, weights, pred, predOffset);
  }
}

/**
 * The hot case, one channel and a weight map: `acc += w · p`, row by row. The row loop is
 * unrolled by four (V8 neither unrolls nor vectorises; this saves about a third of the time).
 */
function accumulateWeighted(offsets: Float64Array, n: number, base: number, acc: Float32Array, weights: Float32Array, pred: NumericArray, predOffset: number): void {
  const n4 = n - (n % 4);
  for (let r = 0, wr = 0; r < offsets.length; r++, wr += n) {
    const d = base + offsets[r];
    const p = predOffset + wr;
    let j = 0;
    for (; j < n4; j += 4) {
      const a = d + j;
      const b = wr + j;
      const c = p + j;
      acc[a] += weights[b] * pred[c];
      acc[a + 1] += weights[b + 1] * pred[c + 1];
      acc[a + 2] += weights[b + 2] * pred[c + 2];
      acc[a + 3] += weights[b + 3] * pred[c + 3];
    }
    for (; j < n; j++) acc[d + j] += weights[wr + j] * pred[p + j];
  }
}

/** One channel, constant blending: `acc += p`, row by row (unrolled by four). */
function accumulatePlain(offsets: Float64Array, n: number, base: number, acc: Float32Array, pred: NumericArray, predOffset: number): void {
  const n4 = n - (n % 4);
  for (let r = 0, p = predOffset; r < offsets.length; r++, p += n) {
    const d = base + offsets[r];
    let j = 0;
    for (; j < n4; j += 4) {
      const a = d + j;
      const c = p + j;
      acc[a] += pred[c];
      acc[a + 1] += pred[c + 1];
      acc[a + 2] += pred[c + 2];
      acc[a + 3] += pred[c + 3];
    }
    for (; j < n; j++) acc[d + j] += pred[p + j];
  }
}

/** Several output channels, or a per-voxel weight sum. */
function accumulateGeneral(
  g: CopyGeometry,
  base: number,
  acc: Float32Array,
  weightSum: Float32Array | null,
  weights: Float32Array | null,
  pred: NumericArray,
  predOffset: number,
  oc: number,
): void {
  const n = g.rowLength;
  const offsets = g.rowOffsets;
  for (let r = 0; r < offsets.length; r++) {
    const dv = base + offsets[r];
    const wr = r * n;
    const pr = predOffset + wr * oc;
    if (weights === null) {
      // A run of n voxels × oc channels is contiguous on both sides.
      const a = dv * oc;
      for (let k = 0; k < n * oc; k++) acc[a + k] += pred[pr + k];
      if (weightSum !== null) for (let j = 0; j < n; j++) weightSum[dv + j] += 1;
      continue;
    }
    for (let j = 0; j < n; j++) {
      const w = weights[wr + j];
      if (weightSum !== null) weightSum[dv + j] += w;
      const a = (dv + j) * oc;
      const p = pr + j * oc;
      for (let c = 0; c < oc; c++) acc[a + c] += w * pred[p + c];
    }
  }
}

/**
 * TorchIO's `crop` aggregation for one window: writes the window, less `trimLow`/`trimHigh`
 * voxels per axis, over whatever earlier windows wrote there. Axes merged into the row are
 * spanned whole by the patch, so their trims are 0 (`cropTrims` trims no side at the border).
 */
export function writeCropped(
  g: CopyGeometry,
  acc: Float32Array,
  pred: NumericArray,
  predOffset: number,
  outChannels: number,
  start: readonly number[],
  trimLow: readonly number[],
  trimHigh: readonly number[],
): void {
  const k = g.rowAxis;
  const from0 = trimLow[k] * g.rowInner * outChannels;
  const count = (g.patch[k] - trimLow[k] - trimHigh[k]) * g.rowInner * outChannels;
  const rowValues = g.rowLength * outChannels;
  const base = baseOffset(g.paddedStrides, start);
  // Patch rows (leading axes 0..k−1) of the kept block, walked with their row number in the patch.
  const kept = g.patch.slice(0, k).map((p, a) => p - trimLow[a] - trimHigh[a]);
  const rowStrides = new Array<number>(k);
  for (let a = k - 1, s = 1; a >= 0; a--) {
    rowStrides[a] = s;
    s *= g.patch[a];
  }
  let row = 0;
  for (let a = 0; a < k; a++) row += trimLow[a] * rowStrides[a];
  let rows = 1;
  for (let a = 0; a < k; a++) rows *= kept[a];
  const lead = new Array<number>(k).fill(0);
  const offsets = g.rowOffsets;
  for (let r = 0; r < rows; r++) {
    const from = predOffset + row * rowValues + from0;
    acc.set(pred.subarray(from, from + count), (base + offsets[row]) * outChannels + from0);
    for (let a = k - 1; a >= 0; a--) {
      row += rowStrides[a];
      if (++lead[a] < kept[a]) break;
      lead[a] = 0;
      row -= kept[a] * rowStrides[a];
    }
  }
}
