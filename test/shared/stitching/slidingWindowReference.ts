// shared/stitching/slidingWindow.ts as of commit 722f3be (unchanged there since 58fbfff), kept verbatim as the
// oracle of stitchOracle.test.ts (issue 16's speed work must not change results); only the imports point
// at shared/ and the entry points are renamed referenceSlidingWindow / referenceStitchWindows.
import { blendingWeights, separableProfiles, WEIGHT_MODES, type WeightMode } from '../../../shared/blending/blendingWeights';
import { accumulateWindow, extractWindow, writeCropped, type CopyGeometry } from './patchCopyReference';
import { cropTrims, planWindows, type WindowPlan } from '../../../shared/stitching/planWindows';
import {
  BLEND_MODES,
  type AbortSignalLike,
  type NdArray,
  type NumericArray,
  type PatchWindow,
  type Predictor,
  type SlidingWindowOptions,
  type StitchOptions,
} from '../../../shared/stitching/types';
import { assertPositiveInteger, describe, product, rowMajorStrides } from '../../../shared/util/validate';
import { assertPaddedSize, groupDigits, limitOption, MAX_PADDED_BYTES, type WindowLimitOptions } from '../../../shared/grid/windowLimits';

const FN = 'slidingWindow';

/**
 * Sliding-window inference over a predictor: pads axes shorter than the patch, places the
 * windows with `patchGrid`, calls `predict` batch by batch, blends the predicted windows
 * (weighted sum divided by the summed weights, or TorchIO's `crop`), and crops the padding
 * away. The input is never mutated. Defaults: `shared/settings`'s overlap (0.5) and placement
 * (stride); blending `constant`, the exact plain mean (an engine run, `runOnGrid`, defaults to
 * `DEFAULT_BLEND`). {@link stitchWindows} runs a plan made beforehand.
 *
 * @param input image `{ data, shape: [...spatial, channels] }`, row-major, channels last
 * @param predict the model over a batch of windows
 * @param options patch size, overlap, placement, blending, batching, padding, progress, cancel
 * @returns the stitched prediction `{ data, shape: [...spatial, outChannels] }`
 */
export async function referenceSlidingWindow(
  input: NdArray<NumericArray>,
  predict: Predictor,
  options: SlidingWindowOptions & WindowLimitOptions,
): Promise<NdArray<Float32Array>> {
  const { spatial } = checkInput(input);
  if (options === null || typeof options !== 'object') throw new TypeError(`${FN}: options must be an object with patchSize`);
  return referenceStitchWindows(input, planWindows(spatial, options), predict, options);
}

/**
 * Sliding-window inference over a plan made beforehand (`planWindows` of the input's spatial
 * shape; the caller plans once and passes the plan on): calls `predict` batch by batch, blends
 * the predicted windows and crops the padding away, as {@link slidingWindow} does.
 *
 * @param input image `{ data, shape: [...spatial, channels] }`, row-major, channels last
 * @param plan the windows, planned over `input`'s spatial shape
 * @param predict the model over a batch of windows
 * @param options blending, batching, padding, progress, cancel
 * @returns the stitched prediction `{ data, shape: [...spatial, outChannels] }`
 * @throws RangeError when the plan is of another shape than the input
 */
export async function referenceStitchWindows(
  input: NdArray<NumericArray>,
  plan: WindowPlan,
  predict: Predictor,
  options: StitchOptions & WindowLimitOptions = {},
): Promise<NdArray<Float32Array>> {
  const { spatial, channels } = checkInput(input);
  if (typeof predict !== 'function') throw new TypeError(`${FN}: predict must be a function, got ${describe(predict)}`);
  if (plan.shape.length !== spatial.length || plan.shape.some((s, a) => s !== spatial[a])) {
    throw new RangeError(`${FN}: the plan is for shape ${describe(plan.shape)} but the input's spatial shape is ${describe(spatial)}`);
  }
  const batchSize = options.batchSize ?? 1;
  assertPositiveInteger(FN, 'batchSize', batchSize);
  // Every buffer sized by the padded frame or the batch is checked before it is allocated.
  const maxBytes = limitOption(FN, 'maxPaddedBytes', options.maxPaddedBytes, MAX_PADDED_BYTES);
  assertPaddedSize(FN, spatial, plan.patchSize, plan.paddedShape, 4 * channels, maxBytes, `for ${channels} float32 channel(s)`);
  const batchBytes = Math.min(batchSize, plan.windows.length) * product(plan.patchSize) * channels * 4;
  if (batchBytes > maxBytes) {
    throw new RangeError(
      `${FN}: a batch of ${Math.min(batchSize, plan.windows.length)} window(s) of patch ${plan.patchSize.join('×')} × ${channels} channel(s) takes ` +
        `${groupDigits(batchBytes)} bytes, over the limit of ${groupDigits(maxBytes)} bytes: use a smaller batch or patch`,
    );
  }
  const padMode = options.padMode ?? 'constant';
  if (padMode !== 'constant' && padMode !== 'edge') {
    throw new RangeError(`${FN}: padMode must be 'constant' or 'edge', got ${describe(padMode)}`);
  }
  const padValue = options.padValue ?? 0;
  if (typeof padValue !== 'number' || Number.isNaN(padValue)) throw new RangeError(`${FN}: padValue must be a number, got ${describe(padValue)}`);
  const blend = resolveBlend(plan, options);
  const geometry = makeGeometry(plan, padMode);
  const patchVoxels = product(plan.patchSize);
  const paddedVoxels = product(plan.paddedShape);
  const total = plan.windows.length;
  const trims = blend.kind === 'crop' ? (w: PatchWindow) => cropTrims(plan, w.start) : null;

  /** Cuts the windows of the batch starting at `first` out of the image. */
  const prepare = (first: number): Prepared => {
    const windows = plan.windows.slice(first, first + batchSize);
    const batch = new Float32Array(windows.length * patchVoxels * channels);
    windows.forEach((w, k) => extractWindow(geometry, input.data, channels, padValue, w.start, batch, k * patchVoxels * channels));
    return { windows, batch };
  };
  /** Hands a prepared batch to the predictor; synchronous throws become rejections. */
  const launch = async ({ windows, batch }: Prepared): Promise<Predicted> => {
    const result = predict({ data: batch, shape: [windows.length, ...plan.patchSize, channels] }, windows);
    pipelined = isThenable(result);
    return { windows, out: await result };
  };

  let outChannels = 0;
  let acc = new Float32Array(0);
  const weightSum = blend.kind === 'weighted' ? new Float32Array(paddedVoxels) : null;
  let pipelined = false;
  throwIfAborted(options.signal);
  let pending = launch(prepare(0));
  let prepared: Prepared | null = null;
  for (let first = 0; first < total; first += batchSize) {
    const { windows, out } = await pending;
    throwIfAborted(options.signal);
    const oc = checkPrediction(out, windows.length, plan.patchSize, outChannels);
    if (outChannels === 0) {
      outChannels = oc;
      assertPaddedSize(FN, spatial, plan.patchSize, plan.paddedShape, 4 * oc, maxBytes, `for the ${oc} predicted float32 channel(s)`);
      acc = new Float32Array(paddedVoxels * outChannels);
    }
    const next = first + batchSize;
    // An asynchronous predictor (a GPU, a Worker) gets the next batch before this one is
    // stitched, and the batch after it is cut out meanwhile, so all of that overlaps its work.
    // Only its synchronous prefix runs before this batch is stitched.
    if (pipelined && next < total) pending = launch(prepared ?? prepare(next));
    pending.catch(() => undefined); // a rejection surfaces at the next await
    windows.forEach((w, k) => {
      const offset = k * patchVoxels * outChannels;
      if (trims !== null) {
        const t = trims(w);
        writeCropped(geometry, acc, out.data, offset, outChannels, w.start, t.low, t.high);
      } else {
        accumulateWindow(geometry, acc, weightSum, blend.weights, out.data, offset, outChannels, w.start);
      }
    });
    options.onProgress?.(Math.min(next, total), total);
    prepared = pipelined && next + batchSize < total ? prepare(next + batchSize) : null;
    if (!pipelined && next < total) {
      throwIfAborted(options.signal);
      pending = launch(prepare(next));
    }
  }
  return finish(plan, acc, blend, weightSum, outChannels);
}

/** A batch cut out of the image, not yet predicted. */
interface Prepared {
  windows: PatchWindow[];
  batch: Float32Array;
}

/** A batch and the predictor's answer. */
interface Predicted {
  windows: PatchWindow[];
  out: NdArray<NumericArray>;
}

/** True for promises and other thenables. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * How windows are combined: `crop`; `separable` (weights are an outer product of per-axis
 * profiles, so the summed weights are a product of per-axis sums: no per-voxel weight sum);
 * `weighted` (the general case: a per-voxel weight sum accumulates beside the prediction).
 * `weights` is null for constant blending (a plain sum).
 */
type Blend =
  | { kind: 'crop'; weights: null }
  | { kind: 'separable'; weights: Float32Array | null; profiles: Float64Array[] }
  | { kind: 'weighted'; weights: Float32Array };

/** Validates the input image and splits its shape. */
function checkInput(input: NdArray<NumericArray>): { spatial: number[]; channels: number } {
  if (input === null || typeof input !== 'object' || !ArrayBuffer.isView(input.data) || !Array.isArray(input.shape)) {
    throw new TypeError(`${FN}: input must be { data: Float32Array, shape: [...spatial, channels] }`);
  }
  if (input.shape.length < 2) {
    throw new RangeError(`${FN}: input.shape must be [...spatial, channels] with at least one spatial axis, got ${describe(input.shape)}`);
  }
  input.shape.forEach((s, i) => assertPositiveInteger(FN, `input.shape[${i}]`, s));
  if (input.data.length !== product(input.shape)) {
    throw new RangeError(`${FN}: input.data has ${input.data.length} values but input.shape ${describe(input.shape)} needs ${product(input.shape)}`);
  }
  return { spatial: input.shape.slice(0, -1), channels: input.shape[input.shape.length - 1] };
}

/** Resolves the `blend` option. */
function resolveBlend(plan: WindowPlan, options: StitchOptions): Blend {
  const blend = options.blend ?? 'constant';
  if (blend instanceof Float32Array) {
    const n = product(plan.patchSize);
    if (blend.length !== n) {
      throw new RangeError(`${FN}: the blend weight map has ${blend.length} values but the patch ${describe(plan.patchSize)} has ${n}`);
    }
    for (let i = 0; i < n; i++) {
      if (!(blend[i] > 0 && Number.isFinite(blend[i]))) {
        throw new RangeError(`${FN}: blend weights must be finite and > 0, got ${blend[i]} at index ${i}`);
      }
    }
    return { kind: 'weighted', weights: blend };
  }
  if (blend === 'crop') return { kind: 'crop', weights: null };
  if (!WEIGHT_MODES.includes(blend as WeightMode)) {
    throw new RangeError(`${FN}: blend must be one of ${BLEND_MODES.join(', ')} or a Float32Array weight map, got ${describe(blend)}`);
  }
  const mode = blend as WeightMode;
  const weightOptions = { sigmaScale: options.sigmaScale };
  const weights = mode === 'constant' ? null : blendingWeights(plan.patchSize, mode, weightOptions);
  const profiles = separableProfiles(plan.patchSize, mode, weightOptions);
  if (profiles !== null) return { kind: 'separable', weights, profiles };
  return { kind: 'weighted', weights: weights! };
}

/** Precomputes strides and the padded→source coordinate maps. */
function makeGeometry(plan: WindowPlan, padMode: 'constant' | 'edge'): CopyGeometry {
  const sourceIndex = plan.paddedShape.map((q, a) => {
    const map = new Int32Array(q);
    const s = plan.shape[a];
    for (let p = 0; p < q; p++) {
      const i = p - plan.padLow[a];
      map[p] = i >= 0 && i < s ? i : padMode === 'edge' ? Math.min(s - 1, Math.max(0, i)) : -1;
    }
    return map;
  });
  return {
    patch: plan.patchSize,
    padded: plan.paddedShape,
    paddedStrides: rowMajorStrides(plan.paddedShape),
    sourceStrides: rowMajorStrides(plan.shape),
    sourceIndex,
    unpadded: plan.paddedShape.every((q, a) => q === plan.shape[a]),
  };
}

/** Validates the predictor's answer; returns its channel count. */
function checkPrediction(out: NdArray<NumericArray>, b: number, patch: number[], expectedChannels: number): number {
  const expect = `[${b}, ${patch.join(', ')}, outChannels]`;
  if (out === null || typeof out !== 'object' || !ArrayBuffer.isView(out.data) || !Array.isArray(out.shape)) {
    throw new TypeError(`${FN}: predict must return { data, shape: ${expect} }, got ${describe(out)}`);
  }
  const shape = out.shape;
  const oc = shape[shape.length - 1];
  const ok =
    shape.length === patch.length + 2 &&
    shape[0] === b &&
    patch.every((p, a) => shape[a + 1] === p) &&
    Number.isInteger(oc) &&
    oc >= 1 &&
    (expectedChannels === 0 || oc === expectedChannels);
  if (!ok) {
    const was = expectedChannels ? ` (${expectedChannels} output channels so far)` : '';
    throw new RangeError(`${FN}: predict returned shape ${describe(shape)}, expected ${expect}${was}`);
  }
  if (out.data.length !== product(shape)) {
    throw new RangeError(`${FN}: predict returned ${out.data.length} values for shape ${describe(shape)} (needs ${product(shape)})`);
  }
  return oc;
}

/**
 * Per axis, 1 / (sum of the profile over every window covering each padded coordinate): the
 * summed weights of a separable blend are the product of these per-axis sums.
 */
function inverseAxisSums(plan: WindowPlan, profiles: Float64Array[]): Float64Array[] {
  return plan.paddedShape.map((q, a) => {
    const sums = new Float64Array(q);
    for (const s of plan.starts[a]) for (let i = 0; i < plan.patchSize[a]; i++) sums[s + i] += profiles[a][i];
    return sums.map((v) => 1 / v);
  });
}

/** Divides by the summed weights (per voxel, or per axis for separable blends) and crops the padding away. */
function finish(plan: WindowPlan, acc: Float32Array, blend: Blend, weightSum: Float32Array | null, oc: number): NdArray<Float32Array> {
  if (weightSum !== null) {
    for (let v = 0; v < weightSum.length; v++) {
      const w = weightSum[v];
      const o = v * oc;
      for (let c = 0; c < oc; c++) acc[o + c] /= w;
    }
  } else if (blend.kind === 'separable') {
    normalizeSeparable(plan, acc, inverseAxisSums(plan, blend.profiles), oc);
  }
  const shape = [...plan.shape, oc];
  if (plan.paddedShape.every((q, a) => q === plan.shape[a])) return { data: acc, shape };
  const out = new Float32Array(product(shape));
  const ps = rowMajorStrides(plan.paddedShape);
  const last = plan.shape.length - 1;
  const rowLen = plan.shape[last] * oc;
  const lead = new Array<number>(last).fill(0);
  const rows = product(plan.shape.slice(0, last));
  for (let r = 0; r < rows; r++) {
    let off = plan.padLow[last];
    for (let a = 0; a < last; a++) off += (lead[a] + plan.padLow[a]) * ps[a];
    out.set(acc.subarray(off * oc, off * oc + rowLen), r * rowLen);
    for (let a = last - 1; a >= 0; a--) {
      if (++lead[a] < plan.shape[a]) break;
      lead[a] = 0;
    }
  }
  return { data: out, shape };
}

/** acc[v] *= Π_a inv[a][v_a], row by row over the padded frame. */
function normalizeSeparable(plan: WindowPlan, acc: Float32Array, inv: Float64Array[], oc: number): void {
  const q = plan.paddedShape;
  const last = q.length - 1;
  const n = q[last];
  const lastInv = inv[last];
  const lead = new Array<number>(last).fill(0);
  const rows = product(q.slice(0, last));
  for (let r = 0, o = 0; r < rows; r++) {
    let f = 1;
    for (let a = 0; a < last; a++) f *= inv[a][lead[a]];
    if (oc === 1) {
      for (let j = 0; j < n; j++) acc[o + j] *= f * lastInv[j];
    } else {
      for (let j = 0; j < n; j++) {
        const fj = f * lastInv[j];
        for (let c = 0; c < oc; c++) acc[o + j * oc + c] *= fj;
      }
    }
    o += n * oc;
    for (let a = last - 1; a >= 0; a--) {
      if (++lead[a] < q[a]) break;
      lead[a] = 0;
    }
  }
}

/** Throws the signal's reason (or an AbortError) when it is aborted. */
function throwIfAborted(signal: AbortSignalLike | undefined): void {
  if (!signal?.aborted) return;
  if (signal.reason !== undefined) throw signal.reason;
  const e = new Error(`${FN}: aborted`);
  e.name = 'AbortError';
  throw e;
}
