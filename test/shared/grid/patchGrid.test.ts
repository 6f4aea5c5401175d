import { describe, expect, it } from 'vitest';
import { axisStarts, patchGrid } from '../../../shared/index';

describe('patchGrid', () => {
  it('lists all window starts row-major, last axis fastest', () => {
    expect(patchGrid([7, 10], 4, 0.5)).toEqual([
      [0, 0], [0, 2], [0, 4], [0, 6],
      [2, 0], [2, 2], [2, 4], [2, 6],
      [3, 0], [3, 2], [3, 4], [3, 6],
    ]);
  });

  it('accepts per-axis patch sizes, overlaps and placements', () => {
    expect(axisStarts([13, 10, 110], [4, 4, 64], [0.5, 0, 0.5], ['spread', 'stride', 'spread'])).toEqual([
      [0, 2, 4, 5, 7, 9],
      [0, 4, 6],
      [0, 23, 46],
    ]);
    expect(patchGrid([13, 10, 110], [4, 4, 64], [0.5, 0, 0.5], ['spread', 'stride', 'spread'])).toHaveLength(6 * 3 * 3);
  });

  it('names the axis and the argument in errors', () => {
    expect(() => patchGrid([10, 10], [4, 4, 4], 0.5)).toThrow(/patchGrid: patchSize has 3 entries but the shape has 2 axes/);
    expect(() => patchGrid([10, 10], 4, [0.5, 1])).toThrow(/patchGrid: axis 1: patchStarts: overlap/);
    expect(() => patchGrid([10, 0], 4, 0.5)).toThrow(/patchGrid: shape\[1\] must be a positive integer/);
  });
});
