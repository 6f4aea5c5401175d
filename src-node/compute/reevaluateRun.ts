import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PatchMapData } from '../../shared/api/contract';
import type { RunReevaluation } from '../../shared/api/contract/annotation';
import { diceReport } from '../../shared/engine/postprocess/dice';
import { cartesianProduct } from '../../shared/grid/patchGrid';
import { compareMaps, ERROR_CODES, errorMap, reevaluate, type CacheGeometry, type Reevaluation } from '../../shared/reevaluate';
import { product } from '../../shared/util/validate';
import { ComputeError } from './computeError';
import { readRunLayer, readRunMaps, readRunPlan, readRunRecord } from './readRunFolder';
import { RUN_FILES, type RunPlanFile } from './runFiles';
import { boxToImageIndex, NoPredictionCacheError, OUTSIDE, readCacheBytes } from './runPredictionCache';
import { INFERENCE_FILES } from '../writeInferenceOutputs';
import type { DiceReport } from '../../shared/engine/postprocess/dice';

/** The run's own Dice against the reference it ran with (result.json), null without one or when unreadable. */
function savedDice(runDir: string): DiceReport | null {
  try {
    const dice = (JSON.parse(readFileSync(join(runDir, INFERENCE_FILES.result), 'utf8')) as { dice?: DiceReport | null }).dice;
    return dice && Array.isArray(dice.perClass) && typeof dice.mean === 'number' ? dice : null;
  } catch {
    return null;
  }
}

const FN = 'reevaluateRun';

/** The window geometry of `plan.json` in the form a prediction cache records it (starts per axis). */
function geometryOf(plan: RunPlanFile): CacheGeometry {
  const starts = plan.patchSize.map((_, a) => [...new Set(plan.windowStarts.map((s) => s[a]))].sort((x, y) => x - y));
  const listed = cartesianProduct(starts);
  const same = listed.length === plan.windowStarts.length && listed.every((s, k) => s.every((v, a) => v === plan.windowStarts[k][a]));
  if (!same) throw new ComputeError('bad-input', `${FN}: plan.json's ${plan.windowStarts.length} window starts are not a grid of starts per axis in plan order`);
  return { shape: plan.frame.shape, patchSize: plan.patchSize, paddedShape: plan.frame.paddedShape, padLow: plan.frame.padLow, starts };
}

/**
 * Re-evaluates a finished run against an edited reference on the run's image grid, from the run
 * folder's prediction cache (`prediction-cache.bin`; the model never runs): the patch performance
 * map (the run's measure and Dice mode, over the run's windows), Dice per class and the error
 * counts of the run's labels on the image grid, the difference to the saved map and
 * `recommendMargin`'s margin before and after.
 *
 * Where the run predicted on a crop box (or an exactly reoriented model grid), the reference is
 * read at each box voxel's image voxel; Dice and the error counts cover the whole image, as the
 * run's own Dice. With the unedited reference the map equals the saved one within the cache's
 * quantization (uint8: ≤ classes/1020 for absoluteError, see docs/reevaluation.md) and Dice
 * equals the run's exactly. A run without reference labels has no saved map: `before` is then
 * the new map itself (its `source` says so) and `marginBefore` is null.
 * @param reference the edited label map on the image grid (the run's image shape, row-major)
 * @throws NoPredictionCacheError (`precondition`) when the folder has no prediction cache, naming why;
 * ComputeError `bad-request` when the reference does not fit the image, `bad-input` for a broken cache
 */
export async function reevaluateRun(runDir: string, reference: Uint8Array | Uint16Array): Promise<RunReevaluation> {
  const record = readRunRecord(runDir);
  if (!record) throw new ComputeError('not-found', `${FN}: ${runDir} has no readable ${RUN_FILES.record}`);
  const plan = readRunPlan(runDir);
  const info = plan.predictionCache;
  const path = join(runDir, RUN_FILES.predictionCache);
  if (!info || !info.present) {
    const why = info ? info.reason : 'it was made before PatchLens cached per-window predictions; run it again to re-evaluate it';
    throw new NoPredictionCacheError(`${FN}: run ${record.id} has no prediction cache: ${why}`);
  }
  if (!existsSync(path)) throw new NoPredictionCacheError(`${FN}: run ${record.id} has no prediction cache: plan.json names ${info.file} but ${runDir} has no such file`);
  const voxels = product(plan.source.shape);
  if (!(reference instanceof Uint8Array || reference instanceof Uint16Array)) throw new ComputeError('bad-request', `${FN}: the reference must be a Uint8Array or Uint16Array label map`);
  if (reference.length !== voxels) throw new ComputeError('bad-request', `${FN}: the reference has ${reference.length} voxels but run ${record.id}'s image [${plan.source.shape}] has ${voxels}`);

  const cache = readCacheBytes(path, readFileSync(path));
  const index = boxToImageIndex(plan);
  if (typeof index === 'string') throw new NoPredictionCacheError(`${FN}: run ${record.id}'s cache cannot be used on the image grid: ${index}`);
  const boxReference = new Int32Array(index.length);
  for (let d = 0; d < index.length; d++) boxReference[d] = index[d] === OUTSIDE ? 0 : reference[index[d]];
  let run: Reevaluation;
  try {
    run = reevaluate(cache, geometryOf(plan), boxReference, { measure: info.measure, labelMode: info.labelMode, classNames: info.classNames });
  } catch (e) {
    if (e instanceof ComputeError) throw e;
    throw new ComputeError('bad-input', `${FN}: run ${record.id}: ${(e as Error).message}`, { cause: e });
  }

  const after: PatchMapData = {
    shape: [...plan.patchSize],
    data: Float32Array.from(run.map()),
    measure: info.measure,
    count: run.performance.accumulator.count,
    source: `run ${record.id} against the edited reference`,
  };
  const saved = readRunMaps(runDir, record.id).performance;
  const before = saved ?? { ...after, data: after.data.slice(), source: `run ${record.id} had no reference labels, so no saved map: this is the map against the given reference` };
  // The after map's margin noise (leave-one-group-of-windows-out): a change is stated only beyond it.
  const comparison = compareMaps(before, after, {}, run.marginNoise());
  const difference: PatchMapData = { shape: [...comparison.shape], data: Float32Array.from(comparison.difference), measure: info.measure, count: after.count, source: `run ${record.id}: after − before` };

  // Dice and errors on the image grid, as the run's own Dice (its labels are zero outside a crop box).
  const labels = readRunLayer(runDir, 'labels').data;
  const dice = diceReport(labels, reference, { mode: info.labelMode, numClasses: cache.classes, classNames: info.classNames });
  const codes = errorMap(labels, reference, info.labelMode);
  const errorCounts = { falsePositive: 0, falseNegative: 0, wrongClass: 0 };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === ERROR_CODES.falsePositive) errorCounts.falsePositive++;
    else if (c === ERROR_CODES.falseNegative) errorCounts.falseNegative++;
    else if (c === ERROR_CODES.wrongClass) errorCounts.wrongClass++;
  }
  return {
    runId: record.id,
    dice,
    diceBefore: savedDice(runDir),
    before,
    after,
    difference,
    marginBefore: saved ? [...comparison.before.margin] : null,
    marginAfter: [...comparison.after.margin],
    marginNoise: comparison.afterNoise,
    errorCounts,
  };
}
