// Window count cap and absurd sizes (issue 11 item 7): a patch/overlap that yields hundreds of
// thousands of windows was accepted, and `--patch 1e9` failed with "Invalid typed array length".
// On the old code planWindows/patchGrid built the whole list and slidingWindow reached the
// typed-array constructors, so every expectation of a refusal below fails there.
import { describe, expect, it } from 'vitest';
import { patchGrid, patchStarts, planWindows, slidingWindow, type Predictor } from '../../../shared/index';
import { MAX_PADDED_BYTES, MAX_WINDOWS } from '../../../shared/stitching/planWindows';
import { groupDigits } from '../../../shared/grid/windowLimits';

const identity: Predictor = (batch) => batch;

describe('the window count cap', () => {
  it('planWindows refuses more than 100 000 windows, from the per-axis counts: patch, overlap, count, shape, advice', () => {
    expect(MAX_WINDOWS).toBe(100_000);
    // 64³ with patch 2 and overlap 0.5: stride 1, 63 windows per axis, 250 047 in all
    expect(patchStarts(64, 2, 0.5)).toHaveLength(63);
    expect(() => planWindows([64, 64, 64], { patchSize: 2, overlap: 0.5 })).toThrow(
      new RangeError('planWindows: patch 2 with overlap 0.5 gives 250 047 windows on 64×64×64 (63 × 63 × 63; limit 100 000): use a larger patch or a smaller overlap'),
    );
    // the case: ~900 000 windows on a 256³ conformed head (patch 8, overlap 0.75 → stride 2, 125 per axis)
    expect(() => planWindows([256, 256, 256], { patchSize: 8, overlap: 0.75 })).toThrow(/gives 1 953 125 windows on 256×256×256 \(125 × 125 × 125; limit 100 000\)/);
    // per-axis patch and overlap are written per axis
    expect(() => planWindows([64, 64, 64], { patchSize: [2, 2, 1], overlap: [0.5, 0.5, 0] })).toThrow(
      'planWindows: patch 2×2×1 with overlap 0.5×0.5×0 gives 254 016 windows on 64×64×64 (63 × 63 × 64; limit 100 000)',
    );
  });

  it('at the limit is accepted; maxWindows raises (or lowers) it', () => {
    // 10 × 100 × 100 = 100 000 windows (patch 1, no overlap)
    expect(planWindows([10, 100, 100], { patchSize: 1, overlap: 0 }).windows).toHaveLength(100_000);
    expect(() => planWindows([10, 100, 101], { patchSize: 1, overlap: 0 })).toThrow(/gives 101 000 windows/);
    expect(planWindows([64, 64, 64], { patchSize: 2, overlap: 0.5, maxWindows: 300_000 }).windows).toHaveLength(250_047);
    expect(() => planWindows([8, 8, 8], { patchSize: 4, overlap: 0.5, maxWindows: 10 })).toThrow(/gives 27 windows on 8×8×8 \(3 × 3 × 3; limit 10\)/);
    expect(() => planWindows([8, 8, 8], { patchSize: 4, maxWindows: 0 })).toThrow('planWindows: maxWindows must be a positive number, got 0');
  });

  it('patchGrid has the same cap', () => {
    expect(() => patchGrid([64, 64, 64], 2, 0.5)).toThrow('patchGrid: patch 2 with overlap 0.5 gives 250 047 windows on 64×64×64 (63 × 63 × 63; limit 100 000): use a larger patch or a smaller overlap');
    expect(patchGrid([64, 64, 64], 2, 0.5, 'stride', { maxWindows: 250_047 })).toHaveLength(250_047);
    expect(patchGrid([7, 10], 4, 0.5)).toHaveLength(12);
  });

  it('slidingWindow refuses before calling the predictor', async () => {
    let calls = 0;
    const counting: Predictor = (b) => {
      calls++;
      return b;
    };
    await expect(slidingWindow({ data: new Float32Array(64 ** 3), shape: [64, 64, 64, 1] }, counting, { patchSize: 2, overlap: 0.5 })).rejects.toThrow(/gives 250 047 windows/);
    expect(calls).toBe(0);
  });
});

describe('absurd sizes never reach a typed-array constructor', () => {
  const image = { data: new Float32Array(8 * 9 * 10), shape: [8, 9, 10, 1] };

  it('a patch of 1e9 is refused by planWindows with the padded size and the limit', () => {
    expect(MAX_PADDED_BYTES).toBe(2 * 1024 ** 3);
    expect(() => planWindows([181, 217, 181], { patchSize: 1e9 })).toThrow(
      /^planWindows: patch 1000000000 on 181×217×181 pads the image to 1000000000×1000000000×1000000000: 4e\+27 bytes as float32, over the limit of 2 147 483 648 bytes: use a smaller patch/,
    );
    // 1024³ (the CLI's largest patch) on a smaller image: 4 GiB of padded float32
    expect(() => planWindows([181, 217, 181], { patchSize: 1024 })).toThrow(/pads the image to 1024×1024×1024: 4 294 967 296 bytes as float32, over the limit/);
    expect(planWindows([181, 217, 181], { patchSize: 256 }).paddedShape).toEqual([256, 256, 256]);
  });

  it('slidingWindow: patch 1e9 rejects with that message, not "Invalid typed array length"', async () => {
    const run = slidingWindow(image, identity, { patchSize: 1e9 });
    await expect(run).rejects.toThrow(/planWindows: patch 1000000000 on 8×9×10 pads the image/);
    await expect(slidingWindow(image, identity, { patchSize: [1e9, 4, 4] })).rejects.not.toThrow(/Invalid typed array length/);
  });

  it('slidingWindow: the channels, the batch and the predicted channels count against maxPaddedBytes', async () => {
    const frame = 8 * 9 * 10 * 4; // bytes of one float32 channel
    const three = { data: new Float32Array(8 * 9 * 10 * 3), shape: [8, 9, 10, 3] };
    await expect(slidingWindow(three, identity, { patchSize: 4, maxPaddedBytes: 2 * frame })).rejects.toThrow(
      `slidingWindow: patch 4 on 8×9×10: ${groupDigits(3 * frame)} bytes for 3 float32 channel(s), over the limit of ${groupDigits(2 * frame)} bytes`,
    );
    await expect(slidingWindow(image, identity, { patchSize: 8, batchSize: 1000, maxPaddedBytes: frame })).rejects.toThrow(
      /^slidingWindow: a batch of 4 window\(s\) of patch 8×8×8 × 1 channel\(s\) takes 8 192 bytes, over the limit of 2 880 bytes: use a smaller batch or patch$/,
    );
    // the predictor answers with 5 channels: refused before the 5-channel accumulator is allocated
    const five: Predictor = (b) => ({ data: new Float32Array(b.shape[0] * 64 * 5), shape: [b.shape[0], 4, 4, 4, 5] });
    await expect(slidingWindow(image, five, { patchSize: 4, maxPaddedBytes: 4 * frame })).rejects.toThrow(/for the 5 predicted float32 channel\(s\), over the limit/);
    const out = await slidingWindow(image, five, { patchSize: 4, maxPaddedBytes: 5 * frame });
    expect(out.shape).toEqual([8, 9, 10, 5]);
  });
});
