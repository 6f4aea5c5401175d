/**
 * The limits of the run and sweep parameters: one set, checked by every face (the app's forms,
 * the CLI, the IPC contract and the engine core). Each face words its own message from these
 * numbers; none has a limit of its own.
 */

/** An allowed numeric interval, both ends included. */
export interface Limits {
  readonly min: number;
  readonly max: number;
}

/**
 * Patch edge in voxels, per axis. 1: the core places 1-voxel windows correctly (the window count
 * limit, `MAX_WINDOWS`, is what stops a uselessly small patch, and `patchAdvice` warns about a
 * patch below the receptive field). 1024: one window over a whole axis of the largest images the
 * app reads (a 512² CT with up to 1024 slices, a 0.5 mm head); beyond it the padded frame of a
 * 3-D patch alone passes the core's 2 GiB buffer limit (`MAX_PADDED_BYTES`: 1024³ float32 is 4 GiB).
 */
export const PATCH_LIMITS: Limits = { min: 1, max: 1024 };

/**
 * Overlap fraction of a window shared with its neighbour, per axis. 1 never advances; at 0.9 a
 * 3-D run already has about 10³ = 1000 times the windows of no overlap, twice the step of what
 * nnU-Net (0.5) or MONAI (0.25) run by default: higher overlaps only cost time (0.95 would be 8000×).
 */
export const OVERLAP_LIMITS: Limits = { min: 0, max: 0.9 };

/** Windows per model call (the CLI's `--batch`): beyond 256 the batch buffer of a 64³ patch passes 256 MiB. */
export const BATCH_LIMITS: Limits = { min: 1, max: 256 };

/** Timed runs per configuration and case of a CLI sweep (`--repeats`), for benchmarks on a quiet machine. */
export const SWEEP_REPEATS_LIMITS: Limits = { min: 1, max: 100 };

/**
 * Timed runs per configuration of a sweep started from the app (its form and the IPC contract):
 * the app's sweep runs while the user waits in front of it, so at most 5 (the CLI allows {@link SWEEP_REPEATS_LIMITS}).
 */
export const APP_SWEEP_REPEATS_LIMITS: Limits = { min: 1, max: 5 };

/** Most entries of each list of a sweep started from the app (patch sizes, overlaps, blends, placements). */
export const MAX_SWEEP_LIST = 16;

/** Whether `value` is a whole patch edge within {@link PATCH_LIMITS}. */
export function isPatchEdge(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= PATCH_LIMITS.min && value <= PATCH_LIMITS.max;
}

/** Whether `value` is a finite overlap within {@link OVERLAP_LIMITS}. */
export function isOverlap(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= OVERLAP_LIMITS.min && value <= OVERLAP_LIMITS.max;
}

/** `[0, 0.9]`: how the errors of the core and the contract write an interval. */
export function intervalText(limits: Limits): string {
  return `[${limits.min}, ${limits.max}]`;
}
