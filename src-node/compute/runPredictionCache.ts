import type { Box } from '../../shared/engine/inference/domain';
import type { InferenceMeasure, LabelMode } from '../../shared/engine/inference/inferencePerformance';
import type { InferenceResult } from '../../shared/engine/inference/runInference';
import { decodePredictionCache, type PredictionCache, type PredictionCollector } from '../../shared/reevaluate';
import { product, rowMajorStrides } from '../../shared/util/validate';
import { ComputeError } from './computeError';
import type { RunPlanFile } from './runFiles';

/**
 * Thrown by `reevaluateRun` when a run folder has no prediction cache: a run made before PatchLens
 * cached predictions, one made in a page compute context, or one on a resampled model grid
 * (the message says which). Its code is `precondition`.
 */
export class NoPredictionCacheError extends ComputeError {
  constructor(message: string) {
    super('precondition', message);
    this.name = 'NoPredictionCacheError';
  }
}

/** Why a page compute run's folder has no cache when the page sent no per-window predictions (main did not ask for them). */
export const PAGE_RUN_NO_CACHE =
  'the run was computed in a page compute context (WebGL in the app page) that sent the stitched result but not the per-window predictions; run it again to re-evaluate it';

/** The part of `plan.json` that places the inference box on the image. */
export type GridPlacement = Pick<RunPlanFile, 'source' | 'modelGrid' | 'sourceToModel' | 'domain'>;

/** {@link boxToImageIndex}'s entry for a box voxel outside the model grid. */
export const OUTSIDE = 0xffffffff;

const near = (x: number) => Math.abs(x - Math.round(x)) < 1e-6;

/**
 * For every voxel of the inference box (row-major over `domain.size`), the flat index of the image
 * voxel it was predicted for, when the model grid is the image's grid up to an exact axis
 * permutation / flip (no resampling) so that each box voxel is exactly one image voxel;
 * {@link OUTSIDE} for box voxels past the model grid's edge (a crop box's padding).
 * @returns the index, or the reason why the box voxels are not image voxels
 */
export function boxToImageIndex(placement: GridPlacement): Uint32Array | string {
  const { source, modelGrid, sourceToModel: m, domain } = placement;
  const linear = [0, 1, 2].map((r) => [0, 1, 2].map((c) => m[r][c]));
  const permutation = linear.every((row) => row.every(near) && row.filter((v) => Math.round(v) !== 0).length === 1 && row.every((v) => Math.abs(Math.round(v)) <= 1));
  const columns = [0, 1, 2].every((c) => linear.filter((row) => Math.round(row[c]) !== 0).length === 1);
  if (!permutation || !columns || ![0, 1, 2].every((r) => near(m[r][3]))) {
    return `the model grid [${modelGrid.shape}] is a resampling of the image [${source.shape}] (${modelGrid.steps.join('; ') || 'model grid steps not recorded'}), so its voxels are not image voxels`;
  }
  const box = domain as Box;
  const out = new Uint32Array(product(box.size));
  const filled = new Uint8Array(out.length);
  const bstrides = rowMajorStrides(box.size);
  const [d0, d1, d2] = source.shape;
  const M = m.map((row) => row.map((v) => Math.round(v)));
  let v = 0;
  for (let i = 0; i < d0; i++)
    for (let j = 0; j < d1; j++)
      for (let k = 0; k < d2; k++, v++) {
        let at = 0;
        let inside = true;
        for (let r = 0; r < 3; r++) {
          const b = M[r][0] * i + M[r][1] * j + M[r][2] * k + M[r][3] - box.start[r];
          if (b < 0 || b >= box.size[r]) inside = false;
          at += b * bstrides[r];
        }
        if (!inside) continue;
        out[at] = v;
        filled[at] = 1;
      }
  // A crop box may reach past the model grid (its padding): those voxels are no image voxel and,
  // as in runInference, their reference is background.
  const mshape = modelGrid.shape;
  for (let at = 0; at < out.length; at++) {
    if (filled[at]) continue;
    const b = [0, 1, 2].map((r) => box.start[r] + (Math.floor(at / bstrides[r]) % box.size[r]));
    if (b.every((x, r) => x >= 0 && x < mshape[r])) return `model-grid voxel [${b}] is no image voxel (the model grid [${mshape}] is not a permutation of the image [${source.shape}])`;
    out[at] = OUTSIDE;
  }
  return out;
}

/**
 * Where a run's cache comes from: the collector of a run in this process, or the predictions a
 * page sent (`pageRunCache`); `finish` adds the stitched labels.
 */
export type CacheSource = Pick<PredictionCollector, 'finish'>;

/** A run's prediction cache as `writeRunFolder` takes it, with what re-evaluation needs, or why there is none. */
export type RunCacheOutcome = { cache: PredictionCache; measure: InferenceMeasure; labelMode: LabelMode; classNames: string[] } | { absent: string };

/**
 * The prediction cache of a finished run from its collector, with the stitched labels inside the
 * inference box (the run's post-processed labels, read at each box voxel's image voxel). A run
 * whose model grid is resampled gets none, and the reason.
 */
export function finishRunCache(collector: CacheSource, result: InferenceResult, placement: GridPlacement): RunCacheOutcome {
  const index = boxToImageIndex(placement);
  if (typeof index === 'string') return { absent: index };
  const labels = new Uint8Array(index.length);
  for (let d = 0; d < index.length; d++) labels[d] = index[d] === OUTSIDE ? 0 : result.labels.data[index[d]];
  const o = result.options as { measure: InferenceMeasure; diceMode: LabelMode };
  return { cache: collector.finish(labels), measure: o.measure, labelMode: o.diceMode, classNames: result.classes.map((c) => c.name) };
}

/** Decodes a cache file, a broken one as `bad-input` naming the file. */
export function readCacheBytes(path: string, bytes: Uint8Array): PredictionCache {
  try {
    return decodePredictionCache(bytes);
  } catch (e) {
    throw new ComputeError('bad-input', `reevaluateRun: ${path}: ${(e as Error).message}`, { cause: e });
  }
}
