/**
 * The page side of a run's prediction cache: collects every window's predictions with the shared
 * `PredictionCollector` (the one main's compute worker uses) while the engine runs, and answers
 * them as the run result's `predictions`, or why there are none. A failure here never fails the
 * run: the run is written without a cache and its `plan.json` says why.
 */
import { PredictionCollector, allocateProbabilities } from '../../shared/reevaluate/predictionCache';
import type { WindowPlan } from '../../shared/stitching/planWindows';
import type { PatchWindow } from '../../shared/stitching/types';
import { product } from '../../shared/util/validate';
import type { EnginePredictionRequest, EnginePredictions } from './protocol';

/** A collection for one run: pass `onPrediction` as `runInference`'s, then take `result()`. */
export interface PredictionCollection {
  onPrediction(probs: Float32Array, windows: readonly PatchWindow[], plan: WindowPlan): void;
  /** The predictions, or why there are none. */
  result(): EnginePredictions | { absent: string };
}

/**
 * Starts collecting the per-window predictions a run request asks for (`request.predictions`):
 * in its encoding, and only while they fit `maxBytes` (checked from the first batch, before
 * anything is allocated: windows × patch voxels × classes × bytes per value).
 */
export function collectPredictions(request: EnginePredictionRequest): PredictionCollection {
  let collector: PredictionCollector | null = new PredictionCollector({ encoding: request.encoding });
  let absent: string | null = null;
  let shape: number[] | null = null;
  const drop = (why: string) => {
    absent = why;
    collector = null;
  };
  return {
    onPrediction(probs, windows, plan) {
      if (!collector) return;
      if (!shape) {
        const bytes = (probs.length / windows.length) * plan.windows.length * allocateProbabilities(request.encoding, 0).BYTES_PER_ELEMENT;
        if (bytes > request.maxBytes) return drop(`its ${plan.windows.length} windows' predictions take ${bytes} bytes as ${request.encoding}, more than the ${request.maxBytes} main allows for this run`);
        shape = [...plan.shape];
      }
      try {
        collector.add(probs, windows, plan);
      } catch (e) {
        drop(`collecting its per-window predictions failed: ${(e as Error).message}`);
      }
    },
    result() {
      if (!collector || !shape) return { absent: absent ?? 'the run predicted no window' };
      try {
        // finish() takes the run's labels; main puts in its own (the stitched labels it writes), so zeros do here.
        const c = collector.finish(new Uint8Array(product(shape)));
        return { encoding: c.encoding, classes: c.classes, geometry: c.geometry, values: c.probabilities };
      } catch (e) {
        return { absent: `its per-window predictions are incomplete: ${(e as Error).message}` };
      }
    },
  };
}
