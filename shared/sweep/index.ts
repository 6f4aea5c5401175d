/**
 * Sweeps: grids of configurations (patch size × overlap × placement × blending × mirroring),
 * performance-weighted blending, mirroring test-time augmentation, the time model, the Pareto
 * front and the selection rule, and the summary. Pure TypeScript; the Node runner and the sweep
 * folder live in `src-node/sweep`.
 */
export { SWEEP_BLENDS, configId, patchKey, expandGrid, normalizeGrid, calibrationConfig, planSweep, type GridOptions, type SweepPlan } from './grid';
export { parseShard, sweepPairs, type Shard, type SweepPair } from './pairs';
export { performanceWeights, type PerformanceWeightOptions } from './performanceWeights';
export { mirrorRunner, type MirrorOptions, type MirrorRunner } from './mirrorRunner';
export { fitTimeModel, predictTime, calibrationTiming, measureStitchCosts, type TimePrediction, type CalibrationTiming } from './timeModel';
export { paretoFront, parseRule, formatRule, applyRule, DEFAULT_RULE, RULE_SYNTAX, type SelectionRule, type RankRow } from './pareto';
export { buildSummary, patchShapedMap, type SummaryOptions, type BuiltSummary } from './summarize';
export { compareTimes, compareDice, describeTime, describeDice, spreadOf, t975, formatMs, DICE_MIN_DIFFERENCE, TIME_MIN_DIFFERENCE_FRACTION, type TimeVerdict, type DiceVerdict, type Spread, type TimeComparison, type DiceComparison } from './noise';
export { DICE_FLOOR, compareBlends, compareConfigResults, resultRuns, settingLabel, referenceImages, savingFindings, tiesWithRecommendation, type BlendComparison, type ConfigResultComparison, type MeasuredResult } from './findings';
export type * from './types';
