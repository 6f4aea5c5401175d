import type { Worker } from 'node:worker_threads';
import type { ModelCheckReply, ModelCheckRequest } from './modelCheckProtocol';
import { modelCheckWorkerUrl, startTsWorker } from './modelCheckWorkerUrl';
import { modelLabel, type ModelFolderFacts, type ModelFolderStage } from './modelFolderFacts';

export type { ModelFolderFacts } from './modelFolderFacts';

/** Options of {@link checkModelFolder}. */
export interface CheckModelFolderOptions {
  /** Time limit in milliseconds for reading, checking and building the model, once the worker runs (default 10 000). */
  timeoutMs?: number;
  /** Time limit in milliseconds for the worker thread to start (load its modules; default 60 000). */
  startTimeoutMs?: number;
  /** Stops the check: the worker is terminated and the promise rejects with an `AbortError`. */
  signal?: AbortSignal;
}

/** Default time limit of {@link checkModelFolder} (10 s). */
export const MODEL_CHECK_TIMEOUT_MS = 10_000;
/** Default start-up limit of the model check worker (60 s: under tsx it compiles its sources first). */
export const MODEL_CHECK_START_TIMEOUT_MS = 60_000;
/** Old-generation heap of the model check worker: a huge model.json runs it out of memory, not the caller. */
const WORKER_HEAP_MB = 2048;

/** Where a model check failed: reading, building, the time limit, cancelled, or the worker itself. */
export type ModelCheckStage = ModelFolderStage | 'timeout' | 'aborted' | 'worker';

/** The error of {@link checkModelFolder}: one line starting with `model <folder name>: `, and the stage. */
export class ModelCheckError extends Error {
  override name = 'ModelCheckError';
  constructor(
    readonly stage: ModelCheckStage,
    message: string,
  ) {
    super(message);
    if (stage === 'aborted') this.name = 'AbortError';
  }
}

/** Checks a time limit option: a positive number of milliseconds that `setTimeout` can wait. */
function limit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > 2 ** 31 - 1)
    throw new RangeError(`checkModelFolder: ${name} must be a number of milliseconds in (0, ${2 ** 31 - 1}], got ${String(value)}`);
  return value;
}

/** `10 s`, `0.5 s`. */
function seconds(ms: number): string {
  return `${Number((ms / 1000).toPrecision(3))} s`;
}

/**
 * Reads a model folder and builds its model for its facts, in a worker thread that is terminated
 * after a time limit: a malformed model.json on which tfjs never returns (a cycle that slipped
 * past validation, say) can then not block the caller. The CLI calls this before it loads a
 * model in its own thread; the app's `loadModelInfo` goes through it. The worker validates
 * model.json and the weights (`loadModel`), builds the model on tfjs-cpu, disposes it and exits.
 * One fresh worker per check (about 1–2 s of start-up under tsx, much less bundled).
 * @param path a model folder, or its model.json
 * @returns the model's facts (hash, spec, input shape, output classes, …)
 * @throws ModelCheckError, each one line naming the model (`model <folder name>: …`):
 * `read` (readModelFolder's error), `load` (`the model cannot be loaded: loadModel: …`),
 * `timeout` (`building the model did not finish within 10 s (…): the model folder is not usable`),
 * `aborted` (name `AbortError`), `worker` (the worker failed to start or died);
 * RangeError naming the option for a bad `timeoutMs` / `startTimeoutMs`.
 */
export async function checkModelFolder(path: string, options: CheckModelFolderOptions = {}): Promise<ModelFolderFacts> {
  if (typeof path !== 'string' || path === '') throw new TypeError(`checkModelFolder: path must be a non-empty path, got ${JSON.stringify(path)}`);
  limit('timeoutMs', options.timeoutMs, MODEL_CHECK_TIMEOUT_MS);
  limit('startTimeoutMs', options.startTimeoutMs, MODEL_CHECK_START_TIMEOUT_MS);
  let worker: Worker;
  try {
    worker = startTsWorker(modelCheckWorkerUrl(), { maxOldGenerationSizeMb: WORKER_HEAP_MB });
  } catch (e) {
    throw new ModelCheckError('worker', `${modelLabel(path)}: the model check could not start: ${(e as Error).message}`);
  }
  return checkModelFolderIn(worker, path, options);
}

/**
 * {@link checkModelFolder} in a worker the caller started (it must answer the messages of
 * `modelCheckProtocol.ts`; tests start one that never answers). The worker is terminated when
 * the check ends, whichever way.
 */
export function checkModelFolderIn(worker: Worker, path: string, options: CheckModelFolderOptions = {}): Promise<ModelFolderFacts> {
  const timeoutMs = limit('timeoutMs', options.timeoutMs, MODEL_CHECK_TIMEOUT_MS);
  const startTimeoutMs = limit('startTimeoutMs', options.startTimeoutMs, MODEL_CHECK_START_TIMEOUT_MS);
  const what = modelLabel(path);
  const signal = options.signal;
  return new Promise<ModelFolderFacts>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const finish = (error: ModelCheckError | null, facts?: ModelFolderFacts) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      worker.removeAllListeners('message');
      // terminate() stops the thread even while it spins in a loop that never yields.
      void worker.terminate().catch(() => undefined);
      if (error) reject(error);
      else resolve(facts!);
    };
    const onAbort = () => finish(new ModelCheckError('aborted', `${what}: the model check was cancelled`));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    timer = setTimeout(
      () => finish(new ModelCheckError('worker', `${what}: the model check could not start within ${seconds(startTimeoutMs)} (its worker thread did not answer)`)),
      startTimeoutMs,
    );
    worker.on('message', (reply: ModelCheckReply) => {
      if (reply.type === 'ready') {
        clearTimeout(timer);
        timer = setTimeout(
          () =>
            finish(
              new ModelCheckError(
                'timeout',
                `${what}: building the model did not finish within ${seconds(timeoutMs)} (the check was stopped; tfjs can spin forever on a malformed model.json): the model folder is not usable`,
              ),
            ),
          timeoutMs,
        );
        worker.postMessage({ type: 'check', path } satisfies ModelCheckRequest);
      } else if (reply.type === 'facts') {
        finish(null, reply.facts);
      } else if (reply.type === 'error') {
        finish(new ModelCheckError(reply.stage, reply.message));
      }
    });
    worker.on('error', (e) => finish(new ModelCheckError('worker', `${what}: the model check failed: ${e.message}`)));
    worker.on('exit', (code) => finish(new ModelCheckError('worker', `${what}: the model check stopped before it answered (worker exit code ${code})`)));
  });
}
