/**
 * IEEE 754 half precision (binary16) by hand: Node 20 has no `Float16Array`, and a prediction
 * cache stores probabilities as 16-bit patterns. Round to nearest, ties to even, like a hardware
 * conversion; subnormals are kept (the smallest positive value is 2⁻²⁴ ≈ 6.0e-8).
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The binary16 bit pattern nearest to `x` (as float32 first; ±Infinity past 65504, NaN stays NaN). */
export function toFloat16Bits(x: number): number {
  f32[0] = x;
  const b = u32[0];
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 112; // rebias 127 → 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000; // the implicit bit; the result is subnormal: mant · 2^(exp − 126) units of 2⁻²⁴
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rem > halfway || (rem === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa moves into the exponent, which is the correct rounding.
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

let table: Float32Array | null = null;

/** Every binary16 pattern's value, built once (256 KiB), so decoding a cache is one lookup per value. */
export function float16Table(): Float32Array {
  if (table) return table;
  table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h & 0x8000 ? -1 : 1;
    const e = (h >> 10) & 0x1f;
    const m = h & 0x3ff;
    table[h] = e === 0 ? s * m * 2 ** -24 : e === 0x1f ? (m ? NaN : s * Infinity) : s * (1 + m / 1024) * 2 ** (e - 15);
  }
  return table;
}

/** The value of a binary16 bit pattern. */
export function fromFloat16Bits(h: number): number {
  return float16Table()[h & 0xffff];
}
