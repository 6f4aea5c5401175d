import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunLayer, RunRecord, RunSettings } from '../../shared/api/contract';
import { columnNorms, invertAffine, multiply4 } from '../../shared/io/affine';
import { writeNifti, type NiftiHeaderInfo } from '../../shared/io/nifti';
import type { Volume } from '../../shared/io/volume';
import type { PreparedModel } from '../../shared/engine/prepareModel';
import { insertBox } from '../../shared/engine/inference/domain';
import { runInference, type InferenceResult } from '../../shared/engine/inference/runInference';
import type { InferenceProgress } from '../../shared/engine/inference/runOnGrid';
import { tilePatchMap } from '../../shared/engine/inference/tilePatchMap';
import { windowOutline } from '../../shared/engine/inference/windowOutline';
import { now } from '../../shared/util/clock';
import { writeInferenceOutputs } from '../writeInferenceOutputs';
import { ComputeError } from './computeError';
import { RUN_FILES, type RunPlanFile } from './runFiles';

const FN = 'runInferenceJob';

/** A prepared model with the name and folder it was opened from. */
export type ComputeModel = PreparedModel & { name: string; path: string | null };

/** Progress of a job, as `JobInfo.progress`. */
export interface JobProgress {
  fraction: number;
  phase: string;
  etaMs: number | null;
  message: string;
}

/** What {@link runInferenceJob} needs. */
export interface InferenceJobInput {
  /** The image as `readImageFile` returns it (`volume.header` is the NIfTI header). */
  image: { volume: Volume; header: NiftiHeaderInfo; name: string; path: string | null };
  label: { volume: Volume; name: string; path: string | null } | null;
  model: ComputeModel;
  settings: RunSettings;
  outDir: string;
  id: string;
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
}

/**
 * Runs one inference and writes everything the app shows into `outDir`: `writeInferenceOutputs`'s
 * files (labels, probabilities, coverage, patch maps, result.json), the layers on the image grid
 * (`tiled-performance.nii.gz` with labels, `tiled-consistency.nii.gz` when the consistency map
 * exists, `grid-outline.nii.gz`), `plan.json` (see {@link RunPlanFile}) and `run.json` (the record).
 * A folder it created is removed again when the run fails or is cancelled.
 * @returns the record, without `dir` (the caller adds it)
 */
export async function runInferenceJob(input: InferenceJobInput): Promise<Omit<RunRecord, 'dir'>> {
  const { image, label, model, settings, outDir, id, signal, onProgress } = input;
  checkInput(input);
  const createdAt = new Date().toISOString();
  const t0 = now();
  const report = (fraction: number, phase: string, message: string, etaMs: number | null = null) => onProgress?.({ fraction, phase, etaMs, message });
  const onEngine = (p: InferenceProgress) => {
    if (p.phase === 'preprocess') return report(0.02, 'preprocess', 'preparing the image on the model grid');
    if (p.phase === 'postprocess') return report(0.9, 'postprocess', 'labels and maps back onto the image grid');
    const fraction = 0.05 + (0.85 * p.done) / Math.max(1, p.total);
    const elapsed = now() - t0;
    report(fraction, 'model', `model: ${p.done}/${p.total} windows`, p.done > 0 ? (elapsed * (1 - fraction)) / fraction : null);
  };
  const existed = existsSync(outDir);
  try {
    report(0, 'preprocess', 'starting');
    let result: InferenceResult;
    try {
      result = await runInference({
        image: image.volume,
        label: label?.volume ?? null,
        runner: model.runner,
        spec: model.model.spec,
        options: {
          patchSize: settings.patchSize,
          overlap: settings.overlap,
          placement: settings.placement,
          blend: settings.blend,
          measure: settings.measure,
          signal,
          onProgress: onEngine,
        },
      });
    } catch (e) {
      if (signal?.aborted) throw e;
      throw e instanceof RangeError ? new ComputeError('bad-input', (e as Error).message, { cause: e }) : e;
    }
    if (signal?.aborted) throw signal.reason ?? new ComputeError('cancelled', `${FN}: cancelled`);
    report(0.95, 'write', 'writing the run folder');
    mkdirSync(outDir, { recursive: true });
    writeInferenceOutputs(outDir, result, image.header, {
      run: { id, createdAt },
      model: { name: model.name, path: model.path, specName: model.model.spec.name, sha256: model.model.sha256, specSource: model.model.spec.source },
      inputs: {
        image: { name: image.name, path: image.path, shape: image.volume.shape, spacing: image.volume.spacing },
        label: label ? { name: label.name, path: label.path } : null,
      },
      settings,
    });
    const layers = writeLayers(outDir, result, image.header);
    const plan = runPlan(result, image.volume, settings, model);
    writeFileSync(join(outDir, RUN_FILES.plan), JSON.stringify(plan));
    const record: Omit<RunRecord, 'dir'> = {
      id,
      createdAt,
      imageName: image.name,
      labelName: label?.name ?? null,
      modelName: model.name,
      settings: { ...settings, patchSize: [...result.plan.patchSize] },
      windows: result.windows,
      dice: result.dice?.mean ?? null,
      timing: result.timing,
      backend: { name: result.backend.name, reason: result.backend.reason ?? model.backend.reason },
      layers,
      hasPerformance: result.patchPerformance !== null,
      hasConsistency: result.consistency !== null,
      warnings: result.warnings,
    };
    writeFileSync(join(outDir, RUN_FILES.record), JSON.stringify(record, null, 2));
    report(1, 'done', `${result.windows} windows in ${((now() - t0) / 1000).toFixed(1)} s`, 0);
    return record;
  } catch (e) {
    if (!existed) rmSync(outDir, { recursive: true, force: true });
    throw e;
  }
}

function checkInput(input: InferenceJobInput): void {
  const { image, label, model, settings } = input;
  if (image.volume.shape.length !== 3) throw new ComputeError('bad-input', `${FN}: the image ${image.name} must be 3-D, got shape [${image.volume.shape}]`);
  if (label && label.volume.shape.length !== 3) throw new ComputeError('bad-input', `${FN}: the label map ${label.name} must be 3-D, got shape [${label.volume.shape}]`);
  if (model.model.inputShape.spatialRank !== 3) throw new ComputeError('bad-input', `${FN}: the model ${model.name} takes ${model.model.inputShape.spatialRank}-D patches but the image is 3-D`);
  if (model.model.inputShape.channels !== 1) throw new ComputeError('bad-input', `${FN}: the model ${model.name} takes ${model.model.inputShape.channels} input channels but the image has 1`);
  const ps = settings.patchSize;
  if (!Array.isArray(ps) || ps.length < 1 || !ps.every((p) => Number.isInteger(p) && p >= 1)) {
    throw new ComputeError('bad-request', `${FN}: settings.patchSize must be positive integers, got ${JSON.stringify(ps)}`);
  }
  if (!(typeof settings.overlap === 'number' && settings.overlap >= 0 && settings.overlap < 1)) {
    throw new ComputeError('bad-request', `${FN}: settings.overlap must be in [0, 1), got ${JSON.stringify(settings.overlap)}`);
  }
}

/** A box-shaped array onto the model grid (zeros outside the box), then onto the source grid. */
function domainToSource(result: InferenceResult, values: Float32Array | Uint8Array, mode: 'linear' | 'nearest'): Volume {
  const shape = result.grid.shape;
  const n = shape.reduce((a, b) => a * b, 1);
  const grid = values instanceof Uint8Array ? new Uint8Array(n) : new Float32Array(n);
  insertBox(values, result.grid.domain, 1, grid, shape);
  const affine = result.grid.affine;
  return result.toSource({ data: grid, shape: [...shape], spacing: columnNorms(affine).slice(0, 3), affine }, mode);
}

/** Writes the tiled maps and the window outline on the source grid; answers the layers that exist. */
function writeLayers(outDir: string, result: InferenceResult, like: NiftiHeaderInfo): RunLayer[] {
  const layers: RunLayer[] = ['labels', 'probability', 'coverage'];
  const put = (name: string, v: Volume, datatype: 'float32' | 'uint8', description: string) => writeFileSync(join(outDir, name), writeNifti(v, { like, datatype, description }));
  if (result.patchPerformance) {
    put(RUN_FILES.tiledPerformance, domainToSource(result, tilePatchMap(result.plan, result.patchPerformance.map), 'linear'), 'float32', 'PatchLens tiled patch performance');
    layers.push('tiledPerformance');
  }
  if (result.consistency) {
    put(RUN_FILES.tiledConsistency, domainToSource(result, tilePatchMap(result.plan, result.consistency.map), 'linear'), 'float32', 'PatchLens tiled consistency');
    layers.push('tiledConsistency');
  }
  put(RUN_FILES.gridOutline, domainToSource(result, windowOutline(result.plan), 'nearest'), 'uint8', 'PatchLens window outlines');
  layers.push('gridOutline');
  return layers;
}

/** The run's geometry for `plan.json`. */
function runPlan(result: InferenceResult, image: Volume, settings: RunSettings, model: ComputeModel): RunPlanFile {
  const o = result.options;
  const p = result.plan;
  return {
    version: 1,
    source: { shape: [...image.shape], affine: image.affine.map((r) => [...r]) },
    modelGrid: { shape: [...result.grid.shape], affine: result.grid.affine, steps: result.grid.steps },
    sourceToModel: multiply4(invertAffine(result.grid.affine), image.affine),
    domain: result.grid.domain,
    patchSize: [...p.patchSize],
    overlap: settings.overlap,
    placement: settings.placement,
    blend: settings.blend,
    sigmaScale: typeof o.sigmaScale === 'number' ? o.sigmaScale : 0.125,
    padMode: 'constant',
    frame: { shape: [...p.shape], paddedShape: [...p.paddedShape], padLow: [...p.padLow], interval: [...p.interval] },
    windowStarts: p.windows.map((w) => [...w.start]),
    classes: model.runner.classes,
    model: { name: model.name, sha256: model.model.sha256 },
  };
}
