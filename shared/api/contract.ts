/**
 * The typed contract between the renderer and the main-side services (Electron IPC or the
 * HTTP + WebSocket transport): every request with its arguments and result, every event with its
 * payload. One comment line per entry, as niivue's event map. Both transports carry exactly this;
 * the preload derives its API from {@link REQUEST_CHANNELS} / {@link EVENT_NAMES}.
 *
 * Binary payloads are typed arrays (`VolumeData.data`, `PatchMapData.data`, uploads): Electron's
 * structured clone keeps them, the WebSocket transport frames them (see `binaryCodec.ts`).
 */
import type { Placement } from '../grid/placement';
import type { BlendMode } from '../stitching/types';
import type { InferenceMeasure } from '../engine/inference/inferencePerformance';
import type { SweepBlend, SweepSummary } from '../sweep/types';
import type { BackendPreference, BackendProbe } from '../engine/backend/selectBackend';
import type { DiceReport } from '../engine/postprocess/dice';
import { COMMAND_IDS, type CommandId } from '../commands/commandIds';

/** What a file to open is used as. A model is a folder (model.json, weight shards, optional patchlens.json). */
export type FileKind = 'image' | 'label' | 'model';

/**
 * Where a file comes from. Main accepts paths only from its own dialogs, drag-and-drop in
 * Electron (sent by the preload itself, never by page script; refused over the browser
 * transport), the project's recent list, or bytes the page uploaded (`upload:begin` /
 * `upload:chunk`, written into the project folder by main: the browser transport never opens a
 * path the page names).
 */
export type OpenSource =
  | { from: 'dialog' }
  | { from: 'recent'; path: string }
  | { from: 'drop'; path: string }
  | { from: 'upload'; uploadId: string };

/** Largest chunk of one `upload:chunk`, bytes (8 MiB). */
export const UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024;

/** An upload in progress (`upload:begin`). */
export interface UploadTicket {
  uploadId: string;
  /** Send the files in chunks of at most this many bytes, in order. */
  chunkBytes: number;
  /** The most bytes one upload may hold. */
  maxBytes: number;
}

/** Voxel data of a volume for display: row-major, shape slowest axis first (`[nk, nj, ni]`), affine index → RAS+ mm (see shared/io/volume.ts). */
export interface VolumeData {
  shape: number[];
  spacing: number[];
  affine: number[][];
  data: Float32Array | Uint8Array | Int16Array | Uint16Array | Int32Array;
}

/** A patch-shaped map (patch performance or consistency): mean per position in the patch. */
export interface PatchMapData {
  /** Patch shape, slowest axis first (spatial only, e.g. `[24, 24, 24]`). */
  shape: number[];
  data: Float32Array;
  /** Measure name (`absoluteError`, `crossEntropy`, `diceError`, `consistency`, training loss name). */
  measure: string;
  /** Patches accumulated. */
  count: number;
  /** Where it comes from, one line (e.g. "run r3", "training", "sweep s1 calibration p24-o0-…"). */
  source: string;
}

/** A loaded image or label map. */
export interface VolumeInfo {
  /** File name (no directory). */
  name: string;
  /** Absolute path on the machine running the services (null for the bundled demo's in-memory copy). */
  path: string | null;
  shape: number[];
  spacing: number[];
  /** NIfTI datatype name (`uint8`, `int16`, `float32`, ...). */
  dtype: string;
  /** Minimum and maximum voxel value. */
  range: [number, number];
  /** Robust display range: 0.5th and 99.5th percentiles (MR auto window/level). */
  percentiles: [number, number];
  /** Modality guessed from the header / values, for window presets. */
  modality: 'CT' | 'MR' | 'unknown';
  /**
   * SHA-256 of the file's bytes: what the image is (two files of the same name or shape are not
   * the same image). A run belongs to the image whose hash it recorded ({@link RunRecord.imageSha256}).
   * Absent where the services did not hash the file (test doubles).
   */
  sha256?: string | null;
}

/** A loaded model. */
export interface ModelInfo {
  name: string;
  path: string | null;
  sha256: string;
  classes: { name: string; color: [number, number, number] }[];
  trainedPatchSize: number[] | null;
  receptiveField: number[] | null;
  translationEquivariant: boolean;
  /** Whether the model folder has a training-time patch performance map. */
  hasTrainingMap: boolean;
}

/** Settings of one inference run. */
export interface RunSettings {
  /** Patch size per spatial axis. */
  patchSize: number[];
  /** Overlap fraction in [0, 1), one for all axes. */
  overlap: number;
  placement: Placement;
  blend: BlendMode;
  /** Measure of the patch performance map. */
  measure: InferenceMeasure;
}

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
 * Volumes of a run on the image's grid:
 * `labels` predicted label map; `probability` foreground probability (1 − p(background));
 * `coverage` windows covering each voxel; `tiledPerformance` the patch performance map repeated
 * at every window position (mean over the windows covering the voxel); `tiledConsistency` the
 * same for the consistency map; `gridOutline` 1 on the faces of the windows, 0 elsewhere.
 */
export type RunLayer = 'labels' | 'probability' | 'coverage' | 'tiledPerformance' | 'tiledConsistency' | 'gridOutline';

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
    /** Window start on the model grid (inside the inference box). */
    start: number[];
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

/** What a sweep from the UI runs. */
export interface SweepRequest {
  /** Patch sizes (one number: all axes). */
  patchSizes: number[];
  overlaps: number[];
  blends: SweepBlend[];
  placements: Placement[];
  /** Timed runs per configuration (1–5). */
  repeats: number;
  /** `current`: the open image + labels (both required); `demo`: the bundled demo's cases. */
  cases: 'current' | 'demo';
}

/** A sweep of the project (`sweeps/<id>/`). */
export interface SweepRecord {
  id: string;
  createdAt: string;
  configs: number;
  cases: number;
  /** Whether every (case, configuration) has a result. */
  complete: boolean;
  dir: string;
}

/** What a sweep would run, shown before it runs (`sweep:plan`). */
export interface SweepPlanInfo {
  which: SweepRequest['cases'];
  /** The model it runs: the open one for `current`, the bundled demo model for `demo` (null: none open). */
  model: ModelInfo | null;
  /** Its cases, by file name. */
  cases: { id: string; image: string; label: string }[];
  /** Spatial shape inference runs over for the first case (`patchAdvice`'s `gridShape`; null when unknown). */
  grid: number[] | null;
}

/** State of a queued job. */
export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

/** An inference run, sweep or report export in main's job queue. */
export interface JobInfo {
  id: string;
  kind: 'inference' | 'sweep' | 'report';
  /** One line for the UI, e.g. "Inference p24 ov0.5 gaussian on ch2-2mm_t1.nii.gz". */
  label: string;
  state: JobState;
  progress: {
    /** 0..1 over the whole job. */
    fraction: number;
    /** Phase name (`preprocess`, `model`, `postprocess`, `sweep`, ...). */
    phase: string;
    /** Estimated milliseconds left for the whole job (null while unknown). */
    etaMs: number | null;
    message: string;
  };
  /** Run or sweep id the job produced (when done). */
  resultId: string | null;
  error: ApiErrorPayload | null;
  /** ISO dates. */
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** An entry of the project's recent-files list (the only paths `from: 'recent'` accepts). */
export interface RecentEntry {
  kind: FileKind;
  path: string;
  name: string;
  /** ISO date last opened. */
  openedAt: string;
}

/** Everything the renderer mirrors (small; sent whole on every change). */
export interface SessionState {
  /**
   * The project folder. `readOnly`: another PatchLens holds the project's lock (`lockedBy` says
   * who): this session can look but not run, sweep, export, delete or upload.
   */
  project: { dir: string; name: string; readOnly: boolean; lockedBy: string | null };
  /** Things the user must be told that no request answered (a damaged project.json moved aside, a stale lock taken over). */
  notices: string[];
  image: VolumeInfo | null;
  label: VolumeInfo | null;
  model: ModelInfo | null;
  /**
   * The spatial shape inference runs over for the open image and model: the model grid
   * (conformed / reoriented / resampled), cropped as the model crops it (brainchop's head box).
   * What `patchAdvice` / `defaultPatch` (shared/recommend/patchAdvice.ts) take as `gridShape`.
   * Null while unknown (no image or no model, or still being computed: a `session:changed`
   * brings it); absent from test doubles.
   */
  inferenceGrid?: number[] | null;
  /** Newest first. */
  runs: RunRecord[];
  sweeps: SweepRecord[];
  /** Queued, running and the last finished jobs (newest first). */
  jobs: JobInfo[];
  recent: RecentEntry[];
}

/** Paths written by a report export. */
export interface ReportExport {
  html: string;
  pdf: string;
  json: string;
  /** Every file the export wrote. */
  files: string[];
  /** Browser transport: a same-origin URL the page can download the PDF from (null in Electron). */
  pdfUrl: string | null;
}

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
  host: 'ui-page' | 'compute-window';
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
}

/** Application commands (menu items and their accelerators) the renderer carries out: the ids of shared/commands. */
export type AppCommand = CommandId;

/**
 * Every request: `args` the renderer sends, `result` main answers. A failure answers
 * `{ error: { code, message } }` instead (see {@link Envelope}).
 */
export interface Requests {
  /** App name, version, platform and the transport serving this page. */
  'app:info': { args: Record<string, never>; result: { name: string; version: string; platform: string; transport: 'electron' | 'http'; nativeDialogs: boolean } };
  /** The whole session state (also pushed as `session:changed`). */
  'session:get': { args: Record<string, never>; result: SessionState };
  /** Opens the bundled demo: its first case's image and labels and the demo model. */
  'session:openDemo': { args: Record<string, never>; result: SessionState };
  /** Starts an upload of files the user picked (browser transport): names and sizes; answers its id and the chunk size. */
  'upload:begin': { args: { files: { name: string; size: number }[] }; result: UploadTicket };
  /** The next bytes of one file of an upload (in order: `offset` is the bytes of that file sent so far). */
  'upload:chunk': { args: { uploadId: string; file: number; offset: number; bytes: Uint8Array }; result: { received: number } };
  /** Drops an unfinished upload and deletes what it wrote. */
  'upload:cancel': { args: { uploadId: string }; result: null };
  /** Opens an image, a label map or a model from a trusted source; null when a dialog was cancelled. */
  'file:open': { args: { kind: FileKind; source: OpenSource }; result: SessionState | null };
  /** Closes the label map or model (the image cannot be closed, only replaced). */
  'file:close': { args: { kind: 'label' | 'model' }; result: SessionState };
  /** Voxel data of the open image or label map. */
  'volume:get': { args: { kind: 'image' | 'label' }; result: VolumeData };
  /** The model's training-time patch performance map (null when its folder has none). */
  'model:trainingMap': { args: Record<string, never>; result: PatchMapData | null };
  /** Queues an inference run of the open model on the open image (labels optional); answers the job id. */
  'run:start': { args: { settings: RunSettings }; result: { jobId: string } };
  /** One volume layer of a finished run, on the image grid. */
  'run:layer': { args: { runId: string; layer: RunLayer }; result: VolumeData };
  /** The run's patch performance and consistency maps (null where absent). */
  'run:maps': { args: { runId: string }; result: { performance: PatchMapData | null; consistency: PatchMapData | null } };
  /** The windows that covered a voxel, with each window's own prediction there. */
  'run:inspect': { args: { runId: string; voxel: number[] }; result: InspectResult };
  /** Deletes a run and its folder. */
  'run:delete': { args: { runId: string }; result: SessionState };
  /** Queues a sweep; answers the job id. */
  'sweep:start': { args: { request: SweepRequest }; result: { jobId: string } };
  /** What a sweep of these cases would run (model, cases, grid), before it runs. */
  'sweep:plan': { args: { cases: SweepRequest['cases'] }; result: SweepPlanInfo };
  /** Opens a case of a sweep as the sweep ran it (its image, labels and the sweep's model). */
  'sweep:openCase': { args: { sweepId: string; caseId: string }; result: SessionState };
  /** Summary of a sweep (Dice, time, Pareto front, recommendation, margins, time model). */
  'sweep:summary': { args: { sweepId: string }; result: SweepSummary };
  /** The merged calibration patch performance map of a sweep's patch size. */
  'sweep:map': { args: { sweepId: string; calibrationId: string }; result: PatchMapData };
  /** Cancels a queued or running job (no-op when it already ended). */
  'job:cancel': { args: { jobId: string }; result: JobInfo };
  /**
   * Exports a sweep's report (HTML + PDF + JSON): Electron asks where with a save dialog and asks
   * before replacing files (null when cancelled or declined); the browser transport writes into the
   * sweep's folder and answers `conflict` listing the files it would replace unless `replace` is true.
   */
  'report:export': { args: { sweepId: string; replace?: boolean }; result: ReportExport | null };
  /** A page compute context offers itself (WebGL inference); main answers its agent id and may send it `compute:task`s. */
  'compute:attach': { args: { offer: ComputeAgentOffer }; result: { agentId: string } };
  /** The agent fetches a task's inputs. */
  'compute:input': { args: { agentId: string; taskId: string }; result: ComputeTaskInput };
  /** The agent reports a task's progress. */
  'compute:progress': { args: { agentId: string; taskId: string; progress: JobInfo['progress'] }; result: null };
  /** The agent hands in a task's result (main writes the run folder). */
  'compute:done': { args: { agentId: string; taskId: string; result: ComputeTaskResult }; result: null };
  /** The agent reports that a task failed (or stopped after `compute:cancel`). */
  'compute:failed': { args: { agentId: string; taskId: string; error: ApiErrorPayload }; result: null };
}

/** Every event main pushes to the renderer. */
export interface Events {
  /** The session changed (file opened, run finished, job queued/ended, ...). */
  'session:changed': SessionState;
  /** A job's progress (at most ~10 per second per job). */
  'job:progress': JobInfo;
  /** A menu item or accelerator was used. */
  'app:command': { command: AppCommand };
  /** Main gives a page compute agent a task (only the agent with that id acts on it). */
  'compute:task': { agentId: string; taskId: string };
  /** Main cancels a page compute task. */
  'compute:cancel': { agentId: string; taskId: string };
}

export type RequestChannel = keyof Requests;
export type EventName = keyof Events;
export type RequestArgs<K extends RequestChannel> = Requests[K]['args'];
export type RequestResult<K extends RequestChannel> = Requests[K]['result'];

/** Error codes that cross the contract. */
export type ApiErrorCode =
  | 'bad-request' // arguments failed validation
  | 'not-found' // unknown run / sweep / job / recent path, or no such file
  | 'bad-input' // the file is not what it should be (not NIfTI, wrong shape, model unreadable, ...)
  | 'precondition' // e.g. no image open, no labels for a sweep of the current image
  | 'unsupported' // e.g. a native dialog over the browser transport
  | 'forbidden' // wrong sender frame / token, a path from an untrusted source, a read-only project
  | 'conflict' // the request would replace existing files: ask the user, then repeat it with `replace`
  | 'cancelled'
  | 'internal';

/** Every error code, in the order above. */
export const API_ERROR_CODES = ['bad-request', 'not-found', 'bad-input', 'precondition', 'unsupported', 'forbidden', 'conflict', 'cancelled', 'internal'] as const satisfies readonly ApiErrorCode[];

/** An error as it crosses the contract. */
export interface ApiErrorPayload {
  code: ApiErrorCode;
  message: string;
}

/** What a transport carries back for a request. */
export type Envelope<T> = { result: T } | { error: ApiErrorPayload };

/** Every request channel, in contract order (the preload and the validators enumerate this). */
export const REQUEST_CHANNELS = [
  'app:info',
  'session:get',
  'session:openDemo',
  'upload:begin',
  'upload:chunk',
  'upload:cancel',
  'file:open',
  'file:close',
  'volume:get',
  'model:trainingMap',
  'run:start',
  'run:layer',
  'run:maps',
  'run:inspect',
  'run:delete',
  'sweep:start',
  'sweep:plan',
  'sweep:openCase',
  'sweep:summary',
  'sweep:map',
  'job:cancel',
  'report:export',
  'compute:attach',
  'compute:input',
  'compute:progress',
  'compute:done',
  'compute:failed',
] as const satisfies readonly RequestChannel[];

/** Every event name. */
export const EVENT_NAMES = ['session:changed', 'job:progress', 'app:command', 'compute:task', 'compute:cancel'] as const satisfies readonly EventName[];

/** Every run layer name. */
export const RUN_LAYERS = ['labels', 'probability', 'coverage', 'tiledPerformance', 'tiledConsistency', 'gridOutline'] as const satisfies readonly RunLayer[];

/** Every app command (the registry's id list). */
export const APP_COMMANDS = COMMAND_IDS;

// Compile-time check that the runtime lists name every channel/event (and nothing else).
type Missing<A extends string, B extends string> = Exclude<A, B>;
const _allChannels: Missing<RequestChannel, (typeof REQUEST_CHANNELS)[number]> extends never ? true : false = true;
const _allEvents: Missing<EventName, (typeof EVENT_NAMES)[number]> extends never ? true : false = true;
void _allChannels;
void _allEvents;
