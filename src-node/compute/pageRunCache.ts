/**
 * The prediction cache of a run computed in a page compute context: what main asks the page to
 * collect (`pageCacheRequest`, sized for the `compute:done` allowance) and the check of what the
 * page sent against the run's own window plan (`pageRunCache`), so that `writeRunFolder` writes
 * `prediction-cache.bin` for a page run exactly as for a run of the compute worker.
 */
import type { ComputeCacheRequest, ComputeTaskResult, RunSettings } from '../../shared/api/contract';
import type { InferenceMeasure } from '../../shared/engine/inference/inferencePerformance';
import { allocateProbabilities, defaultCacheEncoding, type CacheGeometry } from '../../shared/reevaluate/predictionCache';
import { normalizeWindowSettings } from '../../shared/settings/windowSettings';
import { planWindows, type WindowPlan } from '../../shared/stitching/planWindows';
import { product } from '../../shared/util/validate';
import { PAGE_RUN_NO_CACHE, type CacheSource } from './runPredictionCache';

/** Voxels a model's crop box may reach past the image on each side (its padding: at most 20 in knownModels.ts). */
export const PAGE_CACHE_CROP_SLACK = 24;

/** The most bytes a page run's per-window predictions may take in its `compute:done` (1 GiB). */
export const PAGE_CACHE_MAX_BYTES = 2 ** 30;

/** The six orders of three axes (a model grid may be the image's in any of them). */
const PERMUTATIONS = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

/**
 * What main asks a page run to collect: the encoding a compute worker run of these settings
 * caches in, and the most bytes the predictions can take (windows × patch voxels × classes ×
 * bytes per value) for any inference box that can have a cache: one whose model grid is the image
 * grid up to an axis permutation (a resampled grid has none), cropped with a padding of at most
 * {@link PAGE_CACHE_CROP_SLACK} voxels; at most {@link PAGE_CACHE_MAX_BYTES}. A page whose
 * predictions take more sends none and says why.
 * @param imageShape the image's spatial shape
 * @param settings the run's settings (a 3-entry patch)
 * @param classes the model's probability channels
 */
export function pageCacheRequest(imageShape: readonly number[], settings: RunSettings, classes: number): ComputeCacheRequest {
  const encoding = defaultCacheEncoding(settings.measure);
  const bytesPerValue = allocateProbabilities(encoding, 0).BYTES_PER_ELEMENT;
  let windows = 0;
  try {
    for (const axes of PERMUTATIONS) {
      const box = axes.map((a) => imageShape[a] + 2 * PAGE_CACHE_CROP_SLACK);
      windows = Math.max(windows, planWindows(box, normalizeWindowSettings('pageCacheRequest', settings, box)).windows.length);
    }
  } catch {
    // A box this large cannot be planned (too many windows): the cap decides.
    return { encoding, maxBytes: PAGE_CACHE_MAX_BYTES };
  }
  return { encoding, maxBytes: Math.min(PAGE_CACHE_MAX_BYTES, windows * product(settings.patchSize) * classes * bytesPerValue) };
}

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Why the page's predictions do not fit the run, or null when they do. */
function mismatch(sent: Exclude<ComputeTaskResult['predictions'], { absent: string } | null | undefined>, plan: WindowPlan, measure: InferenceMeasure, classes: number): string | null {
  const want = defaultCacheEncoding(measure);
  if (sent.encoding !== want) return `they are encoded as ${sent.encoding}, but a ${measure} run caches ${want}`;
  if (sent.classes !== classes) return `they have ${sent.classes} classes, the run's probabilities ${classes}`;
  const g = sent.geometry;
  for (const key of ['shape', 'patchSize', 'paddedShape', 'padLow'] as const) {
    if (!Array.isArray(g[key]) || !same(g[key], plan[key])) return `their geometry.${key} is [${g[key]}], the run's plan has [${plan[key]}]`;
  }
  if (!Array.isArray(g.starts) || g.starts.length !== plan.starts.length || g.starts.some((s, a) => !Array.isArray(s) || !same(s, plan.starts[a]))) {
    return `their window starts [${(g.starts ?? []).map((s) => `[${s}]`).join(', ')}] are not the run's plan's [${plan.starts.map((s) => `[${s}]`).join(', ')}]`;
  }
  const n = plan.windows.length * product(plan.patchSize) * classes;
  const type = { uint8: Uint8Array, float16: Uint16Array, float32: Float32Array }[sent.encoding];
  if (!(sent.values instanceof type)) return `their values are not a ${type.name} (the ${sent.encoding} encoding)`;
  if (sent.values.length !== n) return `they have ${sent.values.length} values, the run's ${plan.windows.length} windows of ${product(plan.patchSize)} voxels × ${classes} classes need ${n}`;
  if (sent.encoding === 'float16') {
    // Half bits 0x0000…0x3c00 are exactly the probabilities 0…1 (sign bit clear, at most 1.0).
    const values = sent.values as Uint16Array;
    for (let i = 0; i < values.length; i++) {
      if (values[i] > 0x3c00) return `value ${i} (half bits 0x${values[i].toString(16)}) is not a probability in [0, 1]`;
    }
  }
  return null;
}

/**
 * The cache source of a page run: the predictions the page sent when they are exactly the run's
 * (the encoding of its measure, its classes, its window plan's geometry, every value), else why
 * the run has no cache (said in `plan.json`). Never throws: the run is written either way.
 * @param sent `ComputeTaskResult.predictions` as the validator answered it
 * @param plan the run's window plan (as `finishPageRun` rebuilds it)
 * @param classes the run's probability channels
 */
export function pageRunCache(sent: ComputeTaskResult['predictions'], plan: WindowPlan, measure: InferenceMeasure, classes: number): CacheSource | { absent: string } {
  if (!sent) return { absent: PAGE_RUN_NO_CACHE };
  if ('absent' in sent) return { absent: `the run was computed in a page compute context that sent no per-window predictions: ${sent.absent}` };
  const why = mismatch(sent, plan, measure, classes);
  if (why) return { absent: `the per-window predictions the page compute context sent do not fit the run: ${why}` };
  const geometry: CacheGeometry = { shape: [...plan.shape], patchSize: [...plan.patchSize], paddedShape: [...plan.paddedShape], padLow: [...plan.padLow], starts: plan.starts.map((s) => [...s]) };
  return {
    finish: (labels) => {
      if (labels.length !== product(plan.shape)) throw new RangeError(`pageRunCache: labels must have ${product(plan.shape)} voxels (shape [${plan.shape}]), got ${labels.length}`);
      return { encoding: sent.encoding, classes, geometry, probabilities: sent.values, labels };
    },
  };
}
