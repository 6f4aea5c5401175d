import type { Normalization } from '../modelSpec';
import type { NumericArray } from '../../stitching/types';

/**
 * Intensity normalization of a whole volume (before cropping or patching, as brainchop does):
 * `min-max` → [0, 1]; `quantile` → (x − q_lo)/(q_hi − q_lo) with brainchop's quantile indices
 * (sorted values at floor(n·lo) and ceil(n·hi) − 1), not clipped; `z-score` → (x − mean)/std.
 * NaN or infinite input is an error (it would silently poison every window).
 */
export function normalizeIntensity(data: NumericArray, normalization: Normalization): Float32Array {
  const n = data.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(data[i])) throw new RangeError(`normalizeIntensity: the image has a non-finite value (${data[i]}) at voxel ${i}`);
  }
  const out = new Float32Array(n);
  switch (normalization.kind) {
    case 'none':
      out.set(data);
      return out;
    case 'min-max': {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < n; i++) {
        if (data[i] < lo) lo = data[i];
        if (data[i] > hi) hi = data[i];
      }
      return scale(data, out, lo, hi);
    }
    case 'quantile': {
      const sorted = Float32Array.from(data).sort();
      const lo = sorted[Math.min(n - 1, Math.floor(n * normalization.lo))];
      const hi = sorted[Math.max(0, Math.min(n - 1, Math.ceil(n * normalization.hi) - 1))];
      return scale(data, out, lo, hi);
    }
    case 'z-score': {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += data[i];
      const mean = sum / n;
      let ss = 0;
      for (let i = 0; i < n; i++) ss += (data[i] - mean) ** 2;
      const std = Math.sqrt(ss / n);
      for (let i = 0; i < n; i++) out[i] = std > 0 ? (data[i] - mean) / std : 0;
      return out;
    }
    default:
      throw new RangeError(`normalizeIntensity: unknown normalization ${JSON.stringify(normalization)}`);
  }
}

function scale(data: NumericArray, out: Float32Array, lo: number, hi: number): Float32Array {
  const range = hi - lo;
  for (let i = 0; i < data.length; i++) out[i] = range > 0 ? (data[i] - lo) / range : 0;
  return out;
}
