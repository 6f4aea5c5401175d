import type { RunLayer } from '../../shared/api/contract';
import type { BlendMode } from '../../shared/stitching/types';
import type { Placement } from '../../shared/grid/placement';
import type { Box } from '../../shared/engine/inference/domain';
import type { InferenceMeasure, LabelMode } from '../../shared/engine/inference/inferencePerformance';
import type { CacheEncoding } from '../../shared/reevaluate';

/** Files a run folder holds besides `writeInferenceOutputs`'s (relative names). */
export const RUN_FILES = {
  record: 'run.json',
  plan: 'plan.json',
  tiledPerformance: 'tiled-performance.nii.gz',
  tiledConsistency: 'tiled-consistency.nii.gz',
  gridOutline: 'grid-outline.nii.gz',
  trainingMap: 'training-patch-performance.npy',
  trainingMapJson: 'training-patch-performance.json',
  /** Every window's predictions (shared/reevaluate's PLPCACHE format), for `reevaluateRun`. */
  predictionCache: 'prediction-cache.bin',
} as const;

/**
 * `plan.json`'s note on the prediction cache: what `reevaluateRun` needs besides the file (the
 * run's measure, Dice mode and class names), or why the run has none.
 */
export type RunCacheInfo =
  | { present: true; file: string; bytes: number; encoding: CacheEncoding; measure: InferenceMeasure; labelMode: LabelMode; classNames: string[] }
  | { present: false; reason: string };

/** The file of each layer and the frame of it that the layer shows. */
export const LAYER_FILES: Record<RunLayer, { file: string; frame: number }> = {
  labels: { file: 'labels.nii.gz', frame: 0 },
  probability: { file: 'probabilities.nii.gz', frame: 0 },
  coverage: { file: 'coverage.nii.gz', frame: 0 },
  tiledPerformance: { file: RUN_FILES.tiledPerformance, frame: 0 },
  tiledConsistency: { file: RUN_FILES.tiledConsistency, frame: 0 },
  gridOutline: { file: RUN_FILES.gridOutline, frame: 0 },
};

/**
 * `plan.json`: the geometry of a run, everything `inspectRunVoxel` needs to find and re-run the
 * windows over a voxel. Window starts are in the padded frame of the domain box (see
 * `planWindows`); a domain voxel `d` is frame voxel `d + padLow`, model-grid voxel `domain.start + d`.
 */
export interface RunPlanFile {
  version: 1;
  /** The image the run was made on. */
  source: { shape: number[]; affine: number[][] };
  /** The model's grid (after conforming / reorienting / resampling) and how it was reached. */
  modelGrid: { shape: number[]; affine: number[][]; steps: string[] };
  /** Source index `[k, j, i, 1]` → continuous model-grid index (round to the nearest voxel). */
  sourceToModel: number[][];
  /** The box of the model grid inference ran in (crop or whole grid). */
  domain: Box;
  patchSize: number[];
  overlap: number;
  placement: Placement;
  blend: BlendMode;
  sigmaScale: number;
  padMode: 'constant';
  /** The window plan over the domain: `shape` = domain size. */
  frame: { shape: number[]; paddedShape: number[]; padLow: number[]; interval: number[] };
  /** Window starts in the padded frame, in plan order. */
  windowStarts: number[][];
  classes: number;
  /** Image normalization etc. as the model spec says (inspect checks it re-creates the same grid). */
  model: { name: string; sha256: string };
  /** The prediction cache (`prediction-cache.bin`) and its size, or why there is none; absent in runs made before PatchLens cached predictions. */
  predictionCache?: RunCacheInfo;
}
