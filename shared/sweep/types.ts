import type { BlendMode, Placement } from '../index';
import type { DiceReport, LabelMode } from '../engine/postprocess/dice';
import type { InferenceMeasure } from '../engine/inference/inferencePerformance';
import type { PerformanceMapJSON } from '../performance/PerformanceMap';
import type { MarginRecommendation } from '../recommend/recommendMargin';
import type { ReferenceCheck } from '../engine/inference/referenceCheck';
import type { DiceComparison, TimeComparison } from './noise';

/** Blending modes a sweep can try: the core's, plus the measured patch performance map turned into weights. */
export type SweepBlend = BlendMode | 'performance-weighted';

/** One configuration of a sweep (everything that changes between runs). */
export interface SweepConfig {
  /** Stable id, e.g. `p64-o0.5-stride-gaussian-tta0` (see `configId`). */
  id: string;
  patchSize: number[];
  /** Overlap fraction per spatial axis. */
  overlap: number[];
  placement: Placement;
  blend: SweepBlend;
  /** Mirroring test-time augmentation (nnU-Net): average over flips of every spatial axis. */
  mirror: boolean;
}

/** The grid a sweep runs (the cartesian product of these lists). */
export interface SweepGrid {
  /** Patch sizes, each one per spatial axis (or one number for all axes). */
  patchSizes: number[][];
  /** Overlaps, each one per spatial axis (or one number for all axes). */
  overlaps: number[][];
  placements: Placement[];
  blends: SweepBlend[];
  mirror: boolean[];
}

/** One image (and its reference labels) a sweep runs on. */
export interface SweepCase {
  /** File-name-safe id (letters, digits, `.`, `_`, `-`; no `__`). */
  id: string;
  image: string;
  label: string;
  /** SHA-256 (hex) of the image file's bytes, as `infer` records it; set by the sweep (absent in sweeps written before it was recorded). */
  imageSha256?: string;
  /** SHA-256 (hex) of the label file's bytes. */
  labelSha256?: string;
}

/** Settings that apply to every run of a sweep (they are not swept). */
export interface SweepSettings {
  /** Timed runs per (case, configuration) (default 3). */
  repeats: number;
  /**
   * Untimed warm-up: `'patch'` (default) one full run before the first timed run of every patch
   * size in this process (the model's kernels and shape caches, the JIT); `'each'` one before
   * every (case, configuration); `'none'`.
   */
  warmup: 'patch' | 'each' | 'none';
  /** Windows per model call (default 1). */
  batchSize: number;
  /** Measure of the patch performance map (default `absoluteError`). */
  measure: InferenceMeasure;
  /** Dice and the map: class by class, label > 0, or auto (default auto). */
  diceMode: LabelMode | 'auto';
  /** Crop to the head's bounding box when the model asks for it (default true). */
  crop: boolean;
}

/** What a sweep knows about its model. */
export interface SweepModelInfo {
  name: string;
  /** SHA-256 of the model's files (results of another model are never reused). */
  sha256: string;
  /** Where it was loaded from, when it came from disk. */
  path?: string;
}

/** Per-window latency as a function of patch voxels. */
export interface LatencyFit {
  /** Measured ms per window by patch voxels (mean where a patch size was calibrated more than once). */
  points: { voxels: number; msPerWindow: number }[];
  /** The line ms = intercept + perVoxel · voxels used between and beyond the points. */
  intercept: number;
  perVoxel: number;
}

/**
 * A time model fitted from calibration runs:
 *
 *     time ≈ fixed + windows · (modelLatency(V) · flips + stitchLatency(V) + blendExtra(blend) · V)
 *
 * with V the patch voxels, flips = 2^spatialAxes with mirroring (else 1) and windows from the
 * core's `planWindows` (fitted and used by `fitTimeModel` and `predictTime` in timeModel.ts) on the inference box.
 */
export interface TimeModel {
  /** preprocess + postprocess, ms (mean over the calibrations): independent of the configuration. */
  fixedMs: number;
  /** Model ms per window (one prediction, no mirroring). */
  model: LatencyFit;
  /** Stitching ms per window (the calibration's blend). */
  stitch: LatencyFit;
  /**
   * Extra stitching cost of each blend over the calibration's blend, ms per window per patch voxel
   * (negative when cheaper, e.g. crop), from the calibrations' `stitchProbe` (mean over them);
   * absent blends cost the same.
   */
  blendExtra?: Partial<Record<SweepBlend, number>>;
  /** The calibration configurations it was fitted on. */
  calibrations: string[];
}

/** Timing of one configuration on one case: repeated runs after a warm-up. */
export interface ConfigTiming {
  /** Median and spread (min, max) of the total wall-clock time, ms. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  runs: number;
  /** Median split of the run, ms. */
  preprocessMs: number;
  modelMs: number;
  stitchMs: number;
  postprocessMs: number;
  /** Every timed run's total, ms, in order. */
  runsMs: number[];
  /**
   * The split of the fastest run, ms: the least disturbed measurement (other processes only ever
   * add time), which the time model is fitted on and predicts.
   */
  fastest?: { preprocessMs: number; modelMs: number; stitchMs: number; postprocessMs: number };
}

/** The result of one configuration on one case. */
export interface CaseResult {
  caseId: string;
  configId: string;
  /** The configuration itself (so a result file stands on its own). */
  config: SweepConfig;
  windows: number;
  timing: ConfigTiming;
  dice: DiceReport;
  /** The machine that measured it (timings are kept per machine when shards merge). */
  machine: string;
  /** tfjs backend the runs used. */
  backend: string;
  /** The patch performance map of this run (accumulator, mergeable). */
  performance: PerformanceMapJSON | null;
  /** Size of the box on the model grid inference ran in (what `planWindows` plans over). */
  domainSize: number[];
  /** Spatial shape of the model grid. */
  gridShape: number[];
  /** Whether this is its patch size's calibration run (its map feeds `performance-weighted` and `recommendMargin`). */
  calibration: boolean;
  /** For `performance-weighted`: the calibration configuration whose map gave the weights. */
  weightsFrom?: string;
  /**
   * Stitching cost per window per blend, ms, measured on the side of a calibration run with a
   * predictor that costs nothing (see `measureStitchCosts`); absent elsewhere.
   */
  stitchProbe?: Partial<Record<SweepBlend, number>>;
  /** Hash of everything a result depends on besides the configuration (model, case files, settings): stale results are rerun. */
  fingerprint: string;
  /**
   * `checkReference` on the case's labels: the Dice mode, its warning, and whether the labels
   * look like an intensity image (absent in results written before it was recorded).
   */
  reference?: ReferenceCheck;
  warnings: string[];
  /** ISO date the result was written. */
  finishedAt: string;
}

/** Dice of one class averaged over cases. */
export interface ClassDiceSummary {
  label: number;
  name?: string;
  dice: number;
}

/** One machine's timing of a configuration. */
export interface MachineTiming {
  machine: string;
  /** Mean over the cases it measured of the median total time, ms. */
  timeMs: number;
  cases: number;
}

/** A configuration aggregated over every case. */
export interface ConfigSummary {
  config: SweepConfig;
  /** Windows per case, mean over cases. */
  windows: number;
  /** Mean over cases of the median total time, ms. */
  timeMs: number;
  /** Mean over cases of the mean foreground Dice. */
  dice: number;
  /** Dice per second: dice / (timeMs / 1000). */
  efficiency: number;
  /** Predicted time from the time model, ms: a prediction of the fastest run, mean over cases (null for the calibration run or without a model). */
  predictedMs: number | null;
  onParetoFront: boolean;
  /** (predicted − fastest) / fastest, % (null without a prediction). */
  predictionErrorPct: number | null;
  /** Cases measured; `complete` when every case of the sweep was. Only complete configurations are ranked. */
  cases: number;
  complete: boolean;
  calibration: boolean;
  /** Mean over cases of the median split, ms; min and max over all timed runs; mean over cases of the fastest run (what `predictedMs` predicts). */
  timing: { preprocessMs: number; modelMs: number; stitchMs: number; postprocessMs: number; minMs: number; maxMs: number; fastestMs?: number };
  /** Per-class Dice, mean over cases. */
  perClassDice: ClassDiceSummary[];
  /** Patches in the merged patch performance map (0 without reference labels). */
  performanceCount: number;
  /** Timings per machine (the headline `timeMs` uses the summary's `timingMachine` where it measured). */
  byMachine: MachineTiming[];
}

/** A time saving of the recommendation against another configuration (per case, means over cases). */
export interface Saving {
  configId: string;
  ms: number;
  /** ms / the other configuration's time. */
  fraction: number;
  windows: number;
  /** The other configuration's Dice minus the recommendation's. */
  diceDelta: number;
  /**
   * The recommendation's timed runs against the other's, per case (`compareTimes`): "saves" is
   * only claimed when `time.verdict === 'faster'`. Absent in summaries written before it was
   * recorded.
   */
  time?: TimeComparison;
  /** The recommendation's Dice against the other's, paired per case (`compareDice`). */
  diceComparison?: DiceComparison;
}

/** `recommendMargin` on a calibration map, with the grid configuration that discards that margin. */
export interface MarginSummary {
  patchSize: number[];
  calibrationId: string;
  recommendation: MarginRecommendation;
  /** The configuration whose overlap equals the recommended one (±½ voxel), or null when the grid lacks it. */
  configId: string | null;
  /** The merged (all cases) calibration map's mean, float32 `.npy`, relative to the sweep folder. */
  mapFile: string | null;
}

/** What the selection rule picked, and what it saves. */
export interface Recommendation {
  rule: string;
  configId: string;
  config: SweepConfig;
  timeMs: number;
  dice: number;
  windows: number;
  /** The best measured Dice (of complete configurations) and its configuration. */
  bestDice: number;
  bestDiceConfigId: string;
  /** Why it was chosen, one line. */
  reason: string;
  /** Against the most expensive configuration. */
  vsMostExpensive: Saving | null;
  /** Against the configuration `recommendMargin`'s overlap gives (first patch size that has one), when it is in the grid. */
  vsMargin: Saving | null;
}

/** One configuration's time prediction on one case. */
export interface TimePredictionRow {
  configId: string;
  predictedMs: number;
  /** The fastest timed run, ms (what the model predicts), and the median. */
  measuredMs: number;
  medianMs?: number;
  /** (predicted − measured) / measured, %. */
  errorPct: number;
  /** False for the calibration runs the model was fitted on. */
  heldOut: boolean;
}

/** The time model of one case on one machine, and how it did. */
export interface TimeModelSummary {
  caseId: string;
  machine: string;
  model: TimeModel;
  predictions: TimePredictionRow[];
  /** Mean |error| over held-out configurations, % (null when there are none). */
  meanAbsErrorPct: number | null;
  maxAbsErrorPct: number | null;
}

/** Where a sweep ran (kept in sweep.json and copied into summary.json when known). */
export interface SweepProvenance {
  app?: { name: string; version: string };
  versions?: { tfjs?: string; node?: string };
  backend?: { name: string; renderer?: string | null; reason?: string };
}

/** `summary.json`: what the report generator reads. */
export interface SweepSummary extends SweepProvenance {
  format: 'patchlens.sweep-summary';
  version: 1;
  created: string;
  model: SweepModelInfo;
  grid: SweepGrid;
  cases: SweepCase[];
  settings: SweepSettings;
  /** Folders the results came from (one for a plain sweep, several after a merge). */
  sources: string[];
  machines: { id: string; results: number; backends: string[] }[];
  /** The machine whose timings the headline numbers use (null without results). */
  timingMachine: string | null;
  configs: ConfigSummary[];
  /** Ids of the configurations on the Pareto front (Dice vs time), fastest first. */
  pareto: string[];
  rule: string;
  /** Null when no configuration passes the quality floor (`DICE_FLOOR`) or a case's reference looks like an image. */
  recommendation: Recommendation | null;
  /**
   * Why there is no recommendation (one or two sentences naming the cause), shown instead of one;
   * null when there is one (or nothing has been measured yet). Absent in older summaries.
   */
  noRecommendation?: string | null;
  /**
   * Comparisons the summary refused to state as findings: time differences within the measured
   * noise and Dice differences that are no difference, one sentence each (for the report's
   * Warnings and the explorer). `warnings` stays for data problems. Absent in older summaries.
   */
  findings?: string[];
  margins: MarginSummary[];
  timeModels: TimeModelSummary[];
  /** (case, configuration) pairs with no result yet. */
  missing: { caseId: string; configId: string }[];
  warnings: string[];
}

/** `sweep.json`: what a sweep folder holds results of (see `src-node/sweep/sweepFolder.ts`). */
export interface SweepFile extends SweepProvenance {
  format: 'patchlens.sweep';
  version: 1;
  /** ISO dates: first created, last (re)started. */
  created: string;
  updated: string;
  /** The grid, normalized (patch sizes and overlaps per axis). */
  grid: SweepGrid;
  spatialAxes: number;
  /** Every configuration run: the grid's, then the calibration configurations it lacks. */
  configs: SweepConfig[];
  /** Calibration configuration id per patch size (key: `patchKey`). */
  calibration: Record<string, string>;
  cases: SweepCase[];
  /** Per case: the fingerprint a result must carry to count (model, case files, settings). */
  fingerprints: Record<string, string>;
  model: SweepModelInfo;
  settings: SweepSettings;
}
