import { existsSync, rmSync } from 'node:fs';
import type { ComputeMap, ComputeTaskResult, ComputeVolume, RunRecord, RunSettings } from '../../shared/api/contract';
import type { NiftiHeaderInfo } from '../../shared/io/nifti';
import type { Volume } from '../../shared/io/volume';
import type { ModelSpec } from '../../shared/engine/modelSpec';
import { consistencyMap } from '../../shared/engine/inference/consistency';
import { INFERENCE_MEASURES, type InferenceMeasure } from '../../shared/engine/inference/inferencePerformance';
import type { BackendInfo } from '../../shared/engine/inference/modelRunner';
import { toModelGrid } from '../../shared/engine/inference/modelGrid';
import type { InferenceResult } from '../../shared/engine/inference/runInference';
import { PerformanceMap } from '../../shared/performance/PerformanceMap';
import { planWindows } from '../../shared/stitching/planWindows';
import { normalizeWindowSettings } from '../../shared/settings/windowSettings';
import { ComputeError } from './computeError';
import { writeRunFolder } from './writeRunFolder';
import { pageRunCache } from './pageRunCache';

const FN = 'finishPageRun';

/** What {@link finishPageRun} needs: a page compute context's result and what main gave it to run. */
export interface PageRunInput {
  result: ComputeTaskResult;
  /** The image and reference labels as main read them (the same files the page got). */
  image: { volume: Volume; header: NiftiHeaderInfo; name: string; path: string | null };
  label: { volume: Volume; name: string; path: string | null } | null;
  /** The model's spec (`resolveSpec` of its folder) and where it comes from. */
  model: { spec: ModelSpec; sha256: string; name: string; path: string | null };
  settings: RunSettings;
  outDir: string;
  id: string;
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Writes the run folder of an inference a page compute context (tfjs WebGL in the UI page's
 * Worker or Electron's compute window) ran, exactly as the compute worker writes its own
 * (`writeRunFolder`). What the page cannot send is rebuilt here, deterministically: the model
 * grid and its way back onto the image (`toModelGrid` again), the window plan over the inference
 * box (`planWindows` with the run's settings, as `runOnGrid` plans it) and the patch maps from
 * their accumulators. The record's backend is the page's. The page's per-window predictions,
 * when it sent them and they are exactly the run's (`pageRunCache`), become its
 * `prediction-cache.bin` as for a worker run; else `plan.json` says why the run has none.
 * @returns the record, without `dir`
 * @throws ComputeError `bad-request` when the result does not fit the image, the model grid or the
 * plan (its folder, when this call created it, is removed again)
 */
export function finishPageRun(input: PageRunInput): Omit<RunRecord, 'dir'> {
  const { result: r, image, label, model, settings, outDir, id } = input;
  const bad = (what: string): never => {
    throw new ComputeError('bad-request', `${FN}: ${what}`);
  };
  const shape = image.volume.shape;
  if (!same(r.labels.shape, shape)) bad(`the result's labels have shape [${r.labels.shape}] but the image ${image.name} has [${shape}]`);
  const grid = toModelGrid(image.volume, label?.volume ?? null, model.spec);
  if (!same(r.grid.shape, grid.image.shape)) bad(`the result's model grid [${r.grid.shape}] is not the model's grid of this image [${grid.image.shape}]`);
  let plan;
  try {
    // The normalization `runOnGrid` plans with (one value per axis, the same limits).
    plan = planWindows(r.grid.domain.size, normalizeWindowSettings(FN, settings, r.grid.domain.size));
  } catch (e) {
    return bad(`the run's settings do not plan over the inference box [${r.grid.domain.size}]: ${(e as Error).message}`);
  }
  if (plan.windows.length !== r.windows) bad(`the result has ${r.windows} windows but the settings plan ${plan.windows.length} over the inference box [${r.grid.domain.size}]`);
  const classes = r.probabilities.shape[3];

  const performance = r.patchPerformance && performanceOf(r.patchPerformance, plan.patchSize, settings.measure, bad);
  const consistency = r.consistency && consistencyOf(r.consistency, plan.patchSize, bad);
  const volume = <T extends Float32Array | Uint8Array>(v: ComputeVolume): Volume<T> => ({ data: v.data as T, shape: [...v.shape], spacing: [...v.spacing], affine: v.affine.map((row) => [...row]) });
  const backend: BackendInfo & { software: boolean } = { name: r.backend.name, reason: r.backend.reason || `${r.backend.name} in the page (no reason given)`, fallbacks: [], software: r.backend.software };
  if (r.backend.renderer !== null) backend.renderer = r.backend.renderer;
  const result: InferenceResult = {
    probabilities: volume<Float32Array>(r.probabilities),
    labels: volume<Uint8Array>(r.labels),
    coverage: { count: volume(r.coverage.count), weight: volume(r.coverage.weight) },
    patchPerformance: performance,
    consistency,
    dice: r.dice,
    domainDice: r.domainDice,
    windows: r.windows,
    timing: { ...r.timing },
    backend,
    grid: { shape: [...grid.image.shape], affine: grid.image.affine.map((row) => [...row]), domain: { start: [...r.grid.domain.start], size: [...r.grid.domain.size] }, steps: [...r.grid.steps] },
    plan,
    toSource: grid.toSource,
    options: r.options,
    classes: r.classes,
    warnings: [...r.warnings],
  };
  const existed = existsSync(outDir);
  try {
    return writeRunFolder({
      result,
      image,
      label: label ? { name: label.name, path: label.path } : null,
      model: { name: model.name, path: model.path, specName: model.spec.name, specSource: model.spec.source, sha256: model.sha256 },
      classes,
      settings,
      outDir,
      id,
      createdAt: new Date().toISOString(),
      backendReason: `${r.backend.name} in the page`,
      predictions: pageRunCache(r.predictions, plan, settings.measure, classes),
    });
  } catch (e) {
    if (!existed) rmSync(outDir, { recursive: true, force: true });
    throw e;
  }
}

/** The patch performance map from its accumulator, as `InferencePerformance.map()` computes it. */
function performanceOf(m: ComputeMap, patchSize: number[], fallback: InferenceMeasure, bad: (what: string) => never): NonNullable<InferenceResult['patchPerformance']> {
  const measure = (m.measure ?? fallback) as InferenceMeasure;
  if (!INFERENCE_MEASURES.includes(measure)) bad(`patchPerformance.measure must be one of ${INFERENCE_MEASURES.join(', ')}, got ${JSON.stringify(m.measure)}`);
  if (!same(m.shape, patchSize)) bad(`patchPerformance has shape [${m.shape}] but the run's patch is [${patchSize}]`);
  const accShape = measure === 'diceError' ? [...patchSize, 2] : patchSize;
  if (!same(m.accumulator.shape, accShape)) bad(`patchPerformance's accumulator has shape [${m.accumulator.shape}], expected [${accShape}] for ${measure}`);
  if (m.count < 1) bad('patchPerformance accumulated no windows');
  const accumulator = new PerformanceMap(accShape, measure).addSum(m.accumulator.sum, m.accumulator.count);
  const mean = accumulator.mean();
  let map = mean;
  if (measure === 'diceError') {
    map = new Float64Array(mean.length / 2);
    for (let i = 0; i < map.length; i++) {
      const u = mean[2 * i + 1];
      map[i] = u > 0 ? 1 - (2 * mean[2 * i]) / u : 0;
    }
  }
  return { map, shape: [...patchSize], measure, count: accumulator.count, accumulator };
}

/** The consistency map from its accumulator (trailing axis [Σ distance, overlaps]). */
function consistencyOf(m: ComputeMap, patchSize: number[], bad: (what: string) => never): NonNullable<InferenceResult['consistency']> {
  if (!same(m.shape, patchSize)) bad(`consistency has shape [${m.shape}] but the run's patch is [${patchSize}]`);
  const accShape = [...patchSize, 2];
  if (!same(m.accumulator.shape, accShape)) bad(`consistency's accumulator has shape [${m.accumulator.shape}], expected [${accShape}]`);
  const accumulator = new PerformanceMap(accShape, 'consistency').addSum(m.accumulator.sum, m.accumulator.count);
  return { map: consistencyMap(accumulator), shape: [...patchSize], count: accumulator.count, accumulator };
}
