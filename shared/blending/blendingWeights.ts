import { assertShape, describe, perAxis, product } from '../util/validate';

/** Weight-map modes that `blendingWeights` computes. */
export type WeightMode = 'constant' | 'gaussian' | 'gaussian-nnunet' | 'hann';

/** The modes `blendingWeights` understands. */
export const WEIGHT_MODES: readonly WeightMode[] = ['constant', 'gaussian', 'gaussian-nnunet', 'hann'];

/** Options of `blendingWeights`. */
export interface BlendingOptions {
  /** σ as a fraction of the patch size, one for all axes or one per axis (default 0.125: MONAI's and nnU-Net's 1/8). */
  sigmaScale?: number | readonly number[];
}

/** MONAI's floor for gaussian weights (`sliding_window_inference` clamps the importance map at 1e-3). */
const MONAI_MIN_WEIGHT = 1e-3;

/**
 * The weight map of one patch for blending overlapping windows, row-major in the patch shape.
 *
 * - `constant`: ones (MONAI's and TorchIO's `average`).
 * - `gaussian` (MONAI `compute_importance_map`): per axis exp(−(i − (P−1)/2)² / (2σ²)) with
 *   σ = sigmaScale·P, the product over axes, then every value below 1e-3 raised to 1e-3.
 * - `gaussian-nnunet` (nnU-Net v2 `compute_gaussian`): centred at floor(P/2), σ = sigmaScale·P,
 *   truncated at scipy's radius floor(4σ + 0.5), scaled so the peak is 10, in float32 (nnU-Net
 *   uses float16), zeros replaced by the smallest non-zero value.
 * - `hann` (TorchIO `hann`): sin²(π(k+1)/(P+1)) per axis, the product over axes.
 *
 * @param patchSize patch length (1-D) or patch shape, slowest axis first
 * @param mode one of {@link WEIGHT_MODES}
 * @param options σ for the gaussian modes
 */
export function blendingWeights(patchSize: number | readonly number[], mode: WeightMode, options: BlendingOptions = {}): Float32Array {
  const { profiles, scale } = resolveProfiles('blendingWeights', patchSize, mode, options);
  const weights = outerProduct(profiles, scale);
  if (mode === 'gaussian') {
    for (let i = 0; i < weights.length; i++) if (weights[i] < MONAI_MIN_WEIGHT) weights[i] = MONAI_MIN_WEIGHT;
  } else if (mode === 'gaussian-nnunet') {
    replaceZerosWithMinimum(weights);
  }
  return weights;
}

/**
 * The per-axis profiles whose outer product is `blendingWeights(patchSize, mode, options)`
 * (up to float32 rounding), or null when the map is not separable (MONAI's floor or nnU-Net's
 * zero replacement changed some value). The first profile carries the scale (10 for nnU-Net).
 * Stitching uses it to get the summed weights per axis instead of per voxel.
 */
export function separableProfiles(patchSize: number | readonly number[], mode: WeightMode, options: BlendingOptions = {}): Float64Array[] | null {
  const { profiles, scale } = resolveProfiles('blendingWeights', patchSize, mode, options);
  let smallest = scale;
  for (const p of profiles) smallest *= Math.min(...p);
  if (mode === 'gaussian' && Math.fround(smallest) < MONAI_MIN_WEIGHT) return null;
  if (mode === 'gaussian-nnunet' && !(Math.fround(smallest) > 0)) return null;
  const first = profiles[0].map((v) => v * scale);
  return [first, ...profiles.slice(1)];
}

/** Validates the arguments and computes every axis's 1-D profile. */
function resolveProfiles(fn: string, patchSize: number | readonly number[], mode: WeightMode, options: BlendingOptions): { profiles: Float64Array[]; scale: number } {
  const shape = typeof patchSize === 'number' ? [patchSize] : [...patchSize];
  assertShape(fn, 'patchSize', shape);
  if (!WEIGHT_MODES.includes(mode)) {
    throw new RangeError(`${fn}: mode must be one of ${WEIGHT_MODES.join(', ')}, got ${describe(mode)}`);
  }
  const sigmaScale = perAxis(fn, 'sigmaScale', options.sigmaScale ?? 0.125, shape.length);
  sigmaScale.forEach((s, a) => {
    if (!(typeof s === 'number' && Number.isFinite(s) && s > 0)) {
      throw new RangeError(`${fn}: sigmaScale[${a}] must be a positive number, got ${describe(s)}`);
    }
  });
  return { profiles: shape.map((p, a) => axisProfile(p, mode, sigmaScale[a])), scale: mode === 'gaussian-nnunet' ? 10 : 1 };
}

/** One axis's 1-D profile in float64. */
function axisProfile(p: number, mode: WeightMode, sigmaScale: number): Float64Array {
  const out = new Float64Array(p);
  const sigma = sigmaScale * p;
  for (let i = 0; i < p; i++) {
    switch (mode) {
      case 'constant':
        out[i] = 1;
        break;
      case 'gaussian': {
        const x = i - (p - 1) / 2;
        out[i] = Math.exp((x * x) / (-2 * sigma * sigma));
        break;
      }
      case 'gaussian-nnunet': {
        const d = i - Math.floor(p / 2);
        // scipy.ndimage.gaussian_filter truncates its kernel at radius int(4σ + 0.5).
        const radius = Math.floor(4 * sigma + 0.5);
        out[i] = Math.abs(d) > radius ? 0 : Math.exp((d * d) / (-2 * sigma * sigma));
        break;
      }
      case 'hann': {
        const s = Math.sin((Math.PI * (i + 1)) / (p + 1));
        out[i] = s * s;
        break;
      }
    }
  }
  return out;
}

/** Row-major outer product of per-axis profiles, times `scale`, rounded to float32. */
function outerProduct(profiles: Float64Array[], scale: number): Float32Array {
  const n = product(profiles.map((p) => p.length));
  const out = new Float32Array(n);
  let current = Float64Array.of(scale);
  for (const prof of profiles) {
    const next = new Float64Array(current.length * prof.length);
    for (let i = 0; i < current.length; i++) {
      const c = current[i];
      const base = i * prof.length;
      for (let j = 0; j < prof.length; j++) next[base + j] = c * prof[j];
    }
    current = next;
  }
  out.set(current);
  return out;
}

/** nnU-Net: `gaussian[gaussian == 0] = gaussian[gaussian != 0].min()`. */
function replaceZerosWithMinimum(weights: Float32Array): void {
  let min = Infinity;
  for (const w of weights) if (w > 0 && w < min) min = w;
  if (!Number.isFinite(min)) return;
  for (let i = 0; i < weights.length; i++) if (weights[i] === 0) weights[i] = min;
}
