/**
 * One `run` request, from posted bytes to a postable result: the engine worker's work without
 * the messaging. Platform-neutral (Node or a Worker): the worker sets up the tfjs backends,
 * this only chooses among the registered ones.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BackendChoice, ProbeCache } from '../../shared/engine/backend/selectBackend';
import type { ModelRunner } from '../../shared/engine/inference/modelRunner';
import { runInference, type InferenceResult } from '../../shared/engine/inference/runInference';
import type { ModelArtifacts } from '../../shared/engine/model/modelArtifacts';
import { prepareModel, type PreparedModel } from '../../shared/engine/prepareModel';
import { readNifti, writeNifti, type NiftiVolume } from '../../shared/io/nifti';
import type { Volume } from '../../shared/io/volume';
import type { PerformanceMap } from '../../shared/performance/PerformanceMap';
import type { AbortSignalLike } from '../../shared/stitching/types';
import { now } from '../../shared/util/clock';
import { collectPredictions, type PredictionCollection } from './collectPredictions';
import { EngineError } from './EngineError';
import type { EngineAccumulator, EngineMap, EngineResult, EngineVolume, ProgressMessage, RunRequest } from './protocol';
import { createWebglContextFault, type WebglContextFault } from './webglContextFault';

/** What {@link handleRun} needs besides the request. */
export interface HandleRunContext {
  /** Aborts the run (checked between every step and before every batch). */
  signal: AbortSignal;
  /** Called for every progress step. */
  onProgress?: (p: Omit<ProgressMessage, 'type' | 'id'>) => void;
  /** Where the `auto` probe is kept (default: this module's in-memory cache). */
  cache?: ProbeCache;
  /** Reported in `result.worker`. */
  crossOriginIsolated?: boolean;
  wasmThreads?: boolean;
}

let probed: BackendChoice | undefined;

/** The in-memory probe cache of this worker (one probe per worker lifetime, unless `probe: 'fresh'`). */
export const memoryProbeCache: ProbeCache = {
  load: () => probed,
  save: (choice) => {
    probed = choice;
  },
};

/** The number of tensors tfjs tracks (`tf.memory().numTensors`, without starting a backend when none is set yet). */
export function liveTensors(): number {
  return tf.engine().state.numTensors;
}

const waiting: (() => void)[] = [];
let channel: MessageChannel | undefined;

/**
 * Resolves after one trip through the event loop (a task, not a microtask), so that a `cancel`
 * message queued meanwhile is delivered even when the backend computes synchronously (cpu, wasm).
 * Browsers and Workers: a MessageChannel message (a posted-message task, queued behind the
 * cancel; no 4 ms timer clamping). Node: `setImmediate` (Node delivers a port's messages in one
 * loop, so a channel would starve the other ports).
 */
export function yieldToEventLoop(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  if (immediate) return new Promise((resolve) => void immediate(resolve));
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  const port = channel.port2;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(null);
  });
}

/** Throws an `aborted` EngineError when the signal is aborted. */
function throwIfAborted(signal: AbortSignalLike, id: number): void {
  if (signal.aborted) throw new EngineError('aborted', `run ${id} was cancelled`);
}

/** The model files as the engine's ModelArtifacts (model.json parsed, its bytes kept when posted as bytes or text). */
export function toArtifacts(model: RunRequest['model']): ModelArtifacts {
  const fn = 'handleRun';
  let modelJson: unknown;
  let modelJsonBytes: Uint8Array | undefined;
  try {
    if (model.modelJson instanceof ArrayBuffer) {
      modelJsonBytes = new Uint8Array(model.modelJson);
      modelJson = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(modelJsonBytes));
    } else if (typeof model.modelJson === 'string') {
      modelJsonBytes = new TextEncoder().encode(model.modelJson);
      modelJson = JSON.parse(model.modelJson);
    } else {
      modelJson = model.modelJson;
    }
  } catch (e) {
    throw new EngineError('invalid-model', `${fn}: model.json is not valid JSON: ${(e as Error).message}`);
  }
  const artifacts: ModelArtifacts = {
    modelJson,
    weights: new Map(Object.entries(model.weights)),
    files: ['model.json', ...Object.keys(model.weights)],
  };
  if (modelJsonBytes) artifacts.modelJsonBytes = modelJsonBytes;
  if (model.sidecar !== undefined) artifacts.sidecar = model.sidecar;
  if (model.name !== undefined) artifacts.name = model.name;
  return artifacts;
}

/** Reads posted NIfTI bytes, tagging a failure as `invalid-input`. */
function readInput(name: string, bytes: ArrayBuffer): NiftiVolume {
  try {
    return readNifti(bytes);
  } catch (e) {
    throw new EngineError('invalid-input', `handleRun: the ${name} is not a usable NIfTI file: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * A runner that gives the event loop a turn and checks the signal before every batch (and, in
 * tests only, injects the request's fault there: see `EngineDebugOptions`).
 */
function guarded(runner: ModelRunner, signal: AbortSignalLike, id: number, fault?: WebglContextFault): ModelRunner {
  return {
    classes: runner.classes,
    channels: runner.channels,
    async predict(batch, firstWindow, s) {
      await yieldToEventLoop();
      throwIfAborted(signal, id);
      fault?.beforeBatch(firstWindow);
      return runner.predict(batch, firstWindow, s);
    },
    backend: () => runner.backend(),
  };
}

/** A Volume as postable data (the typed array itself is transferred, not copied). */
function toEngineVolume<T extends Volume['data']>(v: Volume<T>): EngineVolume<T> {
  return { data: v.data, shape: [...v.shape], spacing: [...v.spacing], affine: v.affine.map((row) => [...row]) };
}

/** Bytes as a standalone ArrayBuffer (a view's buffer may be larger than the view). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer
    ? bytes.buffer
    : (bytes.slice().buffer as ArrayBuffer);
}

/** Maps the engine's error to a code: where it happened decides, an abort always wins. */
export function toEngineError(error: unknown, stage: 'input' | 'prepare' | 'run' | 'output', signal: AbortSignalLike, id: number): EngineError {
  if (signal.aborted) return new EngineError('aborted', `run ${id} was cancelled`);
  if (error instanceof EngineError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (stage === 'input') return new EngineError('invalid-input', message, { cause: error });
  if (stage === 'prepare') {
    const backend = /^selectBackend:|backend cannot start|no tfjs backend works/.test(message);
    return new EngineError(backend ? 'backend-unavailable' : 'invalid-model', message, { cause: error });
  }
  if (stage === 'run') return new EngineError('inference-failed', message, { cause: error });
  return new EngineError('internal', message, { cause: error });
}

/** The engine's result as a postable {@link EngineResult}. */
function toEngineResult(
  r: InferenceResult,
  prepared: PreparedModel,
  image: NiftiVolume,
  request: RunRequest,
  worker: EngineResult['worker'],
  predictions: PredictionCollection | null,
): EngineResult {
  const outputs = request.outputs ?? {};
  const map = (m: { map: Float64Array; shape: number[]; count: number; measure?: string; accumulator: PerformanceMap } | null): EngineMap | null => {
    if (!m) return null;
    const a = m.accumulator;
    const accumulator: EngineAccumulator = { shape: [...a.shape], sum: a.sum, count: a.count };
    if (a.measure !== undefined) accumulator.measure = a.measure;
    const out: EngineMap = { map: m.map, shape: [...m.shape], count: m.count, accumulator };
    if (m.measure !== undefined) out.measure = m.measure;
    return out;
  };
  const choice = prepared.backend;
  const sameBackend = r.backend.name === choice.name;
  return {
    labels: toEngineVolume(r.labels),
    labelsNifti: outputs.labelsNifti ? ownBuffer(writeNifti(r.labels, { like: image.header, description: 'PatchLens labels' })) : null,
    probabilities: outputs.probabilities === false ? null : toEngineVolume(r.probabilities),
    coverage: outputs.coverage === false ? null : { count: toEngineVolume(r.coverage.count), weight: toEngineVolume(r.coverage.weight) },
    patchPerformance: map(r.patchPerformance),
    consistency: map(r.consistency),
    dice: r.dice,
    domainDice: r.domainDice,
    windows: r.windows,
    timing: { ...r.timing },
    backend: {
      ...r.backend,
      software: sameBackend ? choice.software : undefined,
      probes: choice.probes.map((p) => ({ ...p })),
      ...(choice.probedAt !== undefined ? { probedAt: choice.probedAt } : {}),
    },
    grid: { shape: [...r.grid.shape], domain: { start: [...r.grid.domain.start], size: [...r.grid.domain.size] }, steps: [...r.grid.steps] },
    options: { ...r.options },
    classes: r.classes.map((c) => ({ name: c.name, color: [...c.color] as [number, number, number] })),
    model: { name: prepared.model.spec.name, source: prepared.model.spec.source, sha256: prepared.model.sha256 },
    warnings: [...r.warnings],
    worker,
    ...(predictions ? { predictions: predictions.result() } : {}),
  };
}

/**
 * Runs one `run` request: reads the NIfTI bytes, chooses the backend and loads the model
 * (`prepareModel`), runs `runInference` with progress and cancellation (and, when the request
 * asks for them, collects the per-window predictions: `collectPredictions`), disposes every
 * tensor it made, and returns the result with `worker.tensorsBefore/After` for leak checks.
 * @throws EngineError with the code of the step that failed (`aborted` whenever the signal fired)
 */
export async function handleRun(request: RunRequest, ctx: HandleRunContext): Promise<EngineResult> {
  const t0 = now();
  const { signal, id } = { signal: ctx.signal, id: request.id };
  const progress = ctx.onProgress ?? (() => undefined);
  const tensorsBefore = liveTensors();
  throwIfAborted(signal, id);

  let image: NiftiVolume;
  let label: NiftiVolume | null = null;
  let artifacts: ModelArtifacts;
  try {
    image = readInput('image', request.image);
    if (request.label) label = readInput('label', request.label);
    artifacts = toArtifacts(request.model);
  } catch (e) {
    throw toEngineError(e, 'input', signal, id);
  }

  progress({ phase: 'prepare', done: 0, total: 1, etaMs: null });
  let prepared: PreparedModel;
  try {
    const cache: ProbeCache = request.probe === 'fresh' ? { load: () => undefined, save: (c) => (ctx.cache ?? memoryProbeCache).save(c) } : (ctx.cache ?? memoryProbeCache);
    prepared = await prepareModel(artifacts, { backend: request.backend ?? 'auto', cache });
  } catch (e) {
    throw toEngineError(e, 'prepare', signal, id);
  }
  const prepareMs = now() - t0;
  progress({ phase: 'prepare', done: 1, total: 1, etaMs: 0 });

  let result: InferenceResult;
  const fault = createWebglContextFault(request.debug);
  const predictions = request.predictions ? collectPredictions(request.predictions) : null;
  try {
    throwIfAborted(signal, id);
    result = await runInference({
      image,
      label,
      runner: guarded(prepared.runner, signal, id, fault),
      spec: prepared.model.spec,
      options: {
        ...(request.options ?? {}),
        signal,
        onProgress: (p) => progress({ phase: p.phase, done: p.done, total: p.total, etaMs: p.etaMs }),
        ...(predictions ? { onPrediction: predictions.onPrediction } : {}),
      },
    });
  } catch (e) {
    throw toEngineError(e, 'run', signal, id);
  } finally {
    fault?.dispose();
    prepared.runner.dispose();
  }
  if (fault) result.warnings.push(fault.note);
  const tensorsAfter = liveTensors();
  try {
    return toEngineResult(result, prepared, image, request, {
      tensorsBefore,
      tensorsAfter,
      prepareMs,
      totalMs: now() - t0,
      crossOriginIsolated: ctx.crossOriginIsolated ?? false,
      wasmThreads: ctx.wasmThreads ?? false,
    }, predictions);
  } catch (e) {
    throw toEngineError(e, 'output', signal, id);
  }
}
