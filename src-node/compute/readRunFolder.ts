import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_LAYERS, type PatchMapData, type RunLayer, type RunRecord, type VolumeData } from '../../shared/api/contract';
import { readNifti } from '../../shared/io/nifti';
import { parseNpy } from '../../shared/io/npy';
import { INFERENCE_FILES } from '../writeInferenceOutputs';
import { ComputeError } from './computeError';
import { LAYER_FILES, RUN_FILES, type RunPlanFile } from './runFiles';

/** Reads a file of a run folder; a missing one is a `not-found` error naming the function and the file. */
function readRunFile(fn: string, runDir: string, name: string): Uint8Array {
  const path = join(runDir, name);
  if (!existsSync(path)) throw new ComputeError('not-found', `${fn}: the run folder ${runDir} has no ${name}`);
  return readFileSync(path);
}

/**
 * One layer of a run folder as VolumeData on the image grid: `labels` (uint8), `probability`
 * (1 − p(background), float32; a single-class model's own probability), `coverage` (windows per voxel), the tiled maps and the window
 * outline (uint8).
 * @throws `not-found` when the run has no such layer (e.g. `tiledPerformance` of a run without labels)
 */
export function readRunLayer(runDir: string, layer: RunLayer): VolumeData {
  const fn = 'readRunLayer';
  if (!RUN_LAYERS.includes(layer)) throw new ComputeError('bad-request', `${fn}: layer must be one of ${RUN_LAYERS.join(', ')}, got ${JSON.stringify(layer)}`);
  const { file, frame } = LAYER_FILES[layer];
  const v = readNifti(readRunFile(fn, runDir, file));
  const spatial = v.shape.slice(-3);
  const n = spatial.reduce((a, b) => a * b, 1);
  let data = v.shape.length > 3 ? v.data.subarray(frame * n, (frame + 1) * n) : v.data;
  // A single-channel (sigmoid) model's one frame is the foreground probability already.
  const frames = v.shape.length > 3 ? v.shape[0] : 1;
  if (layer === 'probability' && frames > 1) data = Float32Array.from(data, (p) => 1 - p);
  const out =
    data instanceof Float32Array || data instanceof Uint8Array || data instanceof Int16Array || data instanceof Uint16Array || data instanceof Int32Array
      ? data.slice()
      : Float32Array.from(data);
  return { shape: spatial, spacing: [...v.spacing], affine: v.affine.map((r) => [...r]), data: out };
}

/** A patch-shaped map (.npy) with its .json beside it (measure: `measure`, else the json's), or null when the .npy is missing. */
function readPatchMap(fn: string, dir: string, npyName: string, jsonName: string, measure: string | null, source: string): PatchMapData | null {
  const npyPath = join(dir, npyName);
  if (!existsSync(npyPath)) return null;
  let meta: { measure?: unknown; count?: unknown; patchesSeen?: unknown; shape?: unknown } = {};
  const jsonPath = join(dir, jsonName);
  if (existsSync(jsonPath)) {
    try {
      meta = JSON.parse(readFileSync(jsonPath, 'utf8'));
    } catch (e) {
      throw new ComputeError('bad-input', `${fn}: ${jsonPath} is not valid JSON (${(e as Error).message})`);
    }
  }
  let npy;
  try {
    npy = parseNpy(readFileSync(npyPath));
  } catch (e) {
    throw new ComputeError('bad-input', `${fn}: ${npyPath}: ${(e as Error).message}`);
  }
  if (Array.isArray(meta.shape) && meta.shape.join() !== npy.shape.join()) {
    throw new ComputeError('bad-input', `${fn}: ${npyPath} has shape [${npy.shape}] but ${jsonName} says [${meta.shape}]`);
  }
  const count = typeof meta.count === 'number' ? meta.count : typeof meta.patchesSeen === 'number' ? meta.patchesSeen : 0;
  return {
    shape: [...npy.shape],
    data: npy.data instanceof Float32Array ? npy.data.slice() : Float32Array.from(npy.data),
    measure: measure ?? (typeof meta.measure === 'string' ? meta.measure : 'unknown'),
    count,
    source,
  };
}

/** The run's patch performance map (null without labels) and consistency map (null when skipped). */
export function readRunMaps(runDir: string, runId: string): { performance: PatchMapData | null; consistency: PatchMapData | null } {
  const fn = 'readRunMaps';
  if (!existsSync(runDir)) throw new ComputeError('not-found', `${fn}: the run folder ${runDir} does not exist`);
  return {
    performance: readPatchMap(fn, runDir, INFERENCE_FILES.patchPerformance, 'patch-performance.json', null, `run ${runId}`),
    consistency: readPatchMap(fn, runDir, INFERENCE_FILES.consistency, 'consistency.json', 'consistency', `run ${runId}`),
  };
}

/** The run record (`run.json`) of a run folder, or null when missing or unreadable. */
export function readRunRecord(runDir: string): Omit<RunRecord, 'dir'> | null {
  try {
    const r = JSON.parse(readFileSync(join(runDir, RUN_FILES.record), 'utf8')) as Omit<RunRecord, 'dir'> & { dir?: unknown };
    if (typeof r !== 'object' || r === null || typeof r.id !== 'string' || !Array.isArray(r.layers) || typeof r.settings !== 'object') return null;
    delete r.dir;
    return r;
  } catch {
    return null;
  }
}

/** The run's `plan.json`. */
export function readRunPlan(runDir: string): RunPlanFile {
  const fn = 'readRunPlan';
  const bytes = readRunFile(fn, runDir, RUN_FILES.plan);
  try {
    const plan = JSON.parse(new TextDecoder().decode(bytes)) as RunPlanFile;
    if (plan.version !== 1) throw new Error(`version ${String(plan.version)} is not 1`);
    return plan;
  } catch (e) {
    throw new ComputeError('bad-input', `${fn}: ${join(runDir, RUN_FILES.plan)} is unreadable: ${(e as Error).message}`);
  }
}

/**
 * The model folder's training-time patch performance map (`training-patch-performance.npy` with
 * its `.json`), or null when the folder has none.
 */
export function readTrainingMap(modelDir: string): PatchMapData | null {
  return readPatchMap('readTrainingMap', modelDir, RUN_FILES.trainingMap, RUN_FILES.trainingMapJson, null, 'training');
}
