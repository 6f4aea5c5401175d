// The annotation grid helpers (issue 14): the Volume convention (axis 2 fastest), sorted unique
// index lists, and grid checks that say what was wrong.
import { describe, expect, it } from 'vitest';
import { assertGrid, flatIndex, inPlaneAxes, sortedUnique, voxelOf } from '../../../shared/annotation/labelGrid';

describe('labelGrid', () => {
  it('flatIndex and voxelOf are inverse, axis 2 fastest', () => {
    const shape = [3, 4, 5];
    expect(flatIndex(shape, 0, 0, 1)).toBe(1);
    expect(flatIndex(shape, 0, 1, 0)).toBe(5);
    expect(flatIndex(shape, 1, 0, 0)).toBe(20);
    for (let v = 0; v < 60; v++) expect(flatIndex(shape, ...voxelOf(shape, v))).toBe(v);
    expect(inPlaneAxes(0)).toEqual([1, 2]);
    expect(inPlaneAxes(1)).toEqual([0, 2]);
    expect(inPlaneAxes(2)).toEqual([0, 1]);
  });

  it('sortedUnique sorts numerically and drops repeats; returns a copy', () => {
    const input = [10, 2, 300, 2, 10, 0];
    expect(Array.from(sortedUnique(input))).toEqual([0, 2, 10, 300]);
    const sorted = Uint32Array.of(1, 5, 9);
    const out = sortedUnique(sorted);
    expect(Array.from(out)).toEqual([1, 5, 9]);
    expect(out).not.toBe(sorted);
    expect(sortedUnique([]).length).toBe(0);
  });

  it('assertGrid names the bad field', () => {
    expect(assertGrid('f', { shape: [2, 3, 4], spacing: [1, 1, 1] })).toBe(24);
    expect(() => assertGrid('f', { shape: [2, 3, 0], spacing: [1, 1, 1] })).toThrow('f: grid.shape must be three positive integers [n0, n1, n2], got [2, 3, 0]');
    expect(() => assertGrid('f', { shape: [2, 3, 4], spacing: [1, 0, 1] })).toThrow('f: grid.spacing must be three positive finite numbers in mm, got [1, 0, 1]');
    expect(() => assertGrid('f', { shape: [2, 3, 4], spacing: [1, 1, 1] }, new Uint8Array(5))).toThrow('f: labels has 5 values but the grid 2×3×4 has 24 voxels');
  });
});
