import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { patchInterval, patchStarts } from '../../../shared/index';

describe('patchStarts (MONAI/TorchIO stride, nnU-Net spread)', () => {
  it.each([
    [7, 4, 0.5, [0, 2, 3]],
    [10, 4, 0.5, [0, 2, 4, 6]],
    [10, 4, 0, [0, 4, 6]],
    [110, 64, 0.5, [0, 32, 46]],
  ])('stride (%i, %i, %f) -> %j', (len, p, o, want) => {
    expect(patchStarts(len, p, o, 'stride')).toEqual(want);
    expect(patchStarts(len, p, o)).toEqual(want);
  });

  it.each([
    [7, 4, 0.5, [0, 2, 3]],
    [13, 4, 0.5, [0, 2, 4, 5, 7, 9]],
    [110, 64, 0.5, [0, 23, 46]],
  ])('spread (%i, %i, %f) -> %j', (len, p, o, want) => {
    expect(patchStarts(len, p, o, 'spread')).toEqual(want);
  });

  it('uses float64 arithmetic like MONAI: trunc(20·(1−0.8)) = 3', () => {
    expect(patchStarts(30, 20, 0.8)).toEqual([0, 3, 6, 9, 10]);
    expect(patchInterval(30, 20, 0.8)).toBe(3);
  });

  it('gives [0] when the patch is at least as long as the axis', () => {
    expect(patchStarts(5, 5, 0.5)).toEqual([0]);
    expect(patchStarts(5, 8, 0.5, 'spread')).toEqual([0]);
  });

  it('keeps the interval at least 1 for overlaps close to 1', () => {
    expect(patchStarts(6, 4, 0.99)).toEqual([0, 1, 2]);
  });

  it('rejects bad arguments with errors naming them', () => {
    expect(() => patchStarts(10, 4, 1)).toThrow(/patchStarts: overlap must be a number in \[0, 1\), got 1/);
    expect(() => patchStarts(10, 4, -0.1)).toThrow(/overlap/);
    expect(() => patchStarts(10, 4, Number.NaN)).toThrow(/overlap/);
    expect(() => patchStarts(10, 0, 0.5)).toThrow(/patchStarts: patchSize must be a positive integer, got 0/);
    expect(() => patchStarts(0, 4, 0.5)).toThrow(/length must be a positive integer/);
    expect(() => patchStarts(10, 2.5, 0.5)).toThrow(/patchSize/);
    // @ts-expect-error invalid placement on purpose
    expect(() => patchStarts(10, 4, 0.5, 'random')).toThrow(/placement must be one of stride, spread, got "random"/);
  });

  it('property: starts are increasing, in range, start at 0, end at length − patch, and cover every voxel', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 1, max: 80 }),
        fc.double({ min: 0, max: 0.95, noNaN: true }),
        fc.constantFrom('stride' as const, 'spread' as const),
        (len, p, o, placement) => {
          const s = patchStarts(len, p, o, placement);
          expect(s[0]).toBe(0);
          expect(s[s.length - 1]).toBe(Math.max(0, len - p));
          for (let i = 1; i < s.length; i++) {
            expect(s[i]).toBeGreaterThan(s[i - 1]);
            expect(s[i] - s[i - 1]).toBeLessThanOrEqual(p); // no gaps between windows
            expect(s[i] - s[i - 1]).toBeLessThanOrEqual(patchInterval(len, p, o, placement));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
