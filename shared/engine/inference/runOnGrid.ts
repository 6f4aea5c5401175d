import { blendingWeights, WEIGHT_MODES, type WeightMode } from '../../blending/blendingWeights';
import type { Placement } from '../../grid/placement';
import type { PerformanceMap } from '../../performance/PerformanceMap';
import { cropTrims, planWindows, type WindowPlan } from '../../stitching/planWindows';
import { now } from '../../util/clock';
import { yieldToEventLoop } from '../../util/yieldToEventLoop';
import { stitchWindows } from '../../stitching/slidingWindow';
import { DEFAULT_BLEND, DEFAULT_MEASURE } from '../../settings/defaults';
import { normalizeWindowSettings } from '../../settings/windowSettings';
import type { AbortSignalLike, BlendMode, NdArray, NumericArray, PatchWindow } from '../../stitching/types';
import { ConsistencyTracker } from './consistency';
import { computeCoverage, type Coverage } from './coverage';
import { InferencePerformance, type InferenceMeasure, type LabelMode } from './inferencePerformance';
import type { ModelRunner } from './modelRunner';
import { copyLabelWindow } from './windowLabels';

/** Progress of a run: the phase, windows done / total and the estimated time left. */
export interface InferenceProgress {
  phase: 'preprocess' | 'model' | 'postprocess';
  done: number;
  total: number;
  /** Estimated milliseconds left in this phase (null until one batch finished). */
  etaMs: number | null;
}

/** Sliding-window options of an inference run (the core's, plus padding off and the measures). */
export interface GridRunOptions {
  /** Patch size per spatial axis, one for all, or `'whole'` (one window over the whole grid). */
  patchSize: number | number[] | 'whole';
  /** One for all axes or one per axis, within `OVERLAP_LIMITS` (default `DEFAULT_OVERLAP`: 0.5). */
  overlap?: number | number[];
  placement?: Placement | Placement[];
  /** Blending (default `DEFAULT_BLEND`: gaussian) or a patch-shaped weight map. */
  blend?: BlendMode | Float32Array;
  sigmaScale?: number | number[];
  batchSize?: number;
  /** `'none'` makes a patch larger than the image an error instead of padding. */
  padMode?: 'constant' | 'edge' | 'none';
  padValue?: number;
  /** Measure of the patch performance map (default `DEFAULT_MEASURE` of `shared/settings`: absoluteError). */
  measure?: InferenceMeasure;
  /** How predictions are compared with the reference labels (default `classes`). */
  labelMode?: LabelMode;
  /** Keep the label-free consistency map (default true). */
  consistency?: boolean;
  /** Memory bound of the consistency map (default 1 GiB). */
  consistencyMaxBytes?: number;
  signal?: AbortSignalLike;
  onProgress?: (p: InferenceProgress) => void;
  /**
   * Called with every predicted batch `[b, ...patch, classes]` before it is stitched, its
   * windows and the run's plan (e.g. `PredictionCollector.add` of `shared/reevaluate`, which
   * caches the windows for re-evaluation). It must not modify `probs`.
   */
  onPrediction?: (probs: Float32Array, windows: readonly PatchWindow[], plan: WindowPlan) => void;
}

/** What `runOnGrid` produces, on the grid it was given. */
export interface GridRunResult {
  /** Stitched probabilities `[...shape, classes]`. */
  probabilities: Float32Array;
  classes: number;
  plan: WindowPlan;
  /** Milliseconds inside the model, and in sliding-window bookkeeping + blending. */
  modelMs: number;
  stitchMs: number;
  /** Patch performance from inference (null without reference labels). */
  performance: InferencePerformance | null;
  /** Consistency accumulator (null when off or skipped; see `consistencySkipped`). */
  consistency: PerformanceMap | null;
  consistencySkipped: string | null;
  coverage: Coverage;
}

/** Longest stretch of predictions without letting the host's event loop run, ms. */
const YIELD_MS = 100;

const FN = 'runInference';

/**
 * Runs a model over a grid by patches: plans the windows once (settings normalized and checked
 * by `shared/settings`) and runs the core's `stitchWindows` over that plan around `runner.predict`,
 * with the patch performance map (each predicted window against the same window of `labels`,
 * before stitching), the consistency map and the coverage on the side.
 * @param image `{ data, shape: [...spatial, channels] }` on the model's grid, already normalized
 * @param labels reference labels on the same spatial grid, or null
 */
export async function runOnGrid(image: NdArray<Float32Array>, labels: NumericArray | null, runner: ModelRunner, options: GridRunOptions): Promise<GridRunResult> {
  const spatial = image.shape.slice(0, -1);
  const channels = image.shape[image.shape.length - 1];
  if (channels !== runner.channels) {
    throw new RangeError(`${FN}: the model takes ${runner.channels} input channel(s) but the image has ${channels}`);
  }
  const windows = normalizeWindowSettings(FN, options, spatial);
  const padMode = options.padMode ?? 'constant';
  if (padMode === 'none') {
    windows.patchSize.forEach((p, a) => {
      if (p > spatial[a]) throw new RangeError(`${FN}: patch ${p} is larger than image axis ${a} (${spatial[a]} voxels) and padding is off`);
    });
  }
  // Planned once, here: the maps beside the run and the stitching (`stitchWindows`) use this plan.
  const plan = planWindows(spatial, windows);
  const blend = options.blend ?? DEFAULT_BLEND;
  const measure = options.measure ?? DEFAULT_MEASURE;
  const performance = labels ? new InferencePerformance(plan.patchSize, measure, options.labelMode ?? 'classes') : null;
  const consistency = options.consistency === false || plan.windows.length < 2 ? null : new ConsistencyTracker(plan.patchSize, plan.paddedShape, runner.classes, options.consistencyMaxBytes);
  const patchVoxels = plan.patchSize.reduce((a, b) => a * b, 1);

  let modelMs = 0;
  let classes = 0;
  const t0 = now();
  // The host's event loop must run now and then (a JS backend computes in this thread and its
  // awaits are microtasks): that is where SIGINT/SIGTERM handlers and an AbortController's abort
  // run. A zero-delay timer at most every YIELD_MS costs ~1 % and keeps a stop within a window.
  let lastYield = now();
  const predict = async (batch: NdArray<Float32Array>, windows: PatchWindow[]) => {
    if (now() - lastYield >= YIELD_MS) {
      await yieldToEventLoop();
      lastYield = now();
      if (options.signal?.aborted) throw options.signal.reason ?? Object.assign(new Error(`${FN}: aborted`), { name: 'AbortError' });
    }
    const tm = now();
    const probs = await runner.predict(batch, windows[0].index, options.signal);
    modelMs += now() - tm;
    const b = windows.length;
    classes = probs.length / (b * patchVoxels);
    if (!Number.isInteger(classes) || classes !== runner.classes) {
      throw new RangeError(`${FN}: the model returned ${probs.length} values for ${b} window(s) of ${patchVoxels} voxels, expected ${runner.classes} classes`);
    }
    checkFinitePrediction(probs, windows, patchVoxels, classes);
    options.onPrediction?.(probs, windows, plan);
    if (performance && labels) {
      const lw = new Int32Array(b * patchVoxels);
      windows.forEach((w, k) => copyLabelWindow(labels, spatial, plan.padLow, plan.patchSize, w.start, lw, k * patchVoxels));
      performance.add(probs, lw, b, classes);
    }
    consistency?.add(probs, windows);
    return { data: probs, shape: [b, ...plan.patchSize, classes] };
  };
  const stitched = await stitchWindows(image, plan, predict, {
    blend,
    sigmaScale: options.sigmaScale,
    batchSize: options.batchSize ?? 1,
    padMode: padMode === 'none' ? 'constant' : padMode,
    padValue: options.padValue,
    signal: options.signal,
    onProgress: (done, all) => {
      const elapsed = now() - t0;
      options.onProgress?.({ phase: 'model', done, total: all, etaMs: done > 0 ? (elapsed / done) * (all - done) : null });
    },
  });
  const stitchMs = now() - t0 - modelMs;
  const consistencyMap = consistency?.finish() ?? null;
  const coverage = computeCoverage(plan, coverageWeights(plan, blend, options.sigmaScale));
  return {
    probabilities: stitched.data,
    classes: runner.classes,
    plan,
    modelMs,
    stitchMs,
    performance,
    consistency: consistencyMap,
    consistencySkipped: options.consistency === false ? 'turned off' : plan.windows.length < 2 ? 'a single window has nothing to compare with' : consistency!.skipped,
    coverage,
  };
}

/**
 * Refuses a predicted batch holding NaN or ±Infinity (broken weights or input would otherwise
 * be stitched into the result, argmax'ed to class 0 and reported with exit 0). One pass over the
 * batch: `v · 0` is 0 for every finite v and NaN otherwise, so the sum stays 0 unless something
 * is wrong; only then are the first bad window's voxels counted.
 * @param probs `[b, ...patch, classes]`
 */
function checkFinitePrediction(probs: Float32Array, windows: readonly PatchWindow[], patchVoxels: number, classes: number): void {
  let sum = 0;
  for (let i = 0; i < probs.length; i++) sum += probs[i] * 0;
  if (sum === 0) return;
  for (let k = 0; k < windows.length; k++) {
    let voxels = 0;
    for (let v = k * patchVoxels; v < (k + 1) * patchVoxels; v++) {
      for (let c = v * classes; c < (v + 1) * classes; c++) {
        const p = probs[c];
        if (p - p !== 0) {
          voxels++;
          break;
        }
      }
    }
    if (voxels > 0) {
      const w = windows[k];
      throw new RangeError(`${FN}: window ${w.index} at [${w.start.join(', ')}] predicted NaN/Infinity at ${voxels} voxel(s) (the model's weights or input are broken)`);
    }
  }
}

/** The per-voxel weights (or crop trims) the plan's blending gives each window. */
function coverageWeights(plan: WindowPlan, blend: BlendMode | Float32Array, sigmaScale?: number | number[]) {
  if (blend instanceof Float32Array) return blend;
  if (blend === 'crop') {
    return (start: readonly number[]) => cropTrims(plan, start);
  }
  if (!WEIGHT_MODES.includes(blend as WeightMode)) return blendingWeights(plan.patchSize, 'constant');
  return blendingWeights(plan.patchSize, blend as WeightMode, { sigmaScale });
}
