import type { Placement } from '../grid/placement';
import type { WeightMode } from '../blending/blendingWeights';

/** A numeric typed array (what the core accepts as voxel data). */
export type NumericArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array;

/** A dense row-major array, shape slowest axis first (channels last for images). */
export interface NdArray<T extends NumericArray = Float32Array> {
  data: T;
  shape: number[];
}

/** One window of a sliding-window run. */
export interface PatchWindow {
  /** 0-based position in `patchGrid` order (row-major over the padded frame). */
  index: number;
  /** Per-axis start in the padded frame. */
  start: number[];
}

/**
 * A model over a batch of patches: gets `[b, ...patchSize, channels]`, returns `[b, ...patchSize, outChannels]`.
 * The batch buffer is fresh for every call and belongs to the predictor (it may be transferred).
 * Calls never overlap. A predictor that returns a promise is pipelined: it gets the next batch
 * as soon as its previous answer resolves, and that answer is stitched while the next call
 * runs, so a later call must not overwrite an earlier answer's data before its first `await`.
 */
export type Predictor = (
  batch: NdArray<Float32Array>,
  windows: PatchWindow[],
) => NdArray<NumericArray> | Promise<NdArray<NumericArray>>;

/** The blend names `slidingWindow` understands: the weight map modes and TorchIO's `crop`. */
export const BLEND_MODES = ['constant', 'gaussian', 'gaussian-nnunet', 'hann', 'crop'] as const satisfies readonly (WeightMode | 'crop')[];

/** How overlapping windows are combined: a weight map mode, TorchIO's `crop` (a custom patch-shaped weight map is passed as a Float32Array). */
export type BlendMode = (typeof BLEND_MODES)[number];

/** How the image is padded where it is shorter than the patch. */
export type PadMode = 'constant' | 'edge';

/** Anything with AbortSignal's `aborted` and `reason` (the DOM's and Node's AbortSignal both fit). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
}

/** Where and how windows are placed (shared by `planWindows` and `slidingWindow`). */
export interface WindowPlanOptions {
  /** Patch size: one for all spatial axes or one per axis. */
  patchSize: number | readonly number[];
  /** Overlap fraction in [0, 1), one or per axis (default `DEFAULT_OVERLAP` of `shared/settings`: 0.5). */
  overlap?: number | readonly number[];
  /** `'stride'` (MONAI/TorchIO, default) or `'spread'` (nnU-Net), one or per axis. */
  placement?: Placement | readonly Placement[];
}

/** Options of `slidingWindow`: where the windows go, and how they are run and stitched. */
export interface SlidingWindowOptions extends WindowPlanOptions, StitchOptions {}

/** How `stitchWindows` runs and stitches the windows of a plan (`slidingWindow` without the placement). */
export interface StitchOptions {
  /** Blending (default `'constant'`, the exact plain mean; engine runs default to `DEFAULT_BLEND`) or a Float32Array weight map of the patch shape (all > 0). */
  blend?: BlendMode | Float32Array;
  /** σ as a fraction of the patch size for the gaussian modes (default 0.125). */
  sigmaScale?: number | readonly number[];
  /** Windows per predictor call (default 1); the last batch may be smaller. */
  batchSize?: number;
  /** Padding where an axis is shorter than the patch (default `'constant'`). */
  padMode?: PadMode;
  /** Value of constant padding (default 0). */
  padValue?: number;
  /** Called after every batch with the windows done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Cancels the run between batches; the promise rejects with the signal's reason. */
  signal?: AbortSignalLike;
}
