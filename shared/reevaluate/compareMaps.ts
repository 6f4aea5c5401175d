import { recommendMargin, type MarginRecommendation, type RecommendOptions } from '../recommend/recommendMargin';
import { product } from '../util/validate';
import { includeMargin, marginChangedAxes, type MarginNoise } from './marginNoise';

/** A patch performance map of mean values (what `InferencePerformance.map()` or `Reevaluation.map()` give). */
export interface PatchMap {
  data: ArrayLike<number>;
  shape: readonly number[];
}

/** Two patch performance maps side by side, with the recommendation from each. */
export interface MapComparison {
  shape: number[];
  /** after − before, per patch position. */
  difference: Float64Array;
  /** Largest |after − before|, and the mean of after − before. */
  maxAbsDifference: number;
  meanDifference: number;
  /** `recommendMargin` on each map (same tolerance). */
  before: MarginRecommendation;
  after: MarginRecommendation;
  /** Whether the recommended margin differs on any axis (the raw values; see `changedAxes` for what the noise supports). */
  marginChanged: boolean;
  /** The after map's margin noise, its range widened to include `after.margin`; null when none was given. */
  afterNoise: MarginNoise | null;
  /**
   * The axes whose margin changed beyond the noise (before's margin outside after's
   * leave-one-group-out range); null when the noise was not given or could not be measured
   * (fewer than 3 windows): then no change may be claimed.
   */
  changedAxes: number[] | null;
}

/**
 * Compares the patch performance map before and after a reference edit: the difference map and
 * `recommendMargin` on both, so the app can show how the recommendation moved, and, given the
 * after map's noise (`Reevaluation.marginNoise` with the same options), on which axes it moved
 * beyond that noise.
 * @throws `compareMaps: …` when the shapes differ, or the noise has another tolerance or rank
 */
export function compareMaps(before: PatchMap, after: PatchMap, options: RecommendOptions = {}, afterNoise: MarginNoise | null = null): MapComparison {
  if (before.shape.length !== after.shape.length || before.shape.some((s, a) => s !== after.shape[a])) {
    throw new RangeError(`compareMaps: the maps' shapes differ: [${before.shape}] vs [${after.shape}]`);
  }
  const n = product(before.shape);
  if (before.data.length !== n || after.data.length !== n) throw new RangeError(`compareMaps: shape [${before.shape}] needs ${n} values, got ${before.data.length} and ${after.data.length}`);
  const difference = new Float64Array(n);
  let maxAbs = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const d = after.data[i] - before.data[i];
    difference[i] = d;
    maxAbs = Math.max(maxAbs, Math.abs(d));
    sum += d;
  }
  const recBefore = recommendMargin(before, options);
  const recAfter = recommendMargin(after, options);
  let noise: MarginNoise | null = null;
  if (afterNoise) {
    if (afterNoise.tolerance !== recAfter.tolerance) throw new RangeError(`compareMaps: the noise was measured with tolerance ${afterNoise.tolerance} but the maps are compared with ${recAfter.tolerance}`);
    if (afterNoise.low && afterNoise.low.length !== before.shape.length) throw new RangeError(`compareMaps: the noise has ${afterNoise.low.length} axes but the maps have ${before.shape.length}`);
    // The after map may be a float32 copy of the one the noise was measured on: its margin belongs in the range.
    noise = includeMargin(afterNoise, recAfter.margin);
  }
  return {
    shape: [...before.shape],
    difference,
    maxAbsDifference: maxAbs,
    meanDifference: sum / n,
    before: recBefore,
    after: recAfter,
    marginChanged: recBefore.margin.some((m, a) => m !== recAfter.margin[a]),
    afterNoise: noise,
    changedAxes: marginChangedAxes(recBefore.margin, recAfter.margin, noise),
  };
}
