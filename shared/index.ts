/**
 * PatchLens core: patch placement, blending, sliding-window stitching, patch performance
 * accumulation and margin recommendation. Pure TypeScript: runs in Node, a browser or a Worker.
 */
export { patchStarts, patchInterval } from './grid/patchStarts';
export { patchGrid, axisStarts, cartesianProduct } from './grid/patchGrid';
export { PLACEMENTS, type Placement } from './grid/placement';
export { blendingWeights, WEIGHT_MODES, type WeightMode, type BlendingOptions } from './blending/blendingWeights';
export { slidingWindow } from './stitching/slidingWindow';
export { planWindows, type WindowPlan } from './stitching/planWindows';
export {
  BLEND_MODES,
  type AbortSignalLike,
  type BlendMode,
  type NdArray,
  type NumericArray,
  type PadMode,
  type PatchWindow,
  type Predictor,
  type SlidingWindowOptions,
  type WindowPlanOptions,
} from './stitching/types';
export { PerformanceMap, type PerformanceMapJSON } from './performance/PerformanceMap';
export { PatchPerformance, type TrackOptions, type TrackedLoss, type LossFunction } from './performance/PatchPerformance';
export { MEASURES, MEASURE_NAMES, resolveMeasure, type Measure, type MeasureName } from './performance/measures';
export { recommendMargin, cropMean, maxMargin, type MarginRecommendation, type RecommendOptions, type MapInput } from './recommend/recommendMargin';
export { SummedAreaTable } from './recommend/summedAreaTable';
export { parseNpy, writeNpy, type NpyArray } from './io/npy';
export { roundHalfToEven } from './util/roundHalfToEven';
