import { valueAt, type VoxelDiff } from '../annotation/voxelDiff';
import { InferencePerformance, INFERENCE_MEASURES, type InferenceMeasure } from '../engine/inference/inferencePerformance';
import type { DiceReport, LabelMode } from '../engine/postprocess/dice';
import { cartesianProduct } from '../grid/patchGrid';
import { DEFAULT_MEASURE } from '../settings/defaults';
import type { NumericArray } from '../stitching/types';
import { product, rowMajorStrides } from '../util/validate';
import { DiceCounts } from './diceCounts';
import { errorCode, errorMap } from './errorMap';
import { decodeValues, type CacheGeometry, type PredictionCache } from './predictionCache';
import { copyLabelWindow } from '../engine/inference/windowLabels';
import { recommendMargin, type RecommendOptions } from '../recommend/recommendMargin';
import { GroupedSums, jackknifeMargin, MARGIN_NOISE_GROUPS, MIN_NOISE_WINDOWS, noiseGroupCount, type MarginNoise } from './marginNoise';

/** Options of {@link reevaluate}. */
export interface ReevaluateOptions {
  /** The patch performance map's measure (default `DEFAULT_MEASURE`, the runs' default). */
  measure?: InferenceMeasure;
  /** Class by class or label > 0 against reference > 0 (default `classes`), as the run's Dice mode. */
  labelMode?: LabelMode;
  /** Names for the Dice report's classes. */
  classNames?: string[];
  /**
   * K of the margin's noise (default {@link MARGIN_NOISE_GROUPS}): the windows are split into K
   * groups (window index mod K, one per window when there are fewer) whose partial sums cost
   * K × the accumulator's size in float64 memory.
   */
  noiseGroups?: number;
}

/** What one incremental update touched. */
export interface ReevaluationUpdate {
  /** Voxels whose reference changed. */
  voxels: number;
  /** Windows covering them (the only ones whose sums changed). */
  windows: number[];
  /** (voxel, window) pairs recomputed. */
  pairs: number;
}

/** (voxel, window) pairs handled per batch of an update, bounding its scratch memory. */
const PAIRS_PER_BATCH = 1 << 16;

function sameGeometry(a: CacheGeometry, b: CacheGeometry): boolean {
  const eq = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return eq(a.shape, b.shape) && eq(a.patchSize, b.patchSize) && eq(a.paddedShape, b.paddedShape) && eq(a.padLow, b.padLow) && a.starts.length === b.starts.length && a.starts.every((s, i) => eq(s, b.starts[i]));
}

/**
 * A run re-evaluated against a reference from its cached per-window predictions (never the model):
 * the patch performance map (the same accumulation as the run's `InferencePerformance`), Dice per
 * class against the run's stitched labels, and the error map. {@link Reevaluation.update} applies
 * a reference edit incrementally. The reference lives on the plan's image (`plan.shape`).
 */
export class Reevaluation {
  /** The patch performance accumulator (sums and count, as `runOnGrid`'s `performance`). */
  readonly performance: InferencePerformance;
  /** Per voxel: correct, false positive, false negative or wrong class (`ERROR_CODES`). */
  readonly errorMap: Uint8Array;
  /** The reference as it is now (a copy, updated by `update`). */
  readonly reference: Int32Array;
  readonly measure: InferenceMeasure;
  readonly labelMode: LabelMode;
  private readonly counts: DiceCounts;
  private readonly classNames: string[] | undefined;
  /** Per axis and padded-frame coordinate: the indices of the starts whose window covers it. */
  private readonly cover: number[][][];
  /** The accumulator's sums per group of windows (window index mod K), null with fewer than 3 windows. */
  readonly groups: GroupedSums | null;

  /** Use {@link reevaluate}. */
  constructor(
    readonly cache: PredictionCache,
    plan: CacheGeometry,
    reference: NumericArray,
    options: ReevaluateOptions = {},
  ) {
    const fn = 'reevaluate';
    if (!sameGeometry(cache.geometry, plan)) {
      throw new RangeError(`${fn}: the cache holds windows of [${cache.geometry.patchSize}] over [${cache.geometry.shape}] (${cache.geometry.starts.map((s) => s.length).join('×')} starts), not the plan given ([${plan.patchSize}] over [${plan.shape}], ${plan.starts.map((s) => s.length).join('×')})`);
    }
    this.measure = options.measure ?? DEFAULT_MEASURE;
    if (!INFERENCE_MEASURES.includes(this.measure)) throw new RangeError(`${fn}: measure must be one of ${INFERENCE_MEASURES.join(', ')}, got ${JSON.stringify(this.measure)}`);
    this.labelMode = options.labelMode ?? 'classes';
    if (this.labelMode !== 'classes' && this.labelMode !== 'foreground') throw new RangeError(`${fn}: labelMode must be "classes" or "foreground", got ${JSON.stringify(this.labelMode)}`);
    this.classNames = options.classNames;
    const g = cache.geometry;
    const voxels = product(g.shape);
    if (reference.length !== voxels) throw new RangeError(`${fn}: the reference has ${reference.length} voxels but the plan's image [${g.shape}] has ${voxels}`);
    // Int32 as runInference hands labels to runOnGrid, so the measures see the same values.
    this.reference = Int32Array.from(reference);
    for (let i = 0; i < voxels; i++) if (this.reference[i] < 0) throw new RangeError(`${fn}: reference label ${this.reference[i]} at voxel ${i}: labels must be integers ≥ 0`);
    this.cover = g.starts.map((starts, a) =>
      Array.from({ length: g.paddedShape[a] }, (_, f) => starts.flatMap((s, j) => (s <= f && f < s + g.patchSize[a] ? [j] : []))),
    );

    this.performance = new InferencePerformance(g.patchSize, this.measure, this.labelMode);
    const starts = cartesianProduct(g.starts);
    const k = options.noiseGroups ?? MARGIN_NOISE_GROUPS;
    if (!Number.isInteger(k) || k < MIN_NOISE_WINDOWS) throw new RangeError(`${fn}: noiseGroups must be an integer ≥ ${MIN_NOISE_WINDOWS}, got ${JSON.stringify(k)}`);
    const groupCount = noiseGroupCount(starts.length, k);
    this.groups = groupCount === 0 ? null : new GroupedSums(groupCount, this.performance.accumulator.size);
    // One window's values land in a scratch accumulator first (0 + v is v exactly), then in the full
    // accumulator (the same additions, in the same order, as InferencePerformance.add) and its group.
    const one = new InferencePerformance(g.patchSize, this.measure, this.labelMode);
    const n = product(g.patchSize) * cache.classes;
    const probs = new Float32Array(n);
    const lw = new Int32Array(product(g.patchSize));
    starts.forEach((start, k) => {
      decodeValues(cache, k * n, n, probs);
      copyLabelWindow(this.reference, g.shape, g.padLow, g.patchSize, start, lw, 0);
      one.accumulator.reset();
      one.add(probs, lw, 1, cache.classes);
      this.performance.accumulator.add(one.accumulator.sum, 1);
      this.groups?.addWindow(k, one.accumulator.sum);
    });
    this.errorMap = errorMap(cache.labels, this.reference, this.labelMode);
    this.counts = new DiceCounts(cache.labels, this.reference, this.labelMode, cache.classes);
  }

  /** The patch performance map (shape `patchSize`). */
  map(): Float64Array {
    return this.performance.map();
  }

  /**
   * The noise of the recommended margin on the map as it is now: `recommendMargin` on every
   * leave-one-group-out map (see {@link MarginNoise}); `groups` 0 with fewer than 3 windows.
   */
  marginNoise(options: RecommendOptions = {}): MarginNoise {
    const acc = this.performance.accumulator;
    const scratch = new InferencePerformance(this.cache.geometry.patchSize, this.measure, this.labelMode);
    const mapOf = (sum: Float64Array, count: number) => {
      scratch.accumulator.reset().addSum(sum, count);
      return scratch.map();
    };
    const shape = this.cache.geometry.patchSize;
    const full = recommendMargin({ data: this.map(), shape }, options).margin;
    return jackknifeMargin({ sum: acc.sum, count: acc.count }, this.groups, mapOf, shape, full, options);
  }

  /** Dice per class of the run's stitched labels against the reference as it is now. */
  dice(): DiceReport {
    return this.counts.report(this.classNames);
  }

  /**
   * Applies a reference edit (the edit history's `VoxelDiff`, flat indices on the plan's image):
   * only the windows covering the changed voxels are recomputed there, so the sums at their
   * patch positions change and the count does not; Dice and the error map follow exactly.
   * @param undo apply the diff's `before` side (an undo) instead of its `after` side
   * @throws when a voxel's current reference is not the diff's old value (a diff of another state)
   */
  update(diff: VoxelDiff, undo = false): ReevaluationUpdate {
    const fn = 'Reevaluation.update';
    const g = this.cache.geometry;
    const nd = g.shape.length;
    const classes = this.cache.classes;
    const strides = rowMajorStrides(g.shape);
    const pstrides = rowMajorStrides(g.patchSize);
    const wstrides = rowMajorStrides(g.starts.map((s) => s.length));
    const patchVoxels = product(g.patchSize);
    const touched = new Uint8Array(product(g.starts.map((s) => s.length)));
    const dice = this.measure === 'diceError';
    const delta = new Float64Array(this.performance.accumulator.size);
    const [from, to] = undo ? [diff.after, diff.before] : [diff.before, diff.after];

    // A batch of (voxel, window) pairs: the probabilities there, old and new label, patch position.
    const probs = new Float32Array(PAIRS_PER_BATCH * classes);
    const oldLabels = new Int32Array(PAIRS_PER_BATCH);
    const newLabels = new Int32Array(PAIRS_PER_BATCH);
    const positions = new Int32Array(PAIRS_PER_BATCH);
    const windowOf = new Int32Array(PAIRS_PER_BATCH);
    let m = 0;
    let pairs = 0;
    const flush = () => {
      if (m === 0) return;
      const before = new InferencePerformance([m], this.measure, this.labelMode);
      const after = new InferencePerformance([m], this.measure, this.labelMode);
      before.add(probs.subarray(0, m * classes), oldLabels.subarray(0, m), 1, classes);
      after.add(probs.subarray(0, m * classes), newLabels.subarray(0, m), 1, classes);
      const b = before.accumulator.sum;
      const a = after.accumulator.sum;
      const groups = this.groups;
      for (let j = 0; j < m; j++) {
        if (dice) {
          const di = a[2 * j] - b[2 * j];
          const du = a[2 * j + 1] - b[2 * j + 1];
          delta[2 * positions[j]] += di;
          delta[2 * positions[j] + 1] += du;
          groups?.addAt(windowOf[j], 2 * positions[j], di);
          groups?.addAt(windowOf[j], 2 * positions[j] + 1, du);
        } else {
          delta[positions[j]] += a[j] - b[j];
          groups?.addAt(windowOf[j], positions[j], a[j] - b[j]);
        }
      }
      pairs += m;
      m = 0;
    };

    const frame = new Array<number>(nd);
    const lists = new Array<number[]>(nd);
    const pick = new Array<number>(nd);
    for (let k = 0; k < diff.indices.length; k++) {
      const v = diff.indices[k];
      const old = valueAt(from, k);
      const now = valueAt(to, k);
      if (!Number.isInteger(v) || v < 0 || v >= this.reference.length) throw new RangeError(`${fn}: voxel index ${v} is outside the plan's image [${g.shape}]`);
      if (this.reference[v] !== old) throw new RangeError(`${fn}: the diff says voxel ${v} was ${old} but the reference has ${this.reference[v]} there (a diff of another state?)`);
      if (!Number.isInteger(now) || now < 0) throw new RangeError(`${fn}: new label ${now} at voxel ${v}: labels must be integers ≥ 0`);
      if (old === now) continue;
      for (let a = 0; a < nd; a++) {
        frame[a] = (Math.floor(v / strides[a]) % g.shape[a]) + g.padLow[a];
        lists[a] = this.cover[a][frame[a]];
        pick[a] = 0;
      }
      // Every combination of covering starts is one window over the voxel.
      for (;;) {
        let w = 0;
        let pos = 0;
        for (let a = 0; a < nd; a++) {
          const j = lists[a][pick[a]];
          w += j * wstrides[a];
          pos += (frame[a] - g.starts[a][j]) * pstrides[a];
        }
        touched[w] = 1;
        decodeValues(this.cache, (w * patchVoxels + pos) * classes, classes, probs, m * classes);
        oldLabels[m] = old;
        newLabels[m] = now;
        positions[m] = pos;
        windowOf[m] = w;
        if (++m === PAIRS_PER_BATCH) flush();
        let a = nd - 1;
        for (; a >= 0; a--) {
          if (++pick[a] < lists[a].length) break;
          pick[a] = 0;
        }
        if (a < 0) break;
      }
      this.reference[v] = now;
      const predicted = this.cache.labels[v];
      this.counts.change(predicted, old, now);
      this.errorMap[v] = errorCode(predicted, now, this.labelMode);
    }
    flush();
    this.performance.accumulator.addSum(delta, 0);
    const windows: number[] = [];
    touched.forEach((t, w) => t && windows.push(w));
    return { voxels: diff.indices.length, windows, pairs };
  }
}

/**
 * Re-evaluates a run from its prediction cache against a (possibly edited) reference on the
 * plan's image: the full recomputation; `update` on the result applies later edits incrementally.
 * @param plan the run's plan (checked against the cache's geometry)
 */
export function reevaluate(cache: PredictionCache, plan: CacheGeometry, reference: NumericArray, options: ReevaluateOptions = {}): Reevaluation {
  return new Reevaluation(cache, plan, reference, options);
}
