import { describe, expect, it } from 'vitest';
import { fromFloat16Bits, toFloat16Bits } from '../../../shared/reevaluate/float16';
import { mulberry32 } from '../../../shared/util/mulberry32';

describe('float16 (binary16 by hand)', () => {
  it('known patterns, subnormals, ties to even, overflow', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [-0, 0x8000],
      [1, 0x3c00],
      [0.5, 0x3800],
      [-2, 0xc000],
      [65504, 0x7bff],
      [65520, 0x7c00], // halfway past the largest finite value: to even, which is Infinity
      [1e6, 0x7c00],
      [2 ** -14, 0x0400], // smallest normal
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // halfway to 2⁻²⁴: ties to even (0)
      [3 * 2 ** -25, 0x0002], // halfway between 1 and 2 units: to even (2)
      [1 + 2 ** -11, 0x3c00], // halfway above 1: to even (1)
      [1 + 3 * 2 ** -11, 0x3c02],
      [1 / 3, 0x3555],
    ];
    for (const [x, bits] of cases) expect(toFloat16Bits(x), `${x}`).toBe(bits);
    expect(toFloat16Bits(NaN) & 0x7c00).toBe(0x7c00);
    expect(Number.isNaN(fromFloat16Bits(0x7e00))).toBe(true);
    expect(fromFloat16Bits(0x7c00)).toBe(Infinity);
    expect(fromFloat16Bits(0x3555)).toBe(0.333251953125);
    expect(fromFloat16Bits(0x0001)).toBe(2 ** -24);
  });

  it('every pattern round-trips, and random probabilities land within half a unit', () => {
    for (let h = 0; h < 0x7c00; h++) expect(toFloat16Bits(fromFloat16Bits(h))).toBe(h);
    const rand = mulberry32(5);
    for (let i = 0; i < 20000; i++) {
      const p = rand() ** 4;
      const back = fromFloat16Bits(toFloat16Bits(p));
      // half a unit in the last place: 2⁻¹¹·p for normals, 2⁻²⁵ in the subnormal range
      expect(Math.abs(back - p)).toBeLessThanOrEqual(Math.max(p * 2 ** -11, 2 ** -25));
    }
  });
});
