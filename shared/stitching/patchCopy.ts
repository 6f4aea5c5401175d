/**
 * The voxel loops of sliding-window inference: copying a window out of the (virtually padded)
 * image, and adding a predicted window back into the padded frame. They walk the patch row by
 * row (a row = the last spatial axis) so the inner loops are flat and the JIT keeps them tight.
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
  /** True when the last axis needs no padding (rows copy as one block). */
  lastAxisUnpadded: boolean;
}

/**
 * Calls `row(r, lead)` for every row of the patch: `r` is the row number, `lead` the
 * coordinates along all axes but the last (reused between calls: do not keep it).
 */
function forEachRow(patch: readonly number[], row: (r: number, lead: number[]) => void): void {
  const nLead = patch.length - 1;
  const lead = new Array<number>(nLead).fill(0);
  let rows = 1;
  for (let a = 0; a < nLead; a++) rows *= patch[a];
  for (let r = 0; r < rows; r++) {
    row(r, lead);
    for (let a = nLead - 1; a >= 0; a--) {
      if (++lead[a] < patch[a]) break;
      lead[a] = 0;
    }
  }
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
  const last = g.patch.length - 1;
  const rowLen = g.patch[last];
  const lastMap = g.sourceIndex[last];
  const s0 = start[last];
  forEachRow(g.patch, (r, lead) => {
    const d = dstOffset + r * rowLen * channels;
    let base = 0;
    for (let a = 0; a < last; a++) {
      const si = g.sourceIndex[a][start[a] + lead[a]];
      if (si < 0) {
        dst.fill(padValue, d, d + rowLen * channels);
        return;
      }
      base += si * g.sourceStrides[a];
    }
    if (g.lastAxisUnpadded) {
      const from = (base + s0) * channels;
      dst.set(source.subarray(from, from + rowLen * channels), d);
      return;
    }
    for (let j = 0; j < rowLen; j++) {
      const si = lastMap[s0 + j];
      const o = d + j * channels;
      if (si < 0) {
        for (let c = 0; c < channels; c++) dst[o + c] = padValue;
      } else {
        const from = (base + si) * channels;
        for (let c = 0; c < channels; c++) dst[o + c] = source[from + c];
      }
    }
  });
}

/** Offset (in voxels) of the padded-frame voxel at `start + (lead, 0)`. */
function rowOffset(g: CopyGeometry, start: readonly number[], lead: readonly number[]): number {
  const last = g.patch.length - 1;
  let off = start[last];
  for (let a = 0; a < last; a++) off += (start[a] + lead[a]) * g.paddedStrides[a];
  return off;
}

/**
 * Adds `weights · prediction` of one window into `acc` and the weights into `weightSum`
 * (padded frame). `pred` holds the window at `predOffset`, `outChannels` per voxel.
 */
export function accumulateWeighted(
  g: CopyGeometry,
  acc: Float32Array,
  weightSum: Float32Array,
  weights: Float32Array,
  pred: NumericArray,
  predOffset: number,
  outChannels: number,
  start: readonly number[],
): void {
  const rowLen = g.patch[g.patch.length - 1];
  forEachRow(g.patch, (r, lead) => {
    const dv = rowOffset(g, start, lead);
    const wr = r * rowLen;
    const pr = predOffset + wr * outChannels;
    if (outChannels === 1) {
      for (let j = 0; j < rowLen; j++) {
        const w = weights[wr + j];
        acc[dv + j] += w * pred[pr + j];
        weightSum[dv + j] += w;
      }
      return;
    }
    for (let j = 0; j < rowLen; j++) {
      const w = weights[wr + j];
      weightSum[dv + j] += w;
      const a = (dv + j) * outChannels;
      const p = pr + j * outChannels;
      for (let c = 0; c < outChannels; c++) acc[a + c] += w * pred[p + c];
    }
  });
}

/**
 * TorchIO's `crop` aggregation for one window: writes the window, less `trimLow`/`trimHigh`
 * voxels per axis, over whatever earlier windows wrote there.
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
  const last = g.patch.length - 1;
  const rowLen = g.patch[last];
  const j0 = trimLow[last];
  const j1 = rowLen - trimHigh[last];
  forEachRow(g.patch, (r, lead) => {
    for (let a = 0; a < last; a++) {
      if (lead[a] < trimLow[a] || lead[a] >= g.patch[a] - trimHigh[a]) return;
    }
    const dv = rowOffset(g, start, lead);
    const from = predOffset + (r * rowLen + j0) * outChannels;
    const n = (j1 - j0) * outChannels;
    const to = (dv + j0) * outChannels;
    for (let k = 0; k < n; k++) acc[to + k] = pred[from + k];
  });
}
