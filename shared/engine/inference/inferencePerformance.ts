import { PerformanceMap } from '../../performance/PerformanceMap';
import type { NumericArray } from '../../stitching/types';

/** The measures `InferencePerformance` understands. */
export const INFERENCE_MEASURES = ['crossEntropy', 'absoluteError', 'diceError'] as const;

/** Elementwise measures between a predicted window and the same window of the reference labels. */
export type InferenceMeasure = (typeof INFERENCE_MEASURES)[number];

export type { LabelMode } from '../postprocess/dice';
import type { LabelMode } from '../postprocess/dice';

/**
 * The patch performance map measured at inference: every predicted window (probabilities,
 * before stitching) is compared position by position with the same window of the reference
 * labels and accumulated in patch coordinates.
 *
 * - `crossEntropy`: −log p(reference class), log clamped at −100 (foreground mode: binary
 *   cross-entropy of the foreground probability 1 − p(background)).
 * - `absoluteError`: ½·Σ_c |p_c − t_c| (total variation; equals |p_fg − t_fg| for two classes
 *   and in foreground mode).
 * - `diceError`: 1 − 2·ΣI/ΣU per position, where I = Σ_{c≥1} p_c·t_c and U = Σ_{c≥1} (p_c + t_c)
 *   are summed over all windows (a soft Dice per patch position); the accumulator keeps I and U
 *   in a trailing axis of 2.
 */
export class InferencePerformance {
  /** The accumulator (trailing axis [I, U] for `diceError`). */
  readonly accumulator: PerformanceMap;
  private readonly voxels: number;

  constructor(
    readonly patchShape: readonly number[],
    readonly measure: InferenceMeasure,
    readonly mode: LabelMode,
  ) {
    if (!INFERENCE_MEASURES.includes(measure)) {
      throw new RangeError(`InferencePerformance: measure must be one of ${INFERENCE_MEASURES.join(', ')}, got ${JSON.stringify(measure)}`);
    }
    this.voxels = patchShape.reduce((a, b) => a * b, 1);
    this.accumulator = new PerformanceMap(measure === 'diceError' ? [...patchShape, 2] : [...patchShape], measure);
  }

  /**
   * Adds `b` windows: `probs` is `[b, ...patch, classes]`, `labels` `[b, ...patch]` (integer
   * class indices; in foreground mode anything > 0 is foreground).
   */
  add(probs: Float32Array, labels: NumericArray, b: number, classes: number): void {
    const n = this.voxels;
    if (probs.length !== b * n * classes || labels.length !== b * n) {
      throw new RangeError(`InferencePerformance.add: got ${probs.length} probabilities and ${labels.length} labels for ${b} window(s) of ${n} voxels × ${classes} classes`);
    }
    const dice = this.measure === 'diceError';
    const values = new Float64Array(b * n * (dice ? 2 : 1));
    for (let v = 0; v < b * n; v++) {
      const p = v * classes;
      const t = labels[v];
      if (dice) {
        let inter = 0;
        let union = 0;
        if (this.mode === 'foreground' || classes === 1) {
          const pf = classes === 1 ? probs[p] : 1 - probs[p];
          const tf = t > 0 ? 1 : 0;
          inter = pf * tf;
          union = pf + tf;
        } else {
          for (let c = 1; c < classes; c++) {
            const tc = t === c ? 1 : 0;
            inter += probs[p + c] * tc;
            union += probs[p + c] + tc;
          }
        }
        values[2 * v] = inter;
        values[2 * v + 1] = union;
        continue;
      }
      values[v] = this.measure === 'crossEntropy' ? this.crossEntropy(probs, p, t, classes) : this.absoluteError(probs, p, t, classes);
    }
    this.accumulator.add(values, b);
  }

  private crossEntropy(probs: Float32Array, p: number, t: number, classes: number): number {
    const log = (x: number) => Math.max(Math.log(x), -100);
    if (this.mode === 'foreground' || classes === 1) {
      const pf = classes === 1 ? probs[p] : 1 - probs[p];
      return t > 0 ? -log(pf) : -log(1 - pf);
    }
    return -log(t >= 0 && t < classes ? probs[p + t] : 0);
  }

  private absoluteError(probs: Float32Array, p: number, t: number, classes: number): number {
    if (this.mode === 'foreground' || classes === 1) {
      const pf = classes === 1 ? probs[p] : 1 - probs[p];
      return Math.abs(pf - (t > 0 ? 1 : 0));
    }
    let s = 0;
    for (let c = 0; c < classes; c++) s += Math.abs(probs[p + c] - (t === c ? 1 : 0));
    return s / 2;
  }

  /** The map in patch coordinates (shape `patchShape`). */
  map(): Float64Array {
    const mean = this.accumulator.mean();
    if (this.measure !== 'diceError') return mean;
    const out = new Float64Array(this.voxels);
    for (let i = 0; i < out.length; i++) {
      const u = mean[2 * i + 1];
      out[i] = u > 0 ? 1 - (2 * mean[2 * i]) / u : 0;
    }
    return out;
  }
}
