import type { BlendMode, Placement } from '../index';
import type { DiceReport } from '../engine/postprocess/dice';
import type { PerformanceMapJSON } from '../performance/PerformanceMap';

/** Blending modes a sweep can try: the core's, plus the measured patch performance map turned into weights. */
export type SweepBlend = BlendMode | 'performance-weighted';

/** One configuration of a sweep (everything that changes between runs). */
export interface SweepConfig {
  /** Stable id, e.g. `p64-o0.5x0.5x0.5-stride-gaussian-tta0`. */
  id: string;
  patchSize: number[];
  overlap: number[];
  placement: Placement;
  blend: SweepBlend;
  /** Mirroring test-time augmentation (nnU-Net): average over flips of every spatial axis. */
  mirror: boolean;
}

/** The grid a sweep runs (the cartesian product of these lists). */
export interface SweepGrid {
  patchSizes: number[][];
  overlaps: number[][];
  placements: Placement[];
  blends: SweepBlend[];
  mirror: boolean[];
}

/** One image (and its reference labels) a sweep runs on. */
export interface SweepCase {
  id: string;
  image: string;
  label: string;
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
}

/** The result of one configuration on one case. */
export interface CaseResult {
  caseId: string;
  configId: string;
  windows: number;
  timing: ConfigTiming;
  dice: DiceReport;
  /** The machine that measured it (timings are kept per machine when shards merge). */
  machine: string;
  /** The patch performance map of this run (accumulator, mergeable). */
  performance: PerformanceMapJSON | null;
}

/** A configuration aggregated over every case. */
export interface ConfigSummary {
  config: SweepConfig;
  windows: number;
  /** Mean over cases of the median total time, ms. */
  timeMs: number;
  /** Mean over cases of the mean foreground Dice. */
  dice: number;
  /** Dice per second: dice / (timeMs / 1000). */
  efficiency: number;
  /** Predicted time from the time model, ms (null for the calibration run or without a model). */
  predictedMs: number | null;
  onParetoFront: boolean;
}
