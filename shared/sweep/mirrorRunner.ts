import type { BackendInfo, ModelRunner } from '../engine/inference/modelRunner';
import type { AbortSignalLike, NdArray } from '../stitching/types';
import { describe, rowMajorStrides } from '../util/validate';

/** Options of {@link mirrorRunner}. */
export interface MirrorOptions {
  /** Spatial axes to mirror (0 = the slowest spatial axis); default: every spatial axis, as nnU-Net. */
  axes?: number[];
  /** Spatial axes of the model's patches (default 3); only used by `flips` when `axes` is absent. */
  spatialAxes?: number;
}

/** A runner with mirroring test-time augmentation. */
export interface MirrorRunner extends ModelRunner {
  /** Predictions per window: 2^(mirrored axes). */
  readonly flips: number;
  /** The runner it wraps. */
  readonly base: ModelRunner;
}

const FN = 'mirrorRunner';

/**
 * Mirroring test-time augmentation (nnU-Net v2's `use_mirroring`): every batch is predicted once
 * per combination of flips of the mirrored spatial axes (2^k predictions for k axes, the
 * unflipped one first), each prediction is flipped back, and the probabilities are averaged.
 * Wraps any {@link ModelRunner}; the batch given to it is never mutated (each flip gets a fresh
 * buffer, as the runner contract wants). Cancellable between flips.
 * @param base the runner to wrap
 * @param options which spatial axes to mirror (default all)
 */
export function mirrorRunner(base: ModelRunner, options: MirrorOptions = {}): MirrorRunner {
  if (base === null || typeof base !== 'object' || typeof base.predict !== 'function') throw new TypeError(`${FN}: base must be a ModelRunner`);
  const axesOption = options.axes;
  if (axesOption !== undefined) {
    if (!Array.isArray(axesOption) || axesOption.some((a) => !Number.isInteger(a) || a < 0) || new Set(axesOption).size !== axesOption.length) {
      throw new RangeError(`${FN}: axes must be distinct non-negative integers, got ${describe(axesOption)}`);
    }
  }
  const perms = new Map<string, Int32Array>();
  /** Index map of a flip of the spatial shape (an involution: it also flips back). */
  const permutation = (spatial: number[], axes: number[]): Int32Array => {
    const key = `${spatial.join(',')}|${axes.join(',')}`;
    let perm = perms.get(key);
    if (perm) return perm;
    const n = spatial.reduce((a, b) => a * b, 1);
    const strides = rowMajorStrides(spatial);
    perm = new Int32Array(n);
    const idx = new Array<number>(spatial.length).fill(0);
    const flip = spatial.map((_, a) => axes.includes(a));
    for (let v = 0; v < n; v++) {
      let t = 0;
      for (let a = 0; a < spatial.length; a++) t += (flip[a] ? spatial[a] - 1 - idx[a] : idx[a]) * strides[a];
      perm[v] = t;
      for (let a = spatial.length - 1; a >= 0; a--) {
        if (++idx[a] < spatial[a]) break;
        idx[a] = 0;
      }
    }
    perms.set(key, perm);
    return perm;
  };
  const spatialAxesOf = (shape: number[]) => shape.length - 2;
  const flipsFor = (nd: number) => {
    const axes = axesOption ?? Array.from({ length: nd }, (_, a) => a);
    const bad = axes.find((a) => a >= nd);
    if (bad !== undefined) throw new RangeError(`${FN}: axis ${bad} does not exist in a batch with ${nd} spatial axes`);
    return axes;
  };
  const runner: MirrorRunner = {
    base,
    get classes() {
      return base.classes;
    },
    get channels() {
      return base.channels;
    },
    get flips() {
      return 2 ** (axesOption?.length ?? options.spatialAxes ?? 3);
    },
    backend(): BackendInfo {
      return base.backend();
    },
    async predict(batch: NdArray<Float32Array>, firstWindow: number, signal?: AbortSignalLike): Promise<Float32Array> {
      const nd = spatialAxesOf(batch.shape);
      if (nd < 1) throw new RangeError(`${FN}: the batch must be [b, ...spatial, channels], got shape ${describe(batch.shape)}`);
      const axes = flipsFor(nd);
      const b = batch.shape[0];
      const spatial = batch.shape.slice(1, -1);
      const c = batch.shape[batch.shape.length - 1];
      const voxels = spatial.reduce((x, y) => x * y, 1);
      const classes = base.classes;
      const sum = new Float32Array(b * voxels * classes);
      const combos = 2 ** axes.length;
      for (let mask = 0; mask < combos; mask++) {
        if (signal?.aborted) throw signal.reason ?? new Error(`${FN}: aborted`);
        const flipped = axes.filter((_, k) => (mask >> k) & 1);
        const perm = flipped.length ? permutation(spatial, flipped) : null;
        const input = new Float32Array(batch.data.length);
        if (perm) permute(batch.data, input, perm, b, voxels, c);
        else input.set(batch.data);
        const probs = await base.predict({ data: input, shape: [...batch.shape] }, firstWindow, signal);
        if (probs.length !== sum.length) {
          throw new RangeError(`${FN}: the model returned ${probs.length} values for ${b} window(s) of ${voxels} voxels × ${classes} classes`);
        }
        if (perm) {
          for (let k = 0; k < b; k++)
            for (let v = 0; v < voxels; v++) {
              const src = (k * voxels + perm[v]) * classes;
              const dst = (k * voxels + v) * classes;
              for (let q = 0; q < classes; q++) sum[dst + q] += probs[src + q];
            }
        } else {
          for (let i = 0; i < sum.length; i++) sum[i] += probs[i];
        }
      }
      for (let i = 0; i < sum.length; i++) sum[i] /= combos;
      return sum;
    },
  };
  return runner;
}

/** out[k, perm[v], :] = data[k, v, :]. */
function permute(data: Float32Array, out: Float32Array, perm: Int32Array, b: number, voxels: number, c: number): void {
  for (let k = 0; k < b; k++)
    for (let v = 0; v < voxels; v++) {
      const src = (k * voxels + v) * c;
      const dst = (k * voxels + perm[v]) * c;
      for (let q = 0; q < c; q++) out[dst + q] = data[src + q];
    }
}
