import { describe, expect, it } from 'vitest';
import { colourBytes, colourDomain, colourScaleOptions, divergingDomain } from '../../../shared/charts/colourScale';

// ColorBrewer RdBu (Plot's `rdbu`): #67001f dark red, #053061 dark blue; its interpolated midpoint is a light warm grey.
const RED_END: [number, number, number] = [103, 0, 31];
const BLUE_END: [number, number, number] = [5, 48, 97];
const MIDPOINT: [number, number, number] = [242, 239, 238];

describe('colour scale', () => {
  it('makes the diverging domain symmetric about zero: [−m, m] with m = max |value|', () => {
    expect(divergingDomain([-0.25, 0.5])).toEqual([-0.5, 0.5]);
    expect(divergingDomain([-2, -1])).toEqual([-2, 2]);
    expect(divergingDomain([0.1, 0.3])).toEqual([-0.3, 0.3]);
    // All zero: a stand-in [−1, 1], so every value sits at the midpoint.
    expect(divergingDomain([0, 0])).toEqual([-1, 1]);
    expect(() => divergingDomain([NaN, 1])).toThrow('divergingDomain: the range must be two finite numbers, got [NaN, 1]');
    expect(() => divergingDomain([0, Infinity])).toThrow(RangeError);
  });

  it('colours −m, 0 and +m with the blue end, the midpoint and the red end of reversed RdBu', () => {
    const colour = colourBytes([-0.25, 0.5], true);
    expect(colour(-0.5)).toEqual(BLUE_END);
    expect(colour(0)).toEqual(MIDPOINT);
    expect(colour(0.5)).toEqual(RED_END);
    // The range's own minimum (−0.25) is halfway to blue, not the blue end: the domain is symmetric.
    const half = colour(-0.25);
    expect(half[2]).toBeGreaterThan(half[0]);
    expect(half).not.toEqual(BLUE_END);
    // Zero is the lightest colour; both arms darken toward their ends.
    const light = (v: number) => colour(v).reduce((a, b) => a + b, 0);
    for (const side of [-1, 1]) {
      expect(light(0)).toBeGreaterThan(light(side * 0.125));
      expect(light(side * 0.125)).toBeGreaterThan(light(side * 0.5));
    }
  });

  it('draws an all-zero map in the neutral midpoint', () => {
    const colour = colourBytes([0, 0], true);
    expect(colour(0)).toEqual(MIDPOINT);
    expect(colour(-0)).toEqual(MIDPOINT);
  });

  it('keeps viridis over [min, max] when not diverging', () => {
    expect(colourScaleOptions([0.25, 0.75])).toEqual({ type: 'linear', scheme: 'viridis', domain: [0.25, 0.75] });
    expect(colourScaleOptions([2, 2])).toEqual({ type: 'linear', scheme: 'viridis', domain: colourDomain([2, 2]) });
    expect(colourScaleOptions([-1, 3], true)).toEqual({ type: 'linear', scheme: 'rdbu', reverse: true, domain: [-3, 3] });
    // viridis: dark purple at the low end, yellow at the high end.
    expect(colourBytes([0, 1])(0)).toEqual([68, 1, 84]);
    expect(colourBytes([0, 1])(1)).toEqual([253, 231, 37]);
  });
});
