// stitchWindows: sliding-window inference over a plan made beforehand (issue 13: the window plan
// was computed twice, in runOnGrid and again in slidingWindow; now the caller plans once).
import { describe, expect, it } from 'vitest';
import { planWindows, slidingWindow, type NdArray, type PatchWindow } from '../../../shared/index';
import { stitchWindows } from '../../../shared/stitching/slidingWindow';

/** An image whose value is its flat index. */
function ramp(shape: number[]): NdArray {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, (_, i) => i), shape };
}

describe('stitchWindows', () => {
  it("hands the predictor the plan's own windows and stitches what slidingWindow stitches", async () => {
    const input = ramp([7, 10, 1]);
    const plan = planWindows([7, 10], { patchSize: 4, overlap: 0.5 });
    const seen: PatchWindow[] = [];
    const byIndex = (b: NdArray, w: PatchWindow[]) => ({ data: new Float32Array(b.data.length).map((_, i) => w[Math.floor(i / 16)].index + 1), shape: b.shape });
    const out = await stitchWindows(input, plan, (b, w) => (seen.push(...w), byIndex(b, w)), { batchSize: 2, blend: 'constant' });
    expect(seen).toHaveLength(plan.windows.length);
    seen.forEach((w, i) => expect(w).toBe(plan.windows[i]));
    const again = await slidingWindow(input, byIndex, { patchSize: 4, overlap: 0.5, batchSize: 2, blend: 'constant' });
    expect(Array.from(out.data)).toEqual(Array.from(again.data));
    expect(Array.from(out.data.subarray(0, 10))).toEqual([1, 1, 1.5, 1.5, 2.5, 2.5, 3.5, 3.5, 4, 4]);
  });

  it('refuses a plan made for another shape, naming both shapes', async () => {
    const plan = planWindows([7, 9], { patchSize: 4, overlap: 0.5 });
    await expect(stitchWindows(ramp([7, 10, 1]), plan, (b) => b)).rejects.toThrow('slidingWindow: the plan is for shape [7, 9] but the input\'s spatial shape is [7, 10]');
  });

  it("slidingWindow's default overlap is shared/settings' 0.5: 3 windows per axis of 8 with patch 4", () => {
    expect(planWindows([8, 8], { patchSize: 4 }).starts).toEqual([[0, 2, 4], [0, 2, 4]]);
  });
});
