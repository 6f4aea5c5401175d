import { recommendMargin, type MarginRecommendation, type RecommendOptions } from '../recommend/recommendMargin';
import { product } from '../util/validate';

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
  /** Whether the recommended margin differs on any axis. */
  marginChanged: boolean;
}

/**
 * Compares the patch performance map before and after a reference edit: the difference map and
 * `recommendMargin` on both, so the app can show how the recommendation moved.
 * @throws `compareMaps: …` when the shapes differ
 */
export function compareMaps(before: PatchMap, after: PatchMap, options: RecommendOptions = {}): MapComparison {
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
  return {
    shape: [...before.shape],
    difference,
    maxAbsDifference: maxAbs,
    meanDifference: sum / n,
    before: recBefore,
    after: recAfter,
    marginChanged: recBefore.margin.some((m, a) => m !== recAfter.margin[a]),
  };
}
