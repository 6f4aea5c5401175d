/**
 * The runs domain's data: the settings of an inference run, its record, its volume layers and
 * what the patch inspector shows for one voxel.
 */
import type { RunSettings } from '../../settings/runSettings';

/** Settings of one inference run: shared/settings is their one home (limits, defaults, checks). */
export type { RunSettings } from '../../settings/runSettings';

/** A finished inference run, persisted in the project folder (`runs/<id>/`). */
export interface RunRecord {
  id: string;
  /** ISO date. */
  createdAt: string;
  imageName: string;
  /**
   * SHA-256 of the image file the run was made of: the viewer draws a run's layers only over
   * the image with this hash ({@link VolumeInfo.sha256}). Null or absent when it is unknown (a run
   * recorded before PatchLens recorded it, whose image file changed since).
   */
  imageSha256?: string | null;
  labelName: string | null;
  modelName: string;
  settings: RunSettings;
  windows: number;
  /** Mean foreground Dice against the reference labels (null without labels). */
  dice: number | null;
  timing: { totalMs: number; preprocessMs: number; modelMs: number; stitchMs: number; postprocessMs: number };
  /** tfjs backend and why it was chosen. */
  backend: { name: string; reason: string };
  /** Which layers exist (see {@link RunLayer}). */
  layers: RunLayer[];
  hasPerformance: boolean;
  hasConsistency: boolean;
  warnings: string[];
  /** Folder of the run's files (JSON + NIfTI + npy). */
  dir: string;
}

/**
 * Every volume layer of a run on the image's grid, in the order a run writes them:
 * `labels` predicted label map; `probability` foreground probability (1 − p(background));
 * `coverage` windows covering each voxel; `tiledPerformance` the patch performance map repeated
 * at every window position (mean over the windows covering the voxel); `tiledConsistency` the
 * same for the consistency map; `gridOutline` 1 on the faces of the windows, 0 elsewhere.
 */
export const RUN_LAYERS = ['labels', 'probability', 'coverage', 'tiledPerformance', 'tiledConsistency', 'gridOutline'] as const;

/** A volume layer of a run (see {@link RUN_LAYERS}). */
export type RunLayer = (typeof RUN_LAYERS)[number];

/** What the patch inspector shows for one voxel of a run. */
export interface InspectResult {
  /** Voxel on the image grid `[k, j, i]` and on the model grid. */
  voxel: number[];
  modelVoxel: number[];
  /** Stitched probabilities per class and the label there. */
  stitched: number[];
  label: number;
  /** Reference label there (null without labels). */
  reference: number | null;
  /** Every window that covered the voxel, in plan order. */
  windows: {
    index: number;
    /** Window start on the model grid (inside the inference box; negative where the window begins in the padding). */
    start: number[];
    /**
     * The same start in the plan's padded frame (≥ 0; `start` − the inference box's start + the
     * padding): what a finding records (docs/findings.md), as `findingPatch` gives it from the plan.
     */
    planStart: number[];
    /** Position of the voxel inside the patch. */
    positionInPatch: number[];
    /** This window's own prediction there (probability per class), before stitching. */
    probabilities: number[];
    /** Blending weight of that position. */
    weight: number;
    /** Patch performance map value at that position (null without a map). */
    performance: number | null;
  }[];
}
