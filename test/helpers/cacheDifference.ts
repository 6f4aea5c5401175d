// Comparing two prediction caches by their decoded values (a page run's against a compute worker run's).
import { decodeValues, type PredictionCache } from '../../shared/reevaluate';

/** The largest |a − b| over every decoded probability of two caches of the same length. */
export function cacheDifference(a: PredictionCache, b: PredictionCache): number {
  const n = a.probabilities.length;
  if (b.probabilities.length !== n) throw new Error(`cacheDifference: ${n} values against ${b.probabilities.length}`);
  const [va, vb] = [new Float32Array(n), new Float32Array(n)];
  decodeValues(a, 0, n, va);
  decodeValues(b, 0, n, vb);
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(va[i] - vb[i]));
  return worst;
}

/** One step of an encoding on probabilities: 1/255 for uint8 (plus float32 rounding), 2⁻¹¹ for float16 (a half's spacing in [0.5, 1]), 0 for float32. */
export function cacheStep(encoding: PredictionCache['encoding']): number {
  return encoding === 'uint8' ? 1 / 255 + 1e-7 : encoding === 'float16' ? 2 ** -11 : 0;
}
