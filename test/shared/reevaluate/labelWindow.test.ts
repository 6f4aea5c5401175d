import { describe, expect, it } from 'vitest';
import { copyLabelWindow } from '../../../shared/engine/inference/windowLabels';
import { planWindows } from '../../../shared/stitching/planWindows';
import { labelWindow } from '../../../shared/reevaluate/labelWindow';

describe('labelWindow (row-wise label window copy)', () => {
  it('equals copyLabelWindow on every window, with padding on some axes, in 2-D and 3-D', () => {
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
        const got = new Int32Array(size).fill(-1);
        copyLabelWindow(labels, shape, plan.padLow, plan.patchSize, w.start, want, 0);
        labelWindow(labels, shape, plan.padLow, plan.patchSize, w.start, got);
        expect(got).toEqual(want);
      }
    }
  });
});
