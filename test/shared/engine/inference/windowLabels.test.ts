import { describe, expect, it } from 'vitest';
import { copyLabelWindow } from '../../../../shared/engine/inference/windowLabels';
import { planWindows } from '../../../../shared/stitching/planWindows';

/** The window copy voxel by voxel (how copyLabelWindow was written before it copied rows): the reference. */
function perVoxelWindow(labels: Int32Array, shape: readonly number[], padLow: readonly number[], patch: readonly number[], start: readonly number[], dst: Int32Array): void {
  const nd = shape.length;
  const strides = shape.map((_, a) => shape.slice(a + 1).reduce((x, y) => x * y, 1));
  const n = patch.reduce((a, b) => a * b, 1);
  const idx = new Array<number>(nd).fill(0);
  for (let i = 0; i < n; i++) {
    let src = 0;
    for (let a = 0; a < nd && src >= 0; a++) {
      const c = start[a] + idx[a] - padLow[a];
      src = c < 0 || c >= shape[a] ? -1 : src + c * strides[a];
    }
    dst[i] = src < 0 ? 0 : labels[src];
    for (let a = nd - 1; a >= 0; a--) {
      if (++idx[a] < patch[a]) break;
      idx[a] = 0;
    }
  }
}

describe('copyLabelWindow (row-wise label window copy)', () => {
  it('equals the per-voxel copy on every window, with padding on some axes, in 2-D and 3-D', () => {
    for (const [shape, patch] of [
      [[9, 7, 5], [6, 6, 6]],
      [[4, 11, 13], [8, 5, 16]],
      [[10, 12], [4, 16]],
      [[3], [7]],
    ] as const) {
      const n = shape.reduce((a, b) => a * b, 1);
      const labels = Int32Array.from({ length: n }, (_, i) => 1 + (i % 5));
      const plan = planWindows([...shape], { patchSize: [...patch], overlap: 0.5 });
      const size = patch.reduce((a, b) => a * b, 1);
      for (const w of plan.windows) {
        const want = new Int32Array(size);
        const got = new Int32Array(size + 3).fill(-1);
        perVoxelWindow(labels, shape, plan.padLow, plan.patchSize, w.start, want);
        copyLabelWindow(labels, shape, plan.padLow, plan.patchSize, w.start, got, 3);
        expect(got.subarray(3)).toEqual(want);
        expect([...got.subarray(0, 3)]).toEqual([-1, -1, -1]); // nothing before the offset is written
      }
    }
  });
});
