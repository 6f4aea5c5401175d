/**
 * The defaults of the run and sweep parameters: one value each, used by the app's forms, the
 * CLI (and its help text), the IPC contract and the engine core.
 */
import type { Placement } from '../grid/placement';
import type { BlendMode } from '../stitching/types';
import type { InferenceMeasure } from '../engine/inference/inferencePerformance';

/**
 * Overlap 0.5, nnU-Net v2's `tile_step_size` 0.5 (MONAI's `sliding_window_inference` defaults to
 * 0.25). Why: PatchLens is about the error that rises toward a window's border. Windows' centres
 * are `patch·(1 − overlap)` apart, so a voxel is at most `patch·(1 − overlap)/2` from the nearest
 * centre: patch/4 at 0.5 (it always lies in the central half of some window, on every axis),
 * 3·patch/8 at 0.25. With the default gaussian blend (nnU-Net's pairing) that central window
 * dominates, so the border band is always backed by a better prediction.
 */
export const DEFAULT_OVERLAP = 0.5;

/** Gaussian blending (σ = patch/8, MONAI's and nnU-Net's), the pairing of {@link DEFAULT_OVERLAP}. */
export const DEFAULT_BLEND: BlendMode = 'gaussian';

/** `stride` placement (MONAI, TorchIO): the last window snapped to the border. */
export const DEFAULT_PLACEMENT: Placement = 'stride';

/**
 * Absolute error |p − y| of the predicted class probability: bounded in [0, 1], so a map's mean
 * is not dominated by a few confidently wrong voxels (cross-entropy is unbounded; torch clamps
 * its log at −100), maps of different models and patch sizes compare on one scale, and the
 * performance-weighted blend turns it into weights directly. It is `patchperformance`'s "l2".
 */
export const DEFAULT_MEASURE: InferenceMeasure = 'absoluteError';

/** The patch edge used when neither the model nor the image says anything better. */
export const FALLBACK_PATCH_EDGE = 64;
