import type * as tf from '@tensorflow/tfjs-core';
import { MODEL_LIMITS } from './modelLimits';
import type { WeightsGroup } from './modelJson';
import { storedBytesPerElement } from './weightData';

/** Weight dtypes tfjs can decode (`tf.io.decodeWeights`). */
const DTYPES = new Set(['float32', 'int32', 'bool', 'complex64', 'string']);
/** Stored types of quantized weights, and their largest stored integer. */
const QUANTIZED: Record<string, number | null> = { uint8: 255, uint16: 65_535, float16: null };
/** The largest finite float32. */
const FLOAT32_MAX = 3.4028234663852886e38;

/** Elements of a shape (its product). */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((p, s) => p * s, 1);
}

/**
 * Checks every weight that `weightsManifest` lists: a dtype tfjs decodes, a shape whose element
 * count is at most `MODEL_LIMITS.weightElements`, a name listed once, and for a quantized weight
 * a known stored type and a `scale` / `min` whose dequantized values are finite float32s (a
 * quantized weight is `q · scale + min` with an integer `q`, so it can hold no NaN: only its
 * parameters can break it). Shapes themselves (non-negative integers) are checked by `readModelJson`.
 * @throws naming `fn` and the weight.
 */
export function validateWeightsManifest(fn: string, manifest: readonly WeightsGroup[]): void {
  const seen = new Set<string>();
  for (const group of manifest) {
    for (const w of group.weights) {
      const what = `weight "${w.name}"`;
      if (seen.has(w.name)) throw new TypeError(`${fn}: ${what} is listed twice in model.json's weightsManifest`);
      seen.add(w.name);
      if (!DTYPES.has(w.dtype as string)) throw new TypeError(`${fn}: ${what} has dtype ${JSON.stringify(w.dtype)}; tfjs decodes ${[...DTYPES].join(', ')}`);
      const n = elementCount(w.shape);
      if (n > MODEL_LIMITS.weightElements)
        throw new RangeError(`${fn}: ${what} has shape [${w.shape}] (${n} elements); at most ${MODEL_LIMITS.weightElements} elements are supported`);
      const q = w.quantization as Record<string, unknown> | null | undefined;
      // null is "not quantized" to tfjs (`quantization != null`); anything else must be an object.
      if (q === undefined || q === null) continue;
      if (typeof q !== 'object' || Array.isArray(q)) throw new TypeError(`${fn}: ${what} has quantization ${JSON.stringify(q)}; it must be an object such as { "dtype": "uint8", "scale": …, "min": … }`);
      const qtype = String(q.dtype);
      if (!(qtype in QUANTIZED)) throw new TypeError(`${fn}: ${what} is quantized as ${JSON.stringify(q.dtype)}; tfjs reads uint8, uint16 and float16`);
      if (w.dtype !== 'float32' && w.dtype !== 'int32') throw new TypeError(`${fn}: ${what} is quantized but has dtype ${w.dtype}; a quantized weight is float32 or int32`);
      const top = QUANTIZED[qtype];
      if (top === null) continue; // float16: the values themselves are scanned by checkFiniteWeights
      const { scale, min } = q;
      if (typeof scale !== 'number' || typeof min !== 'number' || !Number.isFinite(scale) || !Number.isFinite(min))
        throw new RangeError(`${fn}: ${what} is quantized as ${qtype} without a finite scale and min (got scale ${String(scale)}, min ${String(min)})`);
      const largest = Math.max(Math.abs(min), Math.abs(min + scale * top));
      if (largest > FLOAT32_MAX)
        throw new RangeError(`${fn}: ${what} dequantizes to ±Infinity (min ${min} + scale ${scale} · ${top} is beyond float32's range)`);
    }
  }
}

/** Non-finite values found in one weight. */
interface BadWeight {
  name: string;
  nan: number;
  inf: number;
  of: number;
}

/** Counts NaN and ±Infinity among `n` float32s at `offset` (any alignment). */
function scanFloat32(data: ArrayBuffer, offset: number, n: number): { nan: number; inf: number } {
  const values = offset % 4 === 0 ? new Float32Array(data, offset, n) : new Float32Array(data.slice(offset, offset + 4 * n));
  let nan = 0;
  let inf = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    // v − v is 0 for every finite v and NaN for NaN and ±Infinity: one comparison on the fast path.
    if (v - v !== 0) {
      if (v !== v) nan++;
      else inf++;
    }
  }
  return { nan, inf };
}

/** Counts NaN and ±Infinity among `n` IEEE half floats at `offset` (exponent bits all ones). */
function scanFloat16(data: ArrayBuffer, offset: number, n: number): { nan: number; inf: number } {
  const halves = offset % 2 === 0 ? new Uint16Array(data, offset, n) : new Uint16Array(data.slice(offset, offset + 2 * n));
  let nan = 0;
  let inf = 0;
  for (let i = 0; i < n; i++) {
    const h = halves[i];
    if ((h & 0x7c00) === 0x7c00) {
      if ((h & 0x03ff) !== 0) nan++;
      else inf++;
    }
  }
  return { nan, inf };
}

/** Bytes of `n` tfjs-encoded strings at `offset` (each a uint32 little-endian length, then the bytes). */
function stringBytes(data: ArrayBuffer, offset: number, n: number): number {
  const view = new DataView(data);
  let at = offset;
  for (let i = 0; i < n && at + 4 <= data.byteLength; i++) at += 4 + view.getUint32(at, true);
  return at - offset;
}

/**
 * Scans the float weights (float32, complex64, and float16-quantized) for NaN and ±Infinity:
 * a model with such a weight predicts NaN everywhere it reaches, and tfjs loads it without a word.
 * Integer, bool and uint8/uint16-quantized weights cannot hold NaN (see `validateWeightsManifest`
 * for the quantization parameters). One pass over the weight bytes.
 * @param specs every weight, in the order of `data` (`concatWeights`)
 * @throws naming `fn`, the first broken weight and its counts (and how many other weights are broken).
 */
export function checkFiniteWeights(fn: string, specs: readonly tf.io.WeightsManifestEntry[], data: ArrayBuffer): void {
  const bad: BadWeight[] = [];
  let offset = 0;
  for (const w of specs) {
    const n = elementCount(w.shape);
    const q = w.quantization?.dtype;
    const end = Math.min(data.byteLength, offset + n * (storedBytesPerElement(w) ?? 0));
    let found: { nan: number; inf: number } | null = null;
    if (w.dtype === 'string') {
      offset += stringBytes(data, offset, n);
      continue;
    }
    if (q === 'float16') found = scanFloat16(data, offset, Math.floor((end - offset) / 2));
    else if (q === undefined && (w.dtype === 'float32' || w.dtype === 'complex64')) found = scanFloat32(data, offset, Math.floor((end - offset) / 4));
    if (found && found.nan + found.inf > 0) bad.push({ name: w.name, ...found, of: n });
    offset = end;
  }
  if (bad.length === 0) return;
  const b = bad[0];
  const counts = [b.nan > 0 ? `${b.nan} NaN` : '', b.inf > 0 ? `${b.inf} ±Infinity` : ''].filter(Boolean).join(' and ');
  const more = bad.length > 1 ? ` (and ${bad.length - 1} more weight${bad.length > 2 ? 's' : ''}: ${bad.slice(1, 4).map((x) => `"${x.name}"`).join(', ')}${bad.length > 4 ? ', …' : ''})` : '';
  throw new RangeError(`${fn}: weight "${b.name}" holds ${counts} value(s) of ${b.of}${more}: the model's weights are broken`);
}
