import type { InferenceMeasure } from '../engine/inference/inferencePerformance';
import type { WindowPlan } from '../stitching/planWindows';
import type { PatchWindow } from '../stitching/types';
import { product } from '../util/validate';
import { float16Table, toFloat16Bits } from './float16';

/**
 * How a cache stores each window's probabilities:
 * - `uint8`: round(p·255), error ≤ 1/510 per value; for the linear measures (absoluteError, diceError);
 * - `float16`: IEEE half, relative error ≤ 2⁻¹¹; for crossEntropy, whose log needs precision near 0;
 * - `float32`: exact (tests, small runs). docs/reevaluation.md gives the sizes and the reasons.
 */
export const CACHE_ENCODINGS = ['uint8', 'float16', 'float32'] as const;

/** One of {@link CACHE_ENCODINGS}. */
export type CacheEncoding = (typeof CACHE_ENCODINGS)[number];

/** The encoding a run's measure wants: float16 for crossEntropy, uint8 otherwise (see docs/reevaluation.md). */
export function defaultCacheEncoding(measure: InferenceMeasure): CacheEncoding {
  return measure === 'crossEntropy' ? 'float16' : 'uint8';
}

/** Where the cached windows lie: the parts of the run's {@link WindowPlan} that place them. */
export type CacheGeometry = Pick<WindowPlan, 'shape' | 'patchSize' | 'paddedShape' | 'padLow' | 'starts'>;

/** The per-window predictions of one run, enough to re-evaluate it against any reference. */
export interface PredictionCache {
  encoding: CacheEncoding;
  classes: number;
  geometry: CacheGeometry;
  /** Every window's probabilities before stitching, `[windows, ...patch, classes]` in plan order, encoded. */
  probabilities: Uint8Array | Uint16Array | Float32Array;
  /** The run's stitched labels (argmax, after any post-processing) on `geometry.shape`. */
  labels: Uint8Array;
}

/** The typed array an encoding stores into. */
export function allocateProbabilities(encoding: CacheEncoding, length: number): PredictionCache['probabilities'] {
  return encoding === 'uint8' ? new Uint8Array(length) : encoding === 'float16' ? new Uint16Array(length) : new Float32Array(length);
}

/** Windows of a geometry (the product of its starts per axis). */
export function cacheWindowCount(geometry: CacheGeometry): number {
  return product(geometry.starts.map((s) => s.length));
}

let u8table: Float32Array | null = null;

/** q/255 as float32 for every byte q (a lookup is faster than the division over 10⁸ values). */
function uint8Table(): Float32Array {
  if (!u8table) u8table = Float32Array.from({ length: 256 }, (_, q) => q / 255);
  return u8table;
}

/**
 * Decodes `count` cached values from `from` into `out` at `at` (float32, as a model hands them
 * to the patch performance map; uint8 `q` becomes `q/255` rounded to float32).
 */
export function decodeValues(cache: PredictionCache, from: number, count: number, out: Float32Array, at = 0): void {
  const src = cache.probabilities;
  if (cache.encoding === 'float32') {
    out.set((src as Float32Array).subarray(from, from + count), at);
  } else if (cache.encoding === 'uint8') {
    const t = uint8Table();
    for (let i = 0; i < count; i++) out[at + i] = t[src[from + i]];
  } else {
    const t = float16Table();
    for (let i = 0; i < count; i++) out[at + i] = t[src[from + i]];
  }
}

/**
 * Fills a prediction cache while a run predicts: pass {@link PredictionCollector.add} as
 * `runOnGrid`'s `onPrediction` (it sizes itself from the plan of its first batch), then call
 * {@link PredictionCollector.finish} with the stitched labels.
 */
export class PredictionCollector {
  readonly encoding: CacheEncoding;
  private geometry: CacheGeometry | null = null;
  private classes = 0;
  private data: PredictionCache['probabilities'] | null = null;
  private filled: Uint8Array | null = null;
  private count = 0;

  /** @param options.encoding the storage (default: {@link defaultCacheEncoding} of `options.measure`, else uint8) */
  constructor(options: { encoding?: CacheEncoding; measure?: InferenceMeasure } = {}) {
    const encoding = options.encoding ?? (options.measure ? defaultCacheEncoding(options.measure) : 'uint8');
    if (!CACHE_ENCODINGS.includes(encoding)) throw new RangeError(`PredictionCollector: encoding must be one of ${CACHE_ENCODINGS.join(', ')}, got ${JSON.stringify(encoding)}`);
    this.encoding = encoding;
  }

  /** Windows stored so far. */
  get windowsCollected(): number {
    return this.count;
  }

  /**
   * Stores a predicted batch `[b, ...patch, classes]` of the given windows (any order; each once).
   * uint8 and float16 hold probabilities: values outside [0, 1] by more than 1e-6 are refused.
   */
  readonly add = (probs: Float32Array, windows: readonly PatchWindow[], plan: WindowPlan): void => {
    const fn = 'PredictionCollector.add';
    const patch = product(plan.patchSize);
    if (!this.geometry) {
      const classes = probs.length / (windows.length * patch);
      if (!Number.isInteger(classes) || classes < 1 || classes > 255) throw new RangeError(`${fn}: ${probs.length} values for ${windows.length} window(s) of ${patch} voxels is not a whole number of classes in [1, 255]`);
      this.geometry = { shape: [...plan.shape], patchSize: [...plan.patchSize], paddedShape: [...plan.paddedShape], padLow: [...plan.padLow], starts: plan.starts.map((s) => [...s]) };
      this.classes = classes;
      this.data = allocateProbabilities(this.encoding, plan.windows.length * patch * classes);
      this.filled = new Uint8Array(plan.windows.length);
    } else if (plan.windows.length !== this.filled!.length || plan.patchSize.some((p, a) => p !== this.geometry!.patchSize[a])) {
      throw new RangeError(`${fn}: this batch's plan (${plan.windows.length} windows of [${plan.patchSize}]) is not the plan of the first batch`);
    }
    const n = patch * this.classes;
    if (probs.length !== windows.length * n) throw new RangeError(`${fn}: expected ${windows.length * n} values for ${windows.length} window(s), got ${probs.length}`);
    windows.forEach((w, k) => {
      if (this.filled![w.index]) throw new RangeError(`${fn}: window ${w.index} was added twice`);
      this.store(probs, k * n, w.index * n, n, w.index);
      this.filled![w.index] = 1;
      this.count++;
    });
  };

  private store(probs: Float32Array, from: number, to: number, n: number, window: number): void {
    const out = this.data!;
    if (this.encoding === 'float32') {
      out.set(probs.subarray(from, from + n), to);
      return;
    }
    for (let i = 0; i < n; i++) {
      const p = probs[from + i];
      if (!(p >= -1e-6 && p <= 1 + 1e-6)) {
        throw new RangeError(`PredictionCollector.add: window ${window} has the value ${p} outside [0, 1]; a ${this.encoding} cache holds probabilities (use float32 for other outputs)`);
      }
      const c = p < 0 ? 0 : p > 1 ? 1 : p;
      out[to + i] = this.encoding === 'uint8' ? Math.round(c * 255) : toFloat16Bits(c);
    }
  }

  /**
   * The cache, once every window of the plan was added.
   * @param labels the run's stitched labels on the plan's image (e.g. `argmax(run.probabilities, classes)`)
   */
  finish(labels: Uint8Array): PredictionCache {
    const fn = 'PredictionCollector.finish';
    if (!this.geometry) throw new Error(`${fn}: no window was added (pass collector.add as runOnGrid's onPrediction)`);
    const missing = this.filled!.indexOf(0);
    if (missing >= 0) throw new Error(`${fn}: window ${missing} of ${this.filled!.length} was never added`);
    const voxels = product(this.geometry.shape);
    if (!(labels instanceof Uint8Array) || labels.length !== voxels) throw new RangeError(`${fn}: labels must be a Uint8Array of ${voxels} voxels (shape [${this.geometry.shape}]), got ${labels?.length}`);
    return { encoding: this.encoding, classes: this.classes, geometry: this.geometry, probabilities: this.data!, labels: Uint8Array.from(labels) };
  }
}
