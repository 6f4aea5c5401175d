// Threshold-limited brush (issue 14): paint only voxels inside an intensity window, preset from
// the viewer's window/level; checked on the demo T1.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { brushIndices } from '../../../../shared/annotation/tools/brush';
import { thresholdBrushIndices, thresholdFilter, windowLevelRange } from '../../../../shared/annotation/tools/thresholdBrush';
import { readNifti } from '../../../../shared/io/nifti';

describe('threshold-limited brush', () => {
  it('windowLevelRange: [level − width/2, level + width/2]', () => {
    expect(windowLevelRange(400, 40)).toEqual([-160, 240]);
    expect(windowLevelRange(0, 7)).toEqual([7, 7]);
    expect(() => windowLevelRange(-1, 0)).toThrow('windowLevelRange: width must be a finite number ≥ 0, got -1');
  });

  it('keeps exactly the voxels inside [lo, hi], both ends included, in order', () => {
    const image = Float32Array.of(0, 10, 20, 30, 40, 50);
    expect(Array.from(thresholdFilter(Uint32Array.of(0, 1, 2, 3, 4, 5), image, [10, 40]))).toEqual([1, 2, 3, 4]);
    expect(() => thresholdFilter(Uint32Array.of(0), image, [5, 1])).toThrow('thresholdFilter: range must be [lo, hi] with lo ≤ hi, got [5, 1]');
  });

  it('on the demo T1: a 10 mm ball limited to the window 100 ± 40 keeps every voxel in it and only those', () => {
    const t1 = readNifti(readFileSync('demo/data/ch2-2mm_t1.nii.gz'));
    const grid = { shape: t1.shape, spacing: t1.spacing };
    const options = { centre: [45, 54, 45] as const, radiusMm: 10 };
    const range = windowLevelRange(80, 100);
    const ball = brushIndices(grid, options);
    const limited = thresholdBrushIndices(grid, t1.data, options, range);
    const expected = Array.from(ball).filter((v) => t1.data[v] >= 60 && t1.data[v] <= 140);
    expect(Array.from(limited)).toEqual(expected);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.length).toBeLessThan(ball.length);
  });
});
