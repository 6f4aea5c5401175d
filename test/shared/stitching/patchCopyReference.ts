// The stitching of shared/stitching/patchCopy.ts as of commit 722f3be (unchanged there since 58fbfff), kept
// verbatim as the oracle of stitchOracle.test.ts (issue 16's speed work must not change results).
/**
 * The voxel loops of sliding-window inference: copying a window out of the (virtually padded)
 * image, and adding a predicted window back into the padded frame. They walk the patch row by
 * row (a row = the last spatial axis) with offsets updated incrementally and flat inner loops,
 * because at 64³ patches these loops are the whole cost of stitching.
 */
import type { NumericArray } from '../../../shared/stitching/types';

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
}

/**
 * Visits the rows of a patch placed at `start` in a frame with voxel `strides`: calls
 * `row(r, offset)` with the row number and the frame offset (in voxels) of the row's first voxel.
 */
function forEachRow(patch: readonly number[], strides: readonly number[], start: readonly number[], row: (r: number, offset: number) => void): void {
  const last = patch.length - 1;
  let offset = 0;
  for (let a = 0; a <= last; a++) offset += start[a] * strides[a];
  let rows = 1;
  for (let a = 0; a < last; a++) rows *= patch[a];
  const lead = new Array<number>(last).fill(0);
  for (let r = 0; r < rows; r++) {
    row(r, offset);
    for (let a = last - 1; a >= 0; a--) {
      offset += strides[a];
      if (++lead[a] < patch[a]) break;
      lead[a] = 0;
      offset -= patch[a] * strides[a];
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
  const rowValues = g.patch[last] * channels;
  if (g.unpadded) {
    forEachRow(g.patch, g.sourceStrides, start, (r, offset) => {
      const from = offset * channels;
      dst.set(source.subarray(from, from + rowValues), dstOffset + r * rowValues);
    });
    return;
  }
  // Padded frame: map every coordinate through sourceIndex (small images only pad).
  const lead = new Array<number>(last).fill(0);
  const rows = g.patch.slice(0, last).reduce((a, b) => a * b, 1);
  const lastMap = g.sourceIndex[last];
  for (let r = 0; r < rows; r++) {
    const d = dstOffset + r * rowValues;
    let base = 0;
    for (let a = 0; a < last && base >= 0; a++) {
      const si = g.sourceIndex[a][start[a] + lead[a]];
      base = si < 0 ? -1 : base + si * g.sourceStrides[a];
    }
    if (base < 0) {
      dst.fill(padValue, d, d + rowValues);
    } else {
      for (let j = 0; j < g.patch[last]; j++) {
        const si = lastMap[start[last] + j];
        const o = d + j * channels;
        const from = (base + si) * channels;
        for (let c = 0; c < channels; c++) dst[o + c] = si < 0 ? padValue : source[from + c];
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
 * plain sum) and, when `weightSum` is given, `weightSum += weights`. `pred` holds the window at
 * `predOffset` with `outChannels` values per voxel.
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
  const rows = new RowWalk(g.patch, g.paddedStrides, start);
  if (outChannels === 1) {
    // The hot case: one output channel. Separate loops per case keep them branch-free.
    const n = rows.length;
    for (let r = 0, pr = predOffset; r < rows.count; r++, pr += n) {
      const dv = rows.offset;
      if (weights === null) {
        for (let j = 0; j < n; j++) acc[dv + j] += pred[pr + j];
      } else {
        const wr = pr - predOffset;
        if (weightSum === null) {
          for (let j = 0; j < n; j++) acc[dv + j] += weights[wr + j] * pred[pr + j];
        } else {
          for (let j = 0; j < n; j++) {
            const w = weights[wr + j];
            acc[dv + j] += w * pred[pr + j];
            weightSum[dv + j] += w;
          }
        }
      }
      rows.next();
    }
    return;
  }
  accumulateChannels(rows, acc, weightSum, weights, pred, predOffset, outChannels);
}

/** `accumulateWindow` for several output channels. */
function accumulateChannels(
  rows: RowWalk,
  acc: Float32Array,
  weightSum: Float32Array | null,
  weights: Float32Array | null,
  pred: NumericArray,
  predOffset: number,
  oc: number,
): void {
  const n = rows.length;
  for (let r = 0; r < rows.count; r++) {
    const dv = rows.offset;
    const wr = r * n;
    const pr = predOffset + wr * oc;
    for (let j = 0; j < n; j++) {
      const w = weights === null ? 1 : weights[wr + j];
      if (weightSum !== null) weightSum[dv + j] += w;
      const a = (dv + j) * oc;
      const p = pr + j * oc;
      for (let c = 0; c < oc; c++) acc[a + c] += w * pred[p + c];
    }
    rows.next();
  }
}

/**
 * Walks the rows of a patch placed at `start` in a frame with voxel `strides`: `offset` is the
 * frame offset of the current row's first voxel; `next()` moves to the following row.
 */
class RowWalk {
  /** Rows in the patch. */
  readonly count: number;
  /** Voxels per row (the last axis). */
  readonly length: number;
  offset = 0;
  private readonly lead: number[];

  constructor(
    private readonly patch: readonly number[],
    private readonly strides: readonly number[],
    start: readonly number[],
  ) {
    const last = patch.length - 1;
    for (let a = 0; a <= last; a++) this.offset += start[a] * strides[a];
    let count = 1;
    for (let a = 0; a < last; a++) count *= patch[a];
    this.count = count;
    this.length = patch[last];
    this.lead = new Array<number>(last).fill(0);
  }

  next(): void {
    for (let a = this.lead.length - 1; a >= 0; a--) {
      this.offset += this.strides[a];
      if (++this.lead[a] < this.patch[a]) return;
      this.lead[a] = 0;
      this.offset -= this.patch[a] * this.strides[a];
    }
  }
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
  const count = (rowLen - trimHigh[last] - j0) * outChannels;
  // Visit the kept block only: start and extent shrink by the trims on every axis.
  const keptStart = start.map((s, a) => s + trimLow[a]);
  const kept = g.patch.map((p, a) => p - trimLow[a] - trimHigh[a]);
  const patchStrides = g.patch.map((_, a) => g.patch.slice(a + 1).reduce((x, y) => x * y, 1));
  let rowInPatch = 0;
  for (let a = 0; a < last; a++) rowInPatch += trimLow[a] * (patchStrides[a] / rowLen);
  const lead = new Array<number>(last).fill(0);
  forEachRow(kept, g.paddedStrides, keptStart, (_r, dv) => {
    let pr = rowInPatch;
    for (let a = 0; a < last; a++) pr += lead[a] * (patchStrides[a] / rowLen);
    const from = predOffset + (pr * rowLen + j0) * outChannels;
    const to = dv * outChannels;
    for (let k = 0; k < count; k++) acc[to + k] = pred[from + k];
    for (let a = last - 1; a >= 0; a--) {
      if (++lead[a] < kept[a]) break;
      lead[a] = 0;
    }
  });
}
