// Scissors (issue 14): rectangle, circle and freehand polygon on a slice of each view, decided
// on voxel centres.
import { describe, expect, it } from 'vitest';
import { circleIndices, polygonIndices, rectangleIndices } from '../../../../shared/annotation/tools/scissors';
import { brushIndices } from '../../../../shared/annotation/tools/brush';
import { flatIndex, voxelOf } from '../../../../shared/annotation/labelGrid';

const grid = { shape: [8, 9, 10], spacing: [1, 1, 1] };

/** [u, v] of each index on a slice normal to `axis`. */
const uv = (indices: Uint32Array, axis: number) =>
  Array.from(indices, (i) => voxelOf(grid.shape, i).filter((_, d) => d !== axis));

describe('scissors', () => {
  it('rectangle: voxel centres inside the corners, edges included, clipped, on every view', () => {
    const r = rectangleIndices(grid, { axis: 0, index: 3 }, [1.5, 2], [3, 0.2]);
    expect(uv(r, 0)).toEqual([[2, 1], [2, 2], [3, 1], [3, 2]]);
    expect(Array.from(r).every((i) => voxelOf(grid.shape, i)[0] === 3)).toBe(true);
    expect(rectangleIndices(grid, { axis: 1, index: 0 }, [-5, -5], [50, 50]).length).toBe(8 * 10);
    expect(rectangleIndices(grid, { axis: 2, index: 9 }, [0, 0], [7, 8]).length).toBe(8 * 9);
    const sorted = rectangleIndices(grid, { axis: 1, index: 4 }, [0, 0], [7, 9]);
    expect(Array.from(sorted).every((v, k) => k === 0 || v > sorted[k - 1])).toBe(true);
  });

  it('circle: the brush disc on the slice, radius in mm', () => {
    const c = circleIndices(grid, { axis: 1, index: 4 }, [3, 5], 2.5);
    expect(Array.from(c)).toEqual(Array.from(brushIndices(grid, { centre: [3, 4, 5], radiusMm: 2.5, axis: 1 })));
    expect(c.length).toBe(21);
  });

  it('polygon: a triangle, and an L shape (concave) on voxel centres', () => {
    const tri = polygonIndices(grid, { axis: 2, index: 5 }, [[0, 0], [4, 0], [0, 4]]);
    // centres with u ≥ 0, v ≥ 0, u + v ≤ 4, on the half-open scan rule (u = 4 is the apex row: out)
    expect(uv(tri, 2)).toEqual([
      [0, 0], [0, 1], [0, 2], [0, 3], [0, 4],
      [1, 0], [1, 1], [1, 2], [1, 3],
      [2, 0], [2, 1], [2, 2],
      [3, 0], [3, 1],
    ]);
    const ell = polygonIndices(grid, { axis: 0, index: 2 }, [[0.5, 0.5], [5.5, 0.5], [5.5, 2.5], [2.5, 2.5], [2.5, 6.5], [0.5, 6.5]]);
    const cells = uv(ell, 0).map(([u, v]) => `${u},${v}`);
    expect(cells.length).toBe(2 * 6 + 3 * 2); // rows u=1,2: v 1..6; rows u=3,4,5: v 1..2
    expect(cells).toContain('1,6');
    expect(cells).not.toContain('3,3');
    expect(Array.from(ell).every((i) => voxelOf(grid.shape, i)[0] === 2)).toBe(true);
    expect(ell[0]).toBe(flatIndex(grid.shape, 2, 1, 1));
  });

  it('names bad input', () => {
    expect(() => rectangleIndices(grid, { axis: 3 as never, index: 0 }, [0, 0], [1, 1])).toThrow('rectangleIndices: slice.axis must be 0, 1 or 2, got 3');
    expect(() => rectangleIndices(grid, { axis: 0, index: 8 }, [0, 0], [1, 1])).toThrow('rectangleIndices: slice.index must be an integer in [0, 8) along axis 0, got 8');
    expect(() => polygonIndices(grid, { axis: 0, index: 0 }, [[0, 0], [1, 1]])).toThrow('polygonIndices: points must be at least three [u, v] points, got 2');
    expect(() => polygonIndices(grid, { axis: 0, index: 0 }, [[0, 0], [1, 1], [NaN, 1]])).toThrow('polygonIndices: points[2] must be a point [u, v] of two finite numbers, got [NaN, 1]');
  });
});
