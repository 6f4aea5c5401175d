/**
 * The compute worker (a Node `worker_threads` Worker owned by the service host): inference runs,
 * sweeps and the patch inspector run here, so the main thread's event loop never waits on tensor
 * work. Inputs arrive as paths (see `workerProtocol.ts`); the prepared model is kept by SHA-256
 * between tasks and the last volumes by path, size and modification time.
 *
 * Entry points: `src-node/app/computeWorker.ts` (through `computeWorkerBootstrap.mjs` under tsx)
 * or the bundled `out/main/computeWorker.js` (electron-vite's second main entry).
 */
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { setPriority } from 'node:os';
import { basename, join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import '../tfjsNode'; // first: no tfjs-node banner in this thread
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { prepareModel } from '../../shared/engine/prepareModel';
import type { NiftiVolume } from '../../shared/io/nifti';
import type { ModelSpec } from '../../shared/engine/modelSpec';
import { resolveSpec } from '../../shared/engine/model/resolveSpec';
import { modelHash } from '../../shared/engine/model/modelHash';
import { isApiErrorCode, type RunRecord } from '../../shared/api/contract';
import { finishPageRun, inspectRunVoxel, runInferenceJob, RUN_FILES, type ComputeModel } from '../compute/index';
import { writeJsonAtomic } from '../fs/atomicWrite';
import { fileProbeCache } from '../probeCache';
import { readImageFile } from '../readInputFile';
import { readModelFolder } from '../readModelFolder';
import { DEFAULT_SWEEP_SETTINGS, runSweep } from '../sweep/runSweep';
import { sweepJobProgress } from '../sweep/sweepJobProgress';
import { summarizeSweep } from '../sweep/summarizeSweep';
import { resultFileName, SWEEP_LAYOUT } from '../sweep/sweepFolder';
import { appPackage } from './appPackage';
import { inferenceGridShape } from '../../shared/recommend/inferenceGrid';
import type { FinishPageInput, ModelRef, SweepInput, WorkerError, WorkerReply, WorkerRequest, WorkerResults } from './workerProtocol';

/** An error with a contract code. */
class CodedError extends Error {
  constructor(
    readonly code: WorkerError['code'],
    message: string,
  ) {
    super(message);
    this.name = 'CodedError';
  }
}

const port = parentPort;
if (!port) throw new Error('computeWorker: must run in a worker thread');

// Compute yields to the UI: on Linux a thread has its own nice value, so lowering this thread's
// priority leaves the main process and the renderer (Chromium's processes) first in line for the
// CPU while a run keeps a core busy. Elsewhere setPriority(0) would lower the whole process.
if (process.platform === 'linux') {
  try {
    setPriority(0, 10);
  } catch {
    // Not permitted (some containers): run at normal priority.
  }
}

const MODELS_KEPT = 2;
const models = new Map<string, Promise<ComputeModel>>();
const VOLUMES_KEPT = 4;
const volumes = new Map<string, { key: string; volume: NiftiVolume; sha256: string }>();
const running = new Map<number, AbortController>();

/** The prepared model of a folder, cached by the SHA-256 main saw. */
function model(ref: ModelRef): Promise<ComputeModel> {
  let p = models.get(ref.sha256);
  if (!p) {
    p = (async () => {
      let artifacts;
      try {
        artifacts = await readModelFolder(ref.path);
      } catch (e) {
        throw new CodedError('bad-input', `model ${ref.name}: ${(e as Error).message}`);
      }
      const prepared = await prepareModel(artifacts, { backend: 'auto', cache: fileProbeCache() });
      return { ...prepared, name: ref.name, path: ref.path };
    })();
    p.catch(() => models.delete(ref.sha256));
    models.set(ref.sha256, p);
    while (models.size > MODELS_KEPT) {
      const [oldest, old] = models.entries().next().value as [string, Promise<ComputeModel>];
      models.delete(oldest);
      old.then((m) => m.runner.dispose()).catch(() => undefined);
    }
  } else {
    // Most recently used last.
    models.delete(ref.sha256);
    models.set(ref.sha256, p);
  }
  return p;
}

/**
 * The spec of a model folder: the prepared model's when it is loaded here, else resolved from
 * the files (no tfjs model is built). The files must still be the ones main opened.
 */
async function specOf(ref: ModelRef): Promise<ModelSpec> {
  const loaded = models.get(ref.sha256);
  if (loaded) {
    const m = await loaded.catch(() => null);
    if (m) return m.model.spec;
  }
  let artifacts;
  try {
    artifacts = await readModelFolder(ref.path);
  } catch (e) {
    throw new CodedError('bad-input', `model ${ref.name}: ${(e as Error).message}`);
  }
  const hash = modelHash(artifacts);
  if (hash.sha256 !== ref.sha256) throw new CodedError('bad-input', `model ${ref.name}: its files changed since it was opened (SHA-256 ${hash.sha256}, opened as ${ref.sha256}); open it again`);
  return resolveSpec(artifacts, { hash });
}

/**
 * The record with the SHA-256 of the image file it was made of (what the viewer matches a run's
 * layers to the open image by), written again as the folder's `run.json`: the folder is still
 * the job's temp folder here (runJobs renames it into place after this answer), so the record
 * on disk never lacks it.
 */
function withImageHash(record: Omit<RunRecord, 'dir'>, outDir: string, imageSha256: string): Omit<RunRecord, 'dir'> {
  const out = { ...record, imageSha256 };
  writeJsonAtomic(join(outDir, RUN_FILES.record), out);
  return out;
}

/** Writes a page compute task's run folder (the inputs read here, as for a run of this worker). */
async function finishPage(input: FinishPageInput) {
  const image = volume('image', input.imagePath);
  const imageSha256 = sha256Of(input.imagePath);
  const label = input.labelPath ? volume('label', input.labelPath) : null;
  const spec = await specOf(input.model);
  const record = finishPageRun({
    result: input.result,
    image: { volume: image, header: image.header, name: basename(input.imagePath), path: input.imagePath },
    label: label && input.labelPath ? { volume: label, name: basename(input.labelPath), path: input.labelPath } : null,
    model: { spec, sha256: input.model.sha256, name: input.model.name, path: input.model.path },
    settings: input.settings,
    outDir: input.outDir,
    id: input.runId,
  });
  return withImageHash(record, input.outDir, imageSha256);
}

/** The SHA-256 of a file {@link volume} just read (call it right after, before another read can push it out of the cache). */
function sha256Of(path: string): string {
  const hit = volumes.get(path);
  if (!hit) throw new Error(`computeWorker: ${path} was not read`);
  return hit.sha256;
}

/** A NIfTI file, cached while its size and modification time stay the same. */
function volume(what: string, path: string): NiftiVolume {
  let key: string;
  try {
    const s = statSync(path);
    key = `${s.size}:${s.mtimeMs}`;
  } catch {
    throw new CodedError('not-found', `${what} ${path}: no such file`);
  }
  const hit = volumes.get(path);
  if (hit && hit.key === key) return hit.volume;
  let v: NiftiVolume;
  let sha256: string;
  try {
    const read = readImageFile(what, path);
    v = read.volume;
    sha256 = createHash('sha256').update(read.bytes).digest('hex');
  } catch (e) {
    throw new CodedError('bad-input', (e as Error).message);
  }
  volumes.delete(path);
  volumes.set(path, { key, volume: v, sha256 });
  while (volumes.size > VOLUMES_KEPT) volumes.delete(volumes.keys().next().value as string);
  return v;
}

const abortedOf = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get!;
const reasonOf = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'reason')!.get!;

/**
 * The task's AbortSignal, also aborted by main's shared cancel flag: reading `aborted` (or
 * `reason`) checks the flag and aborts the controller when it is set, so the engine's checks
 * between windows and layers see a cancel without waiting for the worker's event loop.
 */
function sharedSignal(controller: AbortController, flag: Int32Array): AbortSignal {
  const signal = controller.signal;
  const check = () => {
    if (!abortedOf.call(signal) && Atomics.load(flag, 0) === 1) controller.abort(Object.assign(new Error('cancelled'), { name: 'AbortError' }));
  };
  Object.defineProperty(signal, 'aborted', { get: () => (check(), abortedOf.call(signal) as boolean) });
  Object.defineProperty(signal, 'reason', { get: () => (check(), reasonOf.call(signal)) });
  return signal;
}

function post(reply: WorkerReply): void {
  port!.postMessage(reply);
}

function toWorkerError(e: unknown, signal?: AbortSignal): WorkerError {
  if (signal?.aborted) return { name: 'AbortError', message: 'cancelled', code: 'cancelled' };
  const err = e as { name?: string; message?: string; code?: unknown };
  const code = isApiErrorCode(err?.code) ? err.code : undefined;
  // The engine's argument checks (patch size, overlap against the image / model) are RangeErrors.
  return { name: err?.name ?? 'Error', message: err?.message ?? String(e), code: code ?? (err?.name === 'RangeError' ? 'bad-request' : undefined) };
}

async function sweep(id: number, input: SweepInput, signal: AbortSignal) {
  const m = await model(input.model);
  const pkg = appPackage();
  // Monotone over the whole sweep: pairs × repeats runs plus the warm-ups (issue 12, item 11).
  const progress = sweepJobProgress({ patchSizes: new Set(input.grid.patchSizes.map((p) => p.join('x'))).size, repeats: input.repeats, warmup: DEFAULT_SWEEP_SETTINGS.warmup });
  try {
    await runSweep({
      dir: input.dir,
      grid: input.grid,
      cases: input.cases,
      model: { runner: m.runner, spec: m.model.spec, info: { name: input.model.name, sha256: m.model.sha256, path: input.model.path } },
      settings: { repeats: input.repeats },
      signal,
      onProgress: (p) => post({ type: 'progress', id, progress: progress(p) }),
      provenance: {
        app: { name: pkg.name, version: pkg.version },
        versions: { tfjs: tf.version_core, node: process.version },
        backend: { name: m.backend.name, renderer: m.backend.renderer ?? null, reason: m.backend.reason },
      },
    });
  } catch (e) {
    if (signal.aborted) throw e;
    const msg = (e as Error).message;
    if (e instanceof RangeError || /^runSweep: case |^case /.test(msg)) throw new CodedError('bad-input', msg);
    throw e;
  }
  post({ type: 'progress', id, progress: { fraction: 1, phase: 'summary', etaMs: 0, message: 'summarizing' } });
  const summary = summarizeSweep(input.dir);
  const configs = summary.configs.length;
  const complete = summary.missing.length === 0 && input.cases.every((c) => summary.configs.every((s) => existsSync(join(input.dir, SWEEP_LAYOUT.results, resultFileName(c.id, s.config.id)))));
  return { configs, cases: input.cases.length, complete };
}

async function handle(msg: Exclude<WorkerRequest, { type: 'cancel' }>, signal: AbortSignal): Promise<unknown> {
  try {
    switch (msg.type) {
      case 'infer': {
        const { input } = msg;
        const image = volume('image', input.imagePath);
        const imageSha256 = sha256Of(input.imagePath);
        const label = input.labelPath ? volume('label', input.labelPath) : null;
        const m = await model(input.model);
        const record = await runInferenceJob({
          image: { volume: image, header: image.header, name: basename(input.imagePath), path: input.imagePath },
          label: label && input.labelPath ? { volume: label, name: basename(input.labelPath), path: input.labelPath } : null,
          model: m,
          settings: input.settings,
          outDir: input.outDir,
          id: input.runId,
          signal,
          onProgress: (progress) => post({ type: 'progress', id: msg.id, progress }),
        });
        return withImageHash(record, input.outDir, imageSha256);
      }
      case 'sweep':
        return await sweep(msg.id, msg.input, signal);
      case 'inspect': {
        const { input } = msg;
        const image = volume('image', input.imagePath);
        const label = input.labelPath ? volume('label', input.labelPath) : null;
        return await inspectRunVoxel({ runDir: input.runDir, voxel: input.voxel, image, label, model: await model(input.model) });
      }
      case 'warm': {
        const m = await model(msg.input.model);
        return { backend: m.backend.name, probes: m.backend.probes } satisfies WorkerResults['warm'];
      }
      case 'finishPage':
        return await finishPage(msg.input);
      case 'grid': {
        const spec = await specOf(msg.input.model);
        return { shape: inferenceGridShape(volume('image', msg.input.imagePath), spec) } satisfies WorkerResults['grid'];
      }
      default:
        throw new Error(`computeWorker: unknown task ${(msg as { type: string }).type}`);
    }
  } finally {
    running.delete(msg.id);
  }
}

port.on('message', (msg: WorkerRequest) => {
  if (msg.type === 'cancel') {
    running.get(msg.id)?.abort(Object.assign(new Error('cancelled'), { name: 'AbortError' }));
    return;
  }
  const controller = new AbortController();
  running.set(msg.id, controller);
  handle(msg, sharedSignal(controller, msg.cancelFlag)).then(
    (result) => post({ type: 'result', id: msg.id, result }),
    (e) => post({ type: 'error', id: msg.id, error: toWorkerError(e, controller.signal) }),
  );
});

post({ type: 'ready' });
