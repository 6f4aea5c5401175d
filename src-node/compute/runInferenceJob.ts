import { existsSync, rmSync } from 'node:fs';
import type { RunRecord, RunSettings } from '../../shared/api/contract';
import type { NiftiHeaderInfo } from '../../shared/io/nifti';
import type { Volume } from '../../shared/io/volume';
import type { PreparedModel } from '../../shared/engine/prepareModel';
import { runInference, type InferenceResult } from '../../shared/engine/inference/runInference';
import type { InferenceProgress } from '../../shared/engine/inference/runOnGrid';
import { now } from '../../shared/util/clock';
import { checkRunSettings, SettingsError } from '../../shared/settings/runSettings';
import { toEngineOptions } from '../../shared/settings/toEngineOptions';
import { ComputeError } from './computeError';
import { writeRunFolder } from './writeRunFolder';
import { PredictionCollector } from '../../shared/reevaluate';

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
  /**
   * Cache every window's predictions in the run folder (`prediction-cache.bin`, the measure's
   * encoding: uint8 for the linear measures, float16 for crossEntropy) so that `reevaluateRun`
   * can re-evaluate the run against an edited reference without the model. Default true: the
   * app's runs can always get a reference later. False: no cache, and `plan.json` says so.
   */
  predictionCache?: boolean;
}

/**
 * Runs one inference and writes everything the app shows into `outDir` with {@link writeRunFolder}:
 * `writeInferenceOutputs`'s files (labels, probabilities, coverage, patch maps, result.json), the
 * layers on the image grid (`tiled-performance.nii.gz` with labels, `tiled-consistency.nii.gz`
 * when the consistency map exists, `grid-outline.nii.gz`), `plan.json`, `prediction-cache.bin`
 * (unless `predictionCache` is false) and `run.json` (the record).
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
  const collector = input.predictionCache === false ? null : new PredictionCollector({ measure: settings.measure });
  try {
    report(0, 'preprocess', 'starting');
    let result: InferenceResult;
    try {
      result = await runInference({
        image: image.volume,
        label: label?.volume ?? null,
        runner: model.runner,
        spec: model.model.spec,
        options: { ...toEngineOptions(settings), signal, onProgress: onEngine, onPrediction: collector?.add },
      });
    } catch (e) {
      if (signal?.aborted) throw e;
      throw e instanceof RangeError ? new ComputeError('bad-input', (e as Error).message, { cause: e }) : e;
    }
    if (signal?.aborted) throw signal.reason ?? new ComputeError('cancelled', `${FN}: cancelled`);
    report(0.95, 'write', 'writing the run folder');
    const record = writeRunFolder({
      result,
      image,
      label: label ? { name: label.name, path: label.path } : null,
      model: { name: model.name, path: model.path, specName: model.model.spec.name, specSource: model.model.spec.source, sha256: model.model.sha256 },
      classes: model.runner.classes,
      settings,
      outDir,
      id,
      createdAt,
      backendReason: model.backend.reason,
      predictions: collector ?? { absent: 'prediction caching was off for this run (runInferenceJob predictionCache: false)' },
    });
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
  try {
    checkRunSettings(settings, FN);
  } catch (e) {
    throw e instanceof SettingsError ? new ComputeError('bad-request', e.message, { cause: e }) : e;
  }
}
