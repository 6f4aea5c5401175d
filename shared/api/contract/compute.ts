/**
 * The compute domain's data: where inference runs, and what a page compute context (the UI
 * page's Worker or Electron's compute window) offers, fetches and hands back.
 */
import type { BackendPreference, BackendProbe } from '../../engine/backend/selectBackend';
import type { DiceReport } from '../../engine/postprocess/dice';
import type { CacheEncoding, CacheGeometry } from '../../reevaluate/predictionCache';
import type { RunSettings } from './runs';

/**
 * Every compute mode: where inference jobs run. `auto` the page when its WebGL is clearly faster,
 * `node` the compute worker, `page` a page compute context.
 */
export const COMPUTE_MODES = ['auto', 'node', 'page'] as const;

/** Where inference jobs run (see {@link COMPUTE_MODES}). */
export type ComputeMode = (typeof COMPUTE_MODES)[number];

/** Where a page compute agent lives: the UI page's Worker or Electron's hidden compute window. */
export const AGENT_HOSTS = ['ui-page', 'compute-window'] as const;

/**
 * A page compute context (the UI page's module Worker with OffscreenCanvas, or Electron's hidden
 * compute window) offering to run inference with tfjs WebGL, with the backend probe it measured.
 */
export interface ComputeAgentOffer {
  /** Probes of the page's backends (webgl, wasm, cpu), as `selectBackend` measured them. */
  probes: BackendProbe[];
  /** The backend the page would choose for `auto` (software WebGL is never chosen). */
  choice: string;
  /** Where the agent lives. */
  host: (typeof AGENT_HOSTS)[number];
}

/** What a page compute task runs (fetched by the agent with `compute:input`). */
export interface ComputeTaskInput {
  /** The image and reference labels as NIfTI files (the bytes as they are on disk). */
  image: { name: string; bytes: Uint8Array };
  label: { name: string; bytes: Uint8Array } | null;
  /** The model folder's files: model.json, the weight shards by their manifest path, patchlens.json. */
  model: { name: string; modelJson: Uint8Array; weights: Record<string, Uint8Array>; sidecar: unknown | null };
  settings: RunSettings;
  /** Backend the page must use (`auto`: its own measured choice). */
  backend: BackendPreference;
  /**
   * Collect the run's per-window predictions for its prediction cache (`prediction-cache.bin`,
   * so that the run can be re-evaluated against edited labels) in this encoding, and send them
   * with the result when they take at most `maxBytes` (main's allowance for them in the
   * `compute:done` message). Absent or null: send none.
   */
  predictionCache?: ComputeCacheRequest | null;
}

/** What main asks of a page run's per-window predictions (see {@link ComputeTaskInput.predictionCache}). */
export interface ComputeCacheRequest {
  /** The encoding a Node run of the same settings caches in (`defaultCacheEncoding` of the measure). */
  encoding: CacheEncoding;
  /** The most bytes the encoded predictions may take (windows × patch voxels × classes × bytes per value). */
  maxBytes: number;
}

/**
 * A page run's per-window predictions, as `PredictionCollector` (shared/reevaluate) collected
 * them during its inference, without the labels: main takes those from the stitched labels it
 * writes, as for a run of its compute worker.
 */
export interface ComputePredictions {
  encoding: CacheEncoding;
  /** Probability channels per voxel. */
  classes: number;
  /** Where the windows lie (the run's window plan over its inference box). */
  geometry: CacheGeometry;
  /**
   * Every window's probabilities `[windows, ...patch, classes]` in plan order, encoded: uint8
   * as a Uint8Array, float16 as a Uint16Array of half bits, float32 as a Float32Array.
   */
  values: Uint8Array | Uint16Array | Float32Array;
}

/** A volume of a page run's result on the image grid (as the engine worker returns it). */
export interface ComputeVolume {
  data: Float32Array | Uint8Array;
  shape: number[];
  spacing: number[];
  affine: number[][];
}

/** A patch-shaped map of a page run with its raw accumulator (so main can write and merge it). */
export interface ComputeMap {
  shape: number[];
  count: number;
  measure: string | null;
  /** The accumulator: its own shape and per-position sums. */
  accumulator: { shape: number[]; sum: Float64Array; count: number };
}

/** What a page compute task answers: the engine worker's result, reduced to what main writes. */
export interface ComputeTaskResult {
  labels: ComputeVolume;
  probabilities: ComputeVolume;
  coverage: { count: ComputeVolume; weight: ComputeVolume };
  patchPerformance: ComputeMap | null;
  consistency: ComputeMap | null;
  dice: DiceReport | null;
  domainDice: DiceReport | null;
  windows: number;
  timing: { totalMs: number; preprocessMs: number; modelMs: number; stitchMs: number; postprocessMs: number };
  backend: { name: string; reason: string; renderer: string | null; software: boolean };
  grid: { shape: number[]; domain: { start: number[]; size: number[] }; steps: string[] };
  options: Record<string, unknown>;
  classes: { name: string; color: [number, number, number] }[];
  warnings: string[];
  /**
   * The per-window predictions main asked for (`ComputeTaskInput.predictionCache`), or why the
   * page has none; absent or null: none were asked for. Main writes `prediction-cache.bin` from
   * them, or, when they do not fit the run, no cache and the reason in `plan.json`.
   */
  predictions?: ComputePredictions | { absent: string } | null;
}
