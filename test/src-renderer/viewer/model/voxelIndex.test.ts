import { describe, expect, it } from 'vitest';
import { normalAxis, voxelToWorld, worldToContinuousVoxel, worldToVoxel } from '../../../../src-renderer/viewer/model/voxelIndex';

// Columns in array order [k, j, i]: i → +x (R) 2 mm, j → +y (A) 3 mm, k → +z (S) 4 mm; origin (10, 20, 30) RAS.
const volume = {
  shape: [5, 6, 7],
  affine: [
    [0, 0, 2, 10],
    [0, 3, 0, 20],
    [4, 0, 0, 30],
    [0, 0, 0, 1],
  ],
};

const close = (got: readonly number[] | null, want: number[]) => {
  expect(got).not.toBeNull();
  got!.forEach((x, a) => expect(x).toBeCloseTo(want[a], 12));
};

describe('worldToContinuousVoxel', () => {
  it('is the voxel position of an LPS point without rounding', () => {
    // Voxel [1, 2, 3.5] is RAS (10 + 7, 20 + 6, 30 + 4) = LPS (−17, −26, 34).
    close(worldToContinuousVoxel(volume, [-17, -26, 34]), [1, 2, 3.5]);
    close(worldToContinuousVoxel(volume, voxelToWorld(volume, [4.25, 0.5, 6.2])), [4.25, 0.5, 6.2]);
    expect(worldToVoxel(volume, [-17, -26, 34])).toEqual([1, 2, 4]);
  });

  it('is null where the nearest voxel is outside the volume (half a voxel beyond the centres)', () => {
    const at = (i: number) => worldToContinuousVoxel(volume, voxelToWorld(volume, [2, 3, i]));
    close(at(-0.4), [2, 3, -0.4]);
    expect(at(-0.6)).toBeNull();
    close(at(6.4), [2, 3, 6.4]);
    expect(at(6.6)).toBeNull();
    expect(worldToContinuousVoxel(volume, voxelToWorld(volume, [5, 0, 0]))).toBeNull();
  });

  it('takes a precomputed inverse', () => {
    const inverse = [
      [0, 0, 0.25, -7.5],
      [0, 1 / 3, 0, -20 / 3],
      [0.5, 0, 0, -5],
    ];
    close(worldToContinuousVoxel(volume, [-17, -26, 34], inverse), [1, 2, 3.5]);
  });
});

describe('normalAxis', () => {
  it('is the array axis along a view normal (LPS), either direction', () => {
    expect(normalAxis(volume.affine, [0, 0, 1])).toBe(0); // S: k
    expect(normalAxis(volume.affine, [0, 0, -1])).toBe(0);
    expect(normalAxis(volume.affine, [0, 1, 0])).toBe(1); // P: j
    expect(normalAxis(volume.affine, [1, 0, 0])).toBe(2); // L: i
  });

  it('follows a permuted affine', () => {
    // k → x (R), j → z (S), i → y (A).
    const affine = [
      [1, 0, 0, 0],
      [0, 0, 1, 0],
      [0, 1, 0, 0],
    ];
    expect(normalAxis(affine, [1, 0, 0])).toBe(0);
    expect(normalAxis(affine, [0, 0, 1])).toBe(1);
    expect(normalAxis(affine, [0, -1, 0])).toBe(2);
  });

  it('picks the nearest axis of an oblique normal by direction, not by voxel size', () => {
    // k 1 mm along z, i 10 mm along x: a normal 0.95 along z and 0.3 along x is nearest to k,
    // though i's longer column would give the larger raw dot product (3 against 0.95).
    const affine = [
      [0, 0, 10, 0],
      [0, 1, 0, 0],
      [1, 0, 0, 0],
    ];
    expect(normalAxis(affine, [-0.3, 0, 0.95])).toBe(0);
    expect(normalAxis(affine, [-0.95, 0, 0.3])).toBe(2);
  });
});
