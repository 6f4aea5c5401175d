import type { NdArray, AbortSignalLike } from '../../stitching/types';

/** Where a run's tensors were computed. */
export interface BackendInfo {
  /** tfjs backend name (`webgl`, `wasm`, `cpu`, …). */
  name: string;
  /** GPU renderer string for WebGL (e.g. "ANGLE (…SwiftShader…)"), when known. */
  renderer?: string;
  /** Why this backend was chosen (probe result, user choice, fallback). */
  reason?: string;
  /** Backends given up during the run, with the error that caused it. */
  fallbacks: { from: string; to: string; error: string; atWindow: number }[];
}

/** What the engine needs from a model, whatever runs it (tfjs on some backend, a Worker, a test double). */
export interface ModelRunner {
  /** Output classes (probability channels). */
  readonly classes: number;
  /** Input channels. */
  readonly channels: number;
  /**
   * Probabilities `[b, ...patch, classes]` for a batch `[b, ...patch, channels]`, as a fresh
   * Float32Array. `firstWindow` is the index of the batch's first window (for fallback reports).
   */
  predict(batch: NdArray<Float32Array>, firstWindow: number, signal?: AbortSignalLike): Promise<Float32Array>;
  /** The backend as it is now. */
  backend(): BackendInfo;
}
