import { PerformanceMap } from '../performance/PerformanceMap';
import type { MapInput } from '../recommend/recommendMargin';
import { assertShape, describe, product } from '../util/validate';

/** Options of {@link performanceWeights}. */
export interface PerformanceWeightOptions {
  /**
   * The spread s of the errors: `'mad'` (default: 1.4826 × the median absolute deviation, robust:
   * a bad border is an outlier population that does not inflate it), `'std'` (the population
   * standard deviation over the patch positions), or a fixed positive number in the map's units.
   */
  spread?: 'std' | 'mad' | number;
  /** Multiplies s (default 1): above 1 flattens the weights, below 1 sharpens them. */
  temperature?: number;
  /** Smallest weight (default 1e-3: MONAI's floor for its gaussian importance map). */
  floor?: number;
  /**
   * Floor of s relative to the typical error, ρ in s ≥ ρ·|median(e)| (default 0.25): differences
   * that are small against the error level itself (a steady map's noise) give mild weights
   * instead of being stretched over the whole weight range. 0 turns it off.
   */
  relativeFloor?: number;
}

const FN = 'performanceWeights';

/** Relative range below which a map counts as flat (float rounding, not a border effect). */
const FLAT = 1e-9;

/**
 * Turns a measured patch performance map (the mean error at every position of the patch, e.g.
 * from a calibration run against a reference) into a blending weight map of the patch's shape:
 * positions where the model errs less get more weight when overlapping windows are stitched.
 * (MONAI, nnU-Net and TorchIO only offer fixed shapes: constant, gaussian, hann, crop.)
 *
 * The transform, with e the map and e_min its minimum:
 *
 *     w = max(floor, exp(−(e − e_min) / s)),
 *     s = temperature · max(spread(e), ρ · |median(e)|, 1e-3 · (e_max − e_min))
 *
 * - The best position gets weight 1 (the map is normalised to a maximum of 1) and the weight
 *   falls by a factor e for every s of extra error; it is monotone: lower error, higher (or, at
 *   the floor, equal) weight.
 * - spread(e) is 1.4826 × the median absolute deviation of e over the positions (robust: the
 *   border that errs is an outlier population and does not widen s; or the standard deviation,
 *   or a fixed number). It is floored twice: at ρ·|median(e)| (ρ = 0.25), because the spread alone is scale
 *   free and would stretch pure noise (a steady map varying by ±5 % around its level) over the
 *   whole weight range; and at 1e-3·range, which keeps s > 0 when the median is 0.
 * - Weights are floored at `floor` (1e-3, like MONAI's gaussian) so every window still counts
 *   where it is the only one, and the map stays strictly positive as `slidingWindow` requires.
 * - A flat map (e_max − e_min ≤ 1e-9 · max|e|) gives constant weights (all 1): nothing to prefer.
 *
 * @param map a {@link PerformanceMap} (its mean is used) or `{ data, shape }` of mean errors
 *   (for the `diceError` measure pass the patch-shaped map, 1 − Dice per position)
 * @returns a Float32Array of the patch's shape, every value in [floor, 1]
 * @throws RangeError naming the argument: a non-finite map value, a bad spread, temperature or floor
 */
export function performanceWeights(map: MapInput, options: PerformanceWeightOptions = {}): Float32Array {
  const m = map instanceof PerformanceMap ? { data: map.mean(), shape: map.shape } : map;
  if (m === null || typeof m !== 'object' || m.data == null || typeof m.data.length !== 'number') {
    throw new TypeError(`${FN}: map must be a PerformanceMap or { data, shape }`);
  }
  assertShape(FN, 'map.shape', m.shape);
  const n = product([...m.shape]);
  if (m.data.length !== n) throw new RangeError(`${FN}: map.data has ${m.data.length} values but map.shape ${describe(m.shape)} needs ${n}`);
  const floor = options.floor ?? 1e-3;
  if (!(typeof floor === 'number' && floor > 0 && floor <= 1)) throw new RangeError(`${FN}: floor must be a number in (0, 1], got ${describe(floor)}`);
  const temperature = options.temperature ?? 1;
  if (!(typeof temperature === 'number' && Number.isFinite(temperature) && temperature > 0)) {
    throw new RangeError(`${FN}: temperature must be a positive number, got ${describe(temperature)}`);
  }
  const spread = options.spread ?? 'mad';
  if (spread !== 'std' && spread !== 'mad' && !(typeof spread === 'number' && Number.isFinite(spread) && spread > 0)) {
    throw new RangeError(`${FN}: spread must be 'std', 'mad' or a positive number, got ${describe(spread)}`);
  }
  const relativeFloor = options.relativeFloor ?? 0.25;
  if (!(typeof relativeFloor === 'number' && Number.isFinite(relativeFloor) && relativeFloor >= 0)) {
    throw new RangeError(`${FN}: relativeFloor must be a finite number ≥ 0, got ${describe(relativeFloor)}`);
  }
  const e = Float64Array.from(m.data as ArrayLike<number>);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(e[i])) throw new RangeError(`${FN}: map value ${e[i]} at index ${i} is not finite`);
    if (e[i] < min) min = e[i];
    if (e[i] > max) max = e[i];
  }
  const out = new Float32Array(n);
  const range = max - min;
  if (!(range > FLAT * Math.max(Math.abs(min), Math.abs(max)))) return out.fill(1);
  const spreadOf = typeof spread === 'number' ? spread : spread === 'mad' ? mad(e) : std(e);
  const s = temperature * Math.max(spreadOf, relativeFloor * Math.abs(median(e)), 1e-3 * range);
  for (let i = 0; i < n; i++) out[i] = Math.max(floor, Math.exp(-(e[i] - min) / s));
  return out;
}

/** Population standard deviation. */
function std(e: Float64Array): number {
  let mean = 0;
  for (let i = 0; i < e.length; i++) mean += e[i];
  mean /= e.length;
  let ss = 0;
  for (let i = 0; i < e.length; i++) ss += (e[i] - mean) ** 2;
  return Math.sqrt(ss / e.length);
}

function median(a: Float64Array): number {
  const s = Float64Array.from(a).sort();
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** 1.4826 × the median absolute deviation (consistent with the std for normal data). */
function mad(e: Float64Array): number {
  const med = median(e);
  return 1.4826 * median(e.map((v) => Math.abs(v - med)));
}
