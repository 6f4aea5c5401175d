import { describe, expect, it } from 'vitest';
import { planWindows } from '../../../../shared/stitching/planWindows';
import { tilePatchMap } from '../../../../shared/engine/inference/tilePatchMap';
import { windowOutline } from '../../../../shared/engine/inference/windowOutline';
import { windowsAtVoxel } from '../../../../shared/engine/inference/windowsAtVoxel';

describe('windowsAtVoxel', () => {
  const plan = planWindows([10], { patchSize: 4, overlap: 0 }); // starts 0, 4, 6

  it('lists the windows whose box holds the voxel, in plan order, with the position in the patch', () => {
    expect(plan.windows.map((w) => w.start[0])).toEqual([0, 4, 6]);
    expect(windowsAtVoxel(plan, [2])).toEqual([{ index: 0, start: [0], positionInPatch: [2] }]);
    expect(windowsAtVoxel(plan, [7])).toEqual([
      { index: 1, start: [4], positionInPatch: [3] },
      { index: 2, start: [6], positionInPatch: [1] },
    ]);
    expect(windowsAtVoxel(plan, [9])).toEqual([{ index: 2, start: [6], positionInPatch: [3] }]);
  });

  it('counts the padding: a voxel of an image smaller than the patch sits padLow further in', () => {
    const small = planWindows([3], { patchSize: 5, overlap: 0 });
    expect(small.padLow).toEqual([1]);
    expect(windowsAtVoxel(small, [0])).toEqual([{ index: 0, start: [0], positionInPatch: [1] }]);
  });

  it('2-D: with overlap 0.5 an inner voxel is in four windows', () => {
    const p = planWindows([8, 8], { patchSize: 4, overlap: 0.5 }); // starts 0, 2, 4 per axis
    const w = windowsAtVoxel(p, [3, 4]);
    expect(w.map((x) => x.start)).toEqual([
      [0, 2],
      [0, 4],
      [2, 2],
      [2, 4],
    ]);
    expect(w.map((x) => x.positionInPatch)).toEqual([
      [3, 2],
      [3, 0],
      [1, 2],
      [1, 0],
    ]);
  });

  it('rejects a voxel outside the shape, naming the voxel and the shape', () => {
    expect(() => windowsAtVoxel(plan, [10])).toThrow(/windowsAtVoxel: voxel \[10\] .*shape \[10\]/);
    expect(() => windowsAtVoxel(plan, [1, 2])).toThrow(/voxel \[1,2\]/);
    expect(() => windowsAtVoxel(plan, [1.5])).toThrow(/voxel \[1.5\]/);
  });
});

describe('tilePatchMap', () => {
  it('places the map at every window and averages where windows overlap', () => {
    const plan = planWindows([10], { patchSize: 4, overlap: 0 });
    const tiled = tilePatchMap(plan, [10, 20, 30, 40]);
    // windows [0,4) [4,8) [6,10): voxel 6 = (30 + 10)/2, voxel 7 = (40 + 20)/2
    expect(Array.from(tiled)).toEqual([10, 20, 30, 40, 10, 20, 20, 30, 30, 40]);
  });

  it('2-D, image smaller than the patch: the padding is cropped away', () => {
    const plan = planWindows([2, 3], { patchSize: [4, 3], overlap: 0 }); // axis 0 padded by 1 low, 1 high
    const map = Float32Array.from({ length: 12 }, (_, i) => i);
    // image rows 0, 1 are patch rows 1, 2
    expect(Array.from(tilePatchMap(plan, map))).toEqual([3, 4, 5, 6, 7, 8]);
  });

  it('rejects a map of the wrong size', () => {
    const plan = planWindows([10], { patchSize: 4, overlap: 0 });
    expect(() => tilePatchMap(plan, [1, 2, 3])).toThrow(/tilePatchMap: map has 3 values but the patch \[4\] has 4/);
  });
});

describe('windowOutline', () => {
  it('1-D: 1 on the first and last voxel of every window', () => {
    const plan = planWindows([10], { patchSize: 4, overlap: 0 });
    expect(Array.from(windowOutline(plan))).toEqual([1, 0, 0, 1, 1, 0, 1, 1, 0, 1]);
  });

  it('2-D: one window draws its border, not its inside', () => {
    const plan = planWindows([4, 5], { patchSize: [4, 5], overlap: 0 });
    expect(Array.from(windowOutline(plan))).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
  });

  it('faces in the padding are not drawn', () => {
    const plan = planWindows([2], { patchSize: 4, overlap: 0 }); // frame voxels 1, 2 are the image
    expect(Array.from(windowOutline(plan))).toEqual([0, 0]);
  });
});
