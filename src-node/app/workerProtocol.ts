/**
 * Messages between the service host (main thread) and the compute worker
 * (`computeWorker.ts`). Inputs travel as paths: the worker reads the files itself (and keeps the
 * prepared model and the last volumes cached), so no volume is copied between threads.
 */
import type { ApiErrorCode, ComputeTaskResult, JobInfo, RunRecord, RunSettings, InspectResult } from '../../shared/api/contract';
import type { BackendProbe } from '../../shared/engine/backend/selectBackend';
import type { SweepCase, SweepGrid } from '../../shared/sweep/types';

/** A model folder and the SHA-256 main computed when it opened it (the worker's cache key). */
export interface ModelRef {
  path: string;
  sha256: string;
  name: string;
}

/** An inference run into `outDir`. */
export interface InferInput {
  imagePath: string;
  labelPath: string | null;
  model: ModelRef;
  settings: RunSettings;
  outDir: string;
  runId: string;
}

/** Writes the run folder of a page compute task's result into `outDir` (`finishPageRun`): the run's inputs plus the page's result. */
export interface FinishPageInput extends InferInput {
  result: ComputeTaskResult;
}

/** A sweep into `dir`, summarized when it finished. */
export interface SweepInput {
  dir: string;
  grid: SweepGrid;
  cases: SweepCase[];
  model: ModelRef;
  repeats: number;
}

/** The patch inspector for one voxel of a finished run. */
export interface InspectInput {
  runDir: string;
  voxel: number[];
  imagePath: string;
  labelPath: string | null;
  model: ModelRef;
}

/** What each task answers. */
export interface WorkerResults {
  infer: Omit<RunRecord, 'dir'>;
  sweep: { configs: number; cases: number; complete: boolean };
  inspect: InspectResult;
  /** The model is loaded and its backend ready (the first run then starts at once): the backend and the probes behind the choice (empty when none ran). */
  warm: { backend: string; probes: BackendProbe[] };
  finishPage: Omit<RunRecord, 'dir'>;
  /** The spatial shape inference runs over for an image and a model (see `inferenceGridShape`). */
  grid: { shape: number[] };
}

/**
 * Main → worker. `cancel` aborts the task with that id. Every task also carries `cancelFlag`, an
 * Int32Array over a SharedArrayBuffer that main sets to 1 on cancel: the engine's inner loops read
 * `signal.aborted` without giving the worker's event loop a turn, so a message alone would only
 * be seen after the run.
 */
export type WorkerRequest =
  | { type: 'infer'; id: number; cancelFlag: Int32Array; input: InferInput }
  | { type: 'sweep'; id: number; cancelFlag: Int32Array; input: SweepInput }
  | { type: 'inspect'; id: number; cancelFlag: Int32Array; input: InspectInput }
  | { type: 'warm'; id: number; cancelFlag: Int32Array; input: { model: ModelRef } }
  | { type: 'finishPage'; id: number; cancelFlag: Int32Array; input: FinishPageInput }
  | { type: 'grid'; id: number; cancelFlag: Int32Array; input: { imagePath: string; model: ModelRef } }
  | { type: 'cancel'; id: number };

/** An error as the worker reports it: `code` when the worker knows what kind it is. */
export interface WorkerError {
  name: string;
  message: string;
  code?: ApiErrorCode;
}

/** Worker → main. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'progress'; id: number; progress: JobInfo['progress'] }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; error: WorkerError };
