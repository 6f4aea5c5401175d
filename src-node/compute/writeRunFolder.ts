import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunLayer, RunRecord, RunSettings } from '../../shared/api/contract';
import { columnNorms, invertAffine, multiply4 } from '../../shared/io/affine';
import { writeNifti, type NiftiHeaderInfo } from '../../shared/io/nifti';
import type { Volume } from '../../shared/io/volume';
import { insertBox } from '../../shared/engine/inference/domain';
import type { InferenceResult } from '../../shared/engine/inference/runInference';
import { tilePatchMap } from '../../shared/engine/inference/tilePatchMap';
import { windowOutline } from '../../shared/engine/inference/windowOutline';
import { writeFileAtomic, writeJsonAtomic } from '../fs/atomicWrite';
import { writeInferenceFiles } from '../writeInferenceOutputs';
import { encodePredictionCache } from '../../shared/reevaluate';
import { RUN_FILES, type RunCacheInfo, type RunPlanFile } from './runFiles';
import { finishRunCache, type CacheSource } from './runPredictionCache';

/** What {@link writeRunFolder} writes: an inference result (from this process or rebuilt from a page's) and what it was made of. */
export interface RunFolderInput {
  result: InferenceResult;
  /** The image as read (`header`: its NIfTI header, so every output overlays it). */
  image: { volume: Volume; header: NiftiHeaderInfo; name: string; path: string | null };
  label: { name: string; path: string | null } | null;
  model: { name: string; path: string | null; specName: string; specSource: string; sha256: string };
  /** Probability channels the model gives (the runner's classes). */
  classes: number;
  settings: RunSettings;
  outDir: string;
  id: string;
  /** ISO date of the run. */
  createdAt: string;
  /** Why the backend was chosen, when the result's backend does not say. */
  backendReason: string;
  /**
   * The run's per-window predictions (the collector passed as `runOnGrid`'s `onPrediction`, or
   * what a page sent, checked by `pageRunCache`), written as `prediction-cache.bin` for
   * `reevaluateRun`; or why the run has none (said in `plan.json`). Absent: neither file nor note.
   */
  predictions?: CacheSource | { absent: string };
}

/**
 * Writes a run folder: `writeInferenceFiles`'s files (labels, probabilities, coverage, patch
 * maps, result.json), the layers on the image grid (`tiled-performance.nii.gz`,
 * `tiled-consistency.nii.gz` when the consistency map exists, `grid-outline.nii.gz`),
 * `plan.json` (see {@link RunPlanFile}), `prediction-cache.bin` when `predictions` is a cache source
 * and last `run.json` (the record). The same for a run of
 * the compute worker and one of a page compute context (`finishPageRun`).
 *
 * Every file is written atomically (`writeFileAtomic`) into `outDir` as given: the service host
 * gives it a temp folder and renames that into place as a whole once the run is complete, so
 * a run folder never looks complete before it is.
 * @returns the record, without `dir`
 */
export function writeRunFolder(input: RunFolderInput): Omit<RunRecord, 'dir'> {
  const { result, image, label, model, settings, outDir, id, createdAt } = input;
  mkdirSync(outDir, { recursive: true });
  writeInferenceFiles(outDir, result, image.header, {
    run: { id, createdAt },
    model: { name: model.name, path: model.path, specName: model.specName, sha256: model.sha256, specSource: model.specSource },
    inputs: {
      image: { name: image.name, path: image.path, shape: image.volume.shape, spacing: image.volume.spacing },
      label: label ? { name: label.name, path: label.path } : null,
    },
    settings,
  });
  const layers = writeLayers(outDir, result, image.header);
  const plan = runPlan(input);
  if (input.predictions) plan.predictionCache = writeCache(outDir, input.predictions, result, plan);
  writeFileAtomic(join(outDir, RUN_FILES.plan), JSON.stringify(plan));
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
    backend: { name: result.backend.name, reason: result.backend.reason ?? input.backendReason },
    layers,
    hasPerformance: result.patchPerformance !== null,
    hasConsistency: result.consistency !== null,
    warnings: result.warnings,
  };
  // run.json last: the record says the folder is complete.
  writeJsonAtomic(join(outDir, RUN_FILES.record), record);
  return record;
}

/** Writes `prediction-cache.bin` from the collector (when the run's grid allows one); answers `plan.json`'s note. */
function writeCache(outDir: string, predictions: NonNullable<RunFolderInput['predictions']>, result: InferenceResult, plan: RunPlanFile): RunCacheInfo {
  if ('absent' in predictions) return { present: false, reason: predictions.absent };
  const outcome = finishRunCache(predictions, result, plan);
  if ('absent' in outcome) return { present: false, reason: outcome.absent };
  const bytes = encodePredictionCache(outcome.cache);
  writeFileAtomic(join(outDir, RUN_FILES.predictionCache), bytes);
  return { present: true, file: RUN_FILES.predictionCache, bytes: bytes.length, encoding: outcome.cache.encoding, measure: outcome.measure, labelMode: outcome.labelMode, classNames: outcome.classNames };
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
  const put = (name: string, v: Volume, datatype: 'float32' | 'uint8', description: string) => writeFileAtomic(join(outDir, name), writeNifti(v, { like, datatype, description }));
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
function runPlan(input: RunFolderInput): RunPlanFile {
  const { result, image, settings, model } = input;
  const o = result.options;
  const p = result.plan;
  return {
    version: 1,
    source: { shape: [...image.volume.shape], affine: image.volume.affine.map((r) => [...r]) },
    modelGrid: { shape: [...result.grid.shape], affine: result.grid.affine, steps: result.grid.steps },
    sourceToModel: multiply4(invertAffine(result.grid.affine), image.volume.affine),
    domain: result.grid.domain,
    patchSize: [...p.patchSize],
    overlap: settings.overlap,
    placement: settings.placement,
    blend: settings.blend,
    sigmaScale: typeof o.sigmaScale === 'number' ? o.sigmaScale : 0.125,
    padMode: 'constant',
    frame: { shape: [...p.shape], paddedShape: [...p.paddedShape], padLow: [...p.padLow], interval: [...p.interval] },
    windowStarts: p.windows.map((w) => [...w.start]),
    classes: input.classes,
    model: { name: model.name, sha256: model.sha256 },
  };
}
