/**
 * The typed message protocol between the UI thread and the engine worker (engine.worker.ts).
 *
 * Requests (UI → worker), one event per line:
 * - `run`     runs one inference: NIfTI bytes in, labels / probabilities / maps out
 * - `cancel`  aborts the run with that id (queued or running); the run answers `error` `aborted`
 * - `probe`   measures the backends (or reuses this worker's probe) without running a model
 *
 * Responses (worker → UI), each naming the request's `id`:
 * - `progress` a phase of the run advanced (`done` of `total`, estimated milliseconds left)
 * - `result`   the run finished; large arrays arrive as transferred buffers
 * - `probe-result` the backend probe: every backend's measurement and the `auto` choice
 * - `error`    the run failed or was cancelled: `{ code, message }`, rebuilt as an EngineError
 *
 * A `run` may carry `debug` options: TEST-ONLY fault injection (a real lost WebGL context, see
 * {@link EngineDebugOptions}) for the end-to-end tests of the backend fallback; the app never sets them.
 *
 * Everything here is structured-cloneable plain data. Large data (image and label bytes, model
 * weights, result volumes and maps) crosses as ArrayBuffers / typed arrays listed in the
 * postMessage transfer list, never as JSON arrays: see {@link runRequestTransfers} and
 * {@link resultTransfers}.
 */
import type { ComputeCacheRequest, ComputePredictions } from '../../shared/api/contract/compute';
import type { BackendPreference, BackendProbe } from '../../shared/engine/backend/selectBackend';
import type { InferenceOptions } from '../../shared/engine/inference/runInference';
import type { BackendInfo } from '../../shared/engine/inference/modelRunner';
import type { DiceReport } from '../../shared/engine/postprocess/dice';
import type { NumericArray } from '../../shared/stitching/types';

/** Version of this protocol; the worker refuses requests of another version. */
export const ENGINE_PROTOCOL_VERSION = 1;

/** Why a run failed (the `code` of an `error` response and of {@link EngineError}). */
export type EngineErrorCode =
  /** Cancelled by a `cancel` request (or the client's AbortSignal). */
  | 'aborted'
  /** The request itself is malformed (missing fields, wrong types, another protocol version). */
  | 'invalid-request'
  /** The image or label bytes are not a NIfTI volume the engine can use. */
  | 'invalid-input'
  /** model.json, a weight shard or the sidecar is invalid, or tfjs cannot build the model. */
  | 'invalid-model'
  /** The requested tfjs backend cannot start in this worker (or none can). */
  | 'backend-unavailable'
  /** The inference itself failed (options that do not fit the image, a backend failure with no fallback left). */
  | 'inference-failed'
  /** The worker died or could not be loaded (its script failed, a message could not be cloned). */
  | 'worker-failed'
  /** Anything else: a bug. */
  | 'internal';

/** Every {@link EngineErrorCode}, for validation. */
export const ENGINE_ERROR_CODES: readonly EngineErrorCode[] = [
  'aborted', 'invalid-request', 'invalid-input', 'invalid-model', 'backend-unavailable', 'inference-failed', 'worker-failed', 'internal',
];

/**
 * A tfjs model as files, ready to be posted: what `ModelArtifacts` is in the engine, with
 * the weight shards as a plain record instead of a Map.
 */
export interface EngineModelFiles {
  /**
   * model.json: its bytes exactly as read (best: the model's hash then matches the file, so a
   * known model is recognised by its full hash), its text (hashed as UTF-8), or already parsed
   * (a known model is then recognised by its weight shards only).
   */
  modelJson: ArrayBuffer | string | Record<string, unknown>;
  /** Weight shards by their path as written in model.json's `weightsManifest`. */
  weights: Record<string, ArrayBuffer>;
  /** Parsed `patchlens.json` (the sidecar beside model.json), when there is one. */
  sidecar?: unknown;
  /** A name for the model when the sidecar gives none (e.g. its folder's name). */
  name?: string;
}

/** Inference options as plain data: the engine's `InferenceOptions` without the callbacks and the signal. */
export type EngineInferenceOptions = Omit<InferenceOptions, 'signal' | 'onProgress'>;

/** Which of the large outputs to send back (default: all volumes, no NIfTI bytes). */
export interface EngineOutputs {
  /** Stitched probabilities on the source grid (`[...shape, classes]` float32; default true). */
  probabilities?: boolean;
  /** Window count and summed blending weight per voxel (default true). */
  coverage?: boolean;
  /** The labels also as a gzipped NIfTI file written like the input's header (default false). */
  labelsNifti?: boolean;
}

/**
 * TEST-ONLY fault injection, for end-to-end tests of the engine's recovery paths. The app never
 * sets it; a run that uses it says so in its `warnings`.
 */
export interface EngineDebugOptions {
  /**
   * Loses the run's WebGL context for real (`WEBGL_lose_context.loseContext()` on tfjs's own
   * context) once this many windows are done, to prove the fallback to the next backend. Only
   * while the run is on webgl; ignored (with a warning) on another backend.
   */
  loseWebglContextAfterWindows?: number;
  /**
   * When the context is lost: `between-batches` (default) just before the next batch starts;
   * `read-back` while a later batch's result is being read back (tfjs waits on its fence then).
   */
  loseWebglContextDuring?: 'between-batches' | 'read-back';
}

/** Every field of {@link EngineDebugOptions}, for validation. */
export const ENGINE_DEBUG_FIELDS: readonly (keyof EngineDebugOptions)[] = ['loseWebglContextAfterWindows', 'loseWebglContextDuring'];

/** `run`: one inference. */
export interface RunRequest {
  type: 'run';
  /** Chosen by the client, unique per run; every response names it. */
  id: number;
  protocol: typeof ENGINE_PROTOCOL_VERSION;
  /** The image as a NIfTI file (`.nii` or `.nii.gz` bytes). Transferred. */
  image: ArrayBuffer;
  /** Reference labels as a NIfTI file on the image's grid (Dice, patch performance map). Transferred. */
  label?: ArrayBuffer | null;
  model: EngineModelFiles;
  /** `auto` (measured probe, software WebGL never preferred over wasm) or a named backend (default `auto`). */
  backend?: BackendPreference;
  /** `cached` (default): reuse this worker's probe for `auto`; `fresh`: probe again. */
  probe?: 'cached' | 'fresh';
  options?: EngineInferenceOptions;
  outputs?: EngineOutputs;
  /**
   * Collect the per-window predictions for a prediction cache in this encoding (the shared
   * `PredictionCollector`) and send them as `result.predictions` when they take at most
   * `maxBytes`; absent: none.
   */
  predictions?: EnginePredictionRequest;
  /** TEST-ONLY fault injection ({@link EngineDebugOptions}); never set by the app. */
  debug?: EngineDebugOptions;
}

/** What a run collects for its prediction cache (main's `ComputeTaskInput.predictionCache`). */
export type EnginePredictionRequest = ComputeCacheRequest;

/** A run's per-window predictions, as `compute:done` hands them to main (no labels: main takes its own). */
export type EnginePredictions = ComputePredictions;

/** `cancel`: abort the run `id` (no answer of its own: the run answers `error` with code `aborted`). */
export interface CancelRequest {
  type: 'cancel';
  id: number;
}

/**
 * `probe`: measure the backends as `auto` would (`selectBackend`'s probe) without running a
 * model; answered by `probe-result`. Queued behind the runs (a probe switches the backend).
 */
export interface ProbeRequest {
  type: 'probe';
  id: number;
  /** Probe again even when this worker already probed (default false: reuse its probe). */
  fresh?: boolean;
  /**
   * Measure only when there is a hardware WebGL (default false): without one, answer at once
   * from the WebGL renderer string, so that a software rasterizer never spends the CPU (and the
   * GPU process the page's compositor shares) on a probe whose answer is known: wasm.
   */
  quick?: boolean;
}

/** Anything the UI posts to the worker. */
export type EngineRequest = RunRequest | CancelRequest | ProbeRequest;

/** Phases of a run, in order: `prepare` (backend choice and model loading), then the engine's own. */
export type EnginePhase = 'prepare' | 'preprocess' | 'model' | 'postprocess';

/** `progress`: a phase advanced. */
export interface ProgressMessage {
  type: 'progress';
  id: number;
  phase: EnginePhase;
  /** Steps done of `total` in this phase (windows in `model`). */
  done: number;
  total: number;
  /** Estimated milliseconds left in this phase, null until it can be estimated. */
  etaMs: number | null;
}

/** A volume on the source image's grid (see `Volume` in shared/io: row-major, shape slowest-first). */
export interface EngineVolume<T extends NumericArray = NumericArray> {
  data: T;
  shape: number[];
  spacing: number[];
  affine: number[][];
}

/** The raw accumulator behind a map (rebuild it with `new PerformanceMap(shape, measure).addSum(sum, count)`, then merge runs). */
export interface EngineAccumulator {
  /** The accumulator's own shape (the consistency map's has a trailing axis of 2: Σ distance, overlap count). */
  shape: number[];
  /** Per-position float64 sum, row-major in `shape`. */
  sum: Float64Array;
  count: number;
  measure?: string;
}

/** A patch-shaped map (patch performance or consistency) with the accumulator it came from. */
export interface EngineMap {
  /** The map itself (mean over the patches), row-major in `shape`. */
  map: Float64Array;
  /** Patch shape. */
  shape: number[];
  /** Patches accumulated. */
  count: number;
  /** What the map measures (the patch performance map's measure, e.g. `crossEntropy`). */
  measure?: string;
  accumulator: EngineAccumulator;
}

/** The backend a run used: where it ran, why, and the probe behind an `auto` choice. */
export interface EngineBackendInfo extends BackendInfo {
  /** Whether the WebGL renderer is a software rasterizer (SwiftShader, llvmpipe …). */
  software?: boolean;
  /** Every backend probed for `auto` (empty when the user chose one). */
  probes: BackendProbe[];
  /** When the probe ran (ISO date), absent when the user chose the backend. */
  probedAt?: string;
}

/** What the worker itself saw during the run (for diagnostics and leak checks). */
export interface EngineWorkerInfo {
  /** `tf.memory().numTensors` when the run started and after everything was disposed. */
  tensorsBefore: number;
  tensorsAfter: number;
  /** Milliseconds for backend choice and model loading, and for the whole request in the worker. */
  prepareMs: number;
  totalMs: number;
  /** Whether the worker is cross-origin isolated (only then could wasm use threads). */
  crossOriginIsolated: boolean;
  /** Whether the wasm backend was allowed to use its threaded build. */
  wasmThreads: boolean;
}

/** Everything a run produced. JSON-able except the typed arrays, which are transferred. */
export interface EngineResult {
  /** Label map (argmax, post-processed) on the source grid. */
  labels: EngineVolume<Uint8Array>;
  /** The labels as a gzipped NIfTI file, when `outputs.labelsNifti` asked for it. */
  labelsNifti: ArrayBuffer | null;
  /** Probabilities on the source grid, channels last `[...shape, classes]` (null when not asked for). */
  probabilities: EngineVolume<Float32Array> | null;
  /** Windows covering each voxel and their summed blending weight (null when not asked for). */
  coverage: { count: EngineVolume; weight: EngineVolume } | null;
  /** Patch performance map from inference (null without reference labels). */
  patchPerformance: EngineMap | null;
  /** Label-free consistency map (null when skipped; see `warnings`). */
  consistency: EngineMap | null;
  dice: DiceReport | null;
  domainDice: DiceReport | null;
  windows: number;
  /** Wall-clock milliseconds of the engine's phases. */
  timing: { totalMs: number; preprocessMs: number; modelMs: number; stitchMs: number; postprocessMs: number };
  backend: EngineBackendInfo;
  /** The model grid and the box inference ran in. */
  grid: { shape: number[]; domain: { start: number[]; size: number[] }; steps: string[] };
  /** The options as used (defaults filled in). */
  options: Record<string, unknown>;
  classes: { name: string; color: [number, number, number] }[];
  /** The model: its spec's name, where the spec came from, and the files' SHA-256. */
  model: { name: string; source: string; sha256: string };
  warnings: string[];
  worker: EngineWorkerInfo;
  /** The per-window predictions `predictions` asked for, or why there are none (absent when not asked for). */
  predictions?: EnginePredictions | { absent: string };
}

/** `result`: the run finished. */
export interface ResultMessage {
  type: 'result';
  id: number;
  result: EngineResult;
}

/** `error`: the run failed or was cancelled. */
export interface ErrorMessage {
  type: 'error';
  id: number;
  error: { code: EngineErrorCode; message: string };
}

/** `probe-result`: the backend probe of a `probe` request. */
export interface ProbeResultMessage {
  type: 'probe-result';
  id: number;
  /** Every backend probed (webgl, wasm, cpu): its time, or why it cannot run here. */
  probes: BackendProbe[];
  /** The backend `auto` chooses here (software WebGL is never chosen over wasm). */
  choice: string;
  /** Why (the probe's timing summary). */
  reason: string;
  /** The WebGL renderer of the choice, when it is webgl. */
  renderer?: string;
  /** When the probe ran (ISO date). */
  probedAt?: string;
}

/** Anything the worker posts to the UI. */
export type EngineResponse = ProgressMessage | ResultMessage | ErrorMessage | ProbeResultMessage;

/** Adds `buffer` to `list` once (a transfer list must not name a buffer twice). */
function addBuffer(list: ArrayBuffer[], buffer: ArrayBufferLike | undefined | null): void {
  if (buffer instanceof ArrayBuffer && buffer.byteLength > 0 && !list.includes(buffer)) list.push(buffer);
}

/** The buffers a `run` request transfers: image, label, model.json bytes and every weight shard. */
export function runRequestTransfers(request: RunRequest): ArrayBuffer[] {
  const list: ArrayBuffer[] = [];
  addBuffer(list, request.image);
  addBuffer(list, request.label);
  if (request.model.modelJson instanceof ArrayBuffer) addBuffer(list, request.model.modelJson);
  for (const bytes of Object.values(request.model.weights)) addBuffer(list, bytes);
  return list;
}

/** The buffers a result transfers: every volume and map, the NIfTI bytes and the per-window predictions. */
export function resultTransfers(result: EngineResult): ArrayBuffer[] {
  const list: ArrayBuffer[] = [];
  addBuffer(list, result.labels.data.buffer);
  addBuffer(list, result.labelsNifti);
  addBuffer(list, result.probabilities?.data.buffer);
  addBuffer(list, result.coverage?.count.data.buffer);
  addBuffer(list, result.coverage?.weight.data.buffer);
  for (const m of [result.patchPerformance, result.consistency]) {
    addBuffer(list, m?.map.buffer);
    addBuffer(list, m?.accumulator.sum.buffer);
  }
  if (result.predictions && 'values' in result.predictions) addBuffer(list, result.predictions.values.buffer);
  return list;
}

/** True when `value` is one of the {@link EngineErrorCode}s. */
export function isEngineErrorCode(value: unknown): value is EngineErrorCode {
  return typeof value === 'string' && (ENGINE_ERROR_CODES as readonly string[]).includes(value);
}
