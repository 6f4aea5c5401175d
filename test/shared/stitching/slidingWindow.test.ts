import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { blendingWeights, patchGrid, planWindows, slidingWindow, type NdArray, type Predictor } from '../../../shared/index';

const identity: Predictor = (batch) => batch;

/** An image whose value is its flat index. */
function ramp(shape: number[]): NdArray {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, (_, i) => i), shape };
}

describe('slidingWindow', () => {
  it('the issue check: 7×10, patch 4×4, overlap 0.5, stride, constant, predictor = window number', async () => {
    const input = ramp([7, 10, 1]);
    const before = input.data.slice();
    const out = await slidingWindow(
      input,
      (batch, windows) => ({
        data: new Float32Array(batch.data.length).map((_, i) => windows[Math.floor(i / 16)].index + 1),
        shape: batch.shape,
      }),
      { patchSize: [4, 4], overlap: 0.5, placement: 'stride', blend: 'constant' },
    );
    expect(out.shape).toEqual([7, 10, 1]);
    const rows = Array.from({ length: 7 }, (_, r) => Array.from(out.data.subarray(r * 10, r * 10 + 10)));
    const a = [1, 1, 1.5, 1.5, 2.5, 2.5, 3.5, 3.5, 4, 4];
    expect(rows[0]).toEqual(a);
    expect(rows[1]).toEqual(a);
    expect(rows[2]).toEqual([3, 3, 3.5, 3.5, 4.5, 4.5, 5.5, 5.5, 6, 6]);
    expect(rows[3]).toEqual([5, 5, 5.5, 5.5, 6.5, 6.5, 7.5, 7.5, 8, 8]);
    const b = [7, 7, 7.5, 7.5, 8.5, 8.5, 9.5, 9.5, 10, 10];
    expect(rows[4]).toEqual(b);
    expect(rows[5]).toEqual(b);
    expect(rows[6]).toEqual([9, 9, 9.5, 9.5, 10.5, 10.5, 11.5, 11.5, 12, 12]);
    expect(input.data).toEqual(before); // never mutated
  });

  it('hands the predictor the right windows and patches (index in patchGrid order, start in the padded frame)', async () => {
    const input = ramp([7, 10, 1]);
    const seen: { index: number; start: number[]; first: number }[] = [];
    await slidingWindow(
      input,
      (batch, windows) => {
        windows.forEach((w, k) => seen.push({ ...w, first: batch.data[k * 16] }));
        return batch;
      },
      { patchSize: 4, overlap: 0.5, batchSize: 5 },
    );
    const grid = patchGrid([7, 10], 4, 0.5);
    expect(seen.map((s) => s.index)).toEqual(grid.map((_, i) => i));
    expect(seen.map((s) => s.start)).toEqual(grid);
    expect(seen.map((s) => s.first)).toEqual(grid.map(([y, x]) => y * 10 + x));
  });

  it('batches windows (the last batch may be smaller) and reports progress', async () => {
    const sizes: number[] = [];
    const progress: [number, number][] = [];
    await slidingWindow(ramp([7, 10, 1]), (b) => (sizes.push(b.shape[0]), b), {
      patchSize: 4,
      overlap: 0.5,
      batchSize: 5,
      onProgress: (d, t) => progress.push([d, t]),
    });
    expect(sizes).toEqual([5, 5, 2]);
    expect(progress).toEqual([[5, 12], [10, 12], [12, 12]]);
  });

  it('awaits async predictors and changes the channel count', async () => {
    const input = ramp([6, 6, 2]);
    const out = await slidingWindow(
      input,
      async (batch) => {
        await new Promise((r) => setTimeout(r, 1));
        const [b, h, w] = batch.shape;
        const data = new Float32Array(b * h * w * 3);
        for (let v = 0; v < b * h * w; v++) {
          data[v * 3] = batch.data[v * 2];
          data[v * 3 + 1] = batch.data[v * 2 + 1];
          data[v * 3 + 2] = batch.data[v * 2] + batch.data[v * 2 + 1];
        }
        return { data, shape: [b, h, w, 3] };
      },
      { patchSize: [4, 4], overlap: 0.5, blend: 'gaussian' },
    );
    expect(out.shape).toEqual([6, 6, 3]);
    for (let v = 0; v < 36; v++) {
      expect(out.data[v * 3]).toBeCloseTo(input.data[v * 2], 4);
      expect(out.data[v * 3 + 2]).toBeCloseTo(input.data[v * 2] + input.data[v * 2 + 1], 3);
    }
  });

  it('pads axes shorter than the patch (low side floor(diff/2)) with a constant or the edge', async () => {
    const input = ramp([3, 5, 1]);
    const starts: number[][] = [];
    const firstRows: number[][] = [];
    const pred: Predictor = (b, w) => {
      starts.push(...w.map((x) => x.start));
      firstRows.push(Array.from(b.data.subarray(0, 8)));
      return b;
    };
    const out = await slidingWindow(input, pred, { patchSize: [6, 8], padValue: -1 });
    expect(Array.from(out.data)).toEqual(Array.from(input.data));
    expect(starts).toEqual([[0, 0]]);
    expect(firstRows[0]).toEqual([-1, -1, -1, -1, -1, -1, -1, -1]); // row 0 is padding (padLow = 1)
    const plan = planWindows([3, 5], { patchSize: [6, 8] });
    expect(plan.padLow).toEqual([1, 1]);
    expect(plan.paddedShape).toEqual([6, 8]);

    firstRows.length = 0;
    await slidingWindow(input, pred, { patchSize: [6, 8], padMode: 'edge' });
    expect(firstRows[0]).toEqual([0, 0, 1, 2, 3, 4, 4, 4]); // edge-replicated first image row
  });

  it('crop (TorchIO): trims overlap//2 from inner sides, later windows overwrite earlier ones', async () => {
    // 1-D, length 10, patch 4, overlap 0.5 → starts 0, 2, 4, 6; interval 2, overlap 2 → trim 1.
    const out = await slidingWindow(
      ramp([10, 1]),
      (b, w) => ({ data: new Float32Array(b.data.length).fill(w[0].index + 1), shape: b.shape }),
      { patchSize: 4, overlap: 0.5, blend: 'crop' },
    );
    // window 1 [0,4) keeps [0,3); window 2 [2,6) keeps [3,5); window 3 [4,8) keeps [5,7); window 4 [6,10) keeps [7,10)
    expect(Array.from(out.data)).toEqual([1, 1, 1, 2, 2, 3, 3, 4, 4, 4]);
  });

  it('crop with spread placement uses the largest gap as the interval, so every voxel stays covered', async () => {
    // 13, patch 4, overlap 0.5, spread → starts 0,2,4,5,7,9; interval ceil(9/5) = 2 → trim 1
    const plan = planWindows([13], { patchSize: 4, overlap: 0.5, placement: 'spread' });
    expect(plan.interval).toEqual([2]);
    const out = await slidingWindow(ramp([13, 1]), (b, w) => ({ data: new Float32Array(4).fill(w[0].index + 1), shape: b.shape }), {
      patchSize: 4,
      overlap: 0.5,
      placement: 'spread',
      blend: 'crop',
    });
    // keeps: w1 [0,3) w2 [3,5) w3 [5,7) w4 [6,8) (overwrites 6) w5 [8,10) w6 [10,13) (touches the end)
    expect(Array.from(out.data)).toEqual([1, 1, 1, 2, 2, 3, 4, 4, 5, 5, 6, 6, 6]);
  });

  it('accepts a custom Float32Array weight map and rejects bad ones', async () => {
    const w = Float32Array.from({ length: 16 }, (_, i) => 1 + i);
    const out = await slidingWindow(ramp([7, 10, 1]), identity, { patchSize: 4, overlap: 0.5, blend: w });
    out.data.forEach((v, i) => expect(v).toBeCloseTo(i, 4));
    await expect(slidingWindow(ramp([7, 10, 1]), identity, { patchSize: 4, blend: new Float32Array(15).fill(1) })).rejects.toThrow(
      /blend weight map has 15 values but the patch \[4, 4\] has 16/,
    );
    await expect(slidingWindow(ramp([7, 10, 1]), identity, { patchSize: 4, blend: new Float32Array(16) })).rejects.toThrow(/blend weights must be finite and > 0/);
  });

  it('cancels with an AbortSignal between batches, rejecting with its reason', async () => {
    const ctl = new AbortController();
    let calls = 0;
    const run = slidingWindow(
      ramp([7, 10, 1]),
      (b) => {
        if (++calls === 2) ctl.abort(new Error('user cancelled'));
        return b;
      },
      { patchSize: 4, overlap: 0.5, signal: ctl.signal },
    );
    await expect(run).rejects.toThrow('user cancelled');
    expect(calls).toBe(2);
    const pre = new AbortController();
    pre.abort();
    await expect(slidingWindow(ramp([7, 10, 1]), identity, { patchSize: 4, signal: pre.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('rejects bad input, options and predictor answers with clear errors', async () => {
    await expect(slidingWindow({ data: new Float32Array(5), shape: [2, 3, 1] }, identity, { patchSize: 2 })).rejects.toThrow(
      /input.data has 5 values but input.shape \[2, 3, 1\] needs 6/,
    );
    await expect(slidingWindow({ data: new Float32Array(5), shape: [5] }, identity, { patchSize: 2 })).rejects.toThrow(/at least one spatial axis/);
    await expect(slidingWindow(ramp([4, 4, 1]), identity, { patchSize: [2, 2, 2] })).rejects.toThrow(/patchSize has 3 entries but the shape has 2 axes/);
    await expect(slidingWindow(ramp([4, 4, 1]), identity, { patchSize: 2, batchSize: 0 })).rejects.toThrow(/batchSize must be a positive integer/);
    // @ts-expect-error invalid blend on purpose
    await expect(slidingWindow(ramp([4, 4, 1]), identity, { patchSize: 2, blend: 'median' })).rejects.toThrow(/blend must be one of constant, gaussian, gaussian-nnunet, hann, crop/);
    // @ts-expect-error invalid padMode on purpose
    await expect(slidingWindow(ramp([4, 4, 1]), identity, { patchSize: 2, padMode: 'reflect' })).rejects.toThrow(/padMode must be 'constant' or 'edge'/);
    await expect(
      slidingWindow(ramp([4, 4, 1]), (b) => ({ data: b.data, shape: [1, 2, 3, 1] }), { patchSize: 2 }),
    ).rejects.toThrow(/predict returned shape \[1, 2, 3, 1\], expected \[1, 2, 2, outChannels\]/);
    let n = 0;
    await expect(
      slidingWindow(ramp([4, 4, 1]), (b) => (n++ === 0 ? b : { data: new Float32Array(8), shape: [1, 2, 2, 2] }), { patchSize: 2 }),
    ).rejects.toThrow(/\(1 output channels so far\)/);
  });

  it('property: the identity predictor reproduces the input for every mode, placement, padding and batch size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }).chain((nd) =>
          fc.record({
            shape: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: nd, maxLength: nd }),
            patch: fc.array(fc.integer({ min: 1, max: 8 }), { minLength: nd, maxLength: nd }),
            overlap: fc.array(fc.double({ min: 0, max: 0.9, noNaN: true }), { minLength: nd, maxLength: nd }),
            placement: fc.constantFrom('stride' as const, 'spread' as const),
            blend: fc.constantFrom('constant' as const, 'gaussian' as const, 'gaussian-nnunet' as const, 'hann' as const, 'crop' as const),
            channels: fc.integer({ min: 1, max: 3 }),
            batchSize: fc.integer({ min: 1, max: 5 }),
            padMode: fc.constantFrom('constant' as const, 'edge' as const),
            seed: fc.integer(),
          }),
        ),
        async ({ shape, patch, overlap, placement, blend, channels, batchSize, padMode, seed }) => {
          const n = shape.reduce((a, b) => a * b, 1) * channels;
          let s = seed;
          const data = Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) | 0) >>> 8) / 2 ** 24 - 0.5);
          const input = { data, shape: [...shape, channels] };
          const copy = data.slice();
          const out = await slidingWindow(input, identity, { patchSize: patch, overlap, placement, blend, batchSize, padMode, padValue: 7 });
          expect(out.shape).toEqual(input.shape);
          for (let i = 0; i < n; i++) expect(Math.abs(out.data[i] - data[i])).toBeLessThanOrEqual(1e-5);
          expect(data).toEqual(copy);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: the windows cover every voxel (a coverage predictor of ones with crop never leaves a zero)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 2, maxLength: 2 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 2 }),
        fc.double({ min: 0, max: 0.95, noNaN: true }),
        fc.constantFrom('stride' as const, 'spread' as const),
        async (shape, patch, overlap, placement) => {
          const out = await slidingWindow(
            { data: new Float32Array(shape[0] * shape[1]), shape: [...shape, 1] },
            (b) => ({ data: new Float32Array(b.data.length).fill(1), shape: b.shape }),
            { patchSize: patch, overlap, placement, blend: 'crop' },
          );
          expect(out.data.every((v) => v === 1)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('pipelines asynchronous predictors: batch k+1 is handed over before batch k is stitched', async () => {
    const events: string[] = [];
    const opts = { patchSize: 4, overlap: 0.5, batchSize: 4, onProgress: (d: number) => events.push(`stitched ${d}`) };
    await slidingWindow(ramp([7, 10, 1]), async (b, w) => (events.push(`predict ${w[0].index}`), b), opts);
    expect(events).toEqual(['predict 0', 'predict 4', 'stitched 4', 'predict 8', 'stitched 8', 'stitched 12']);
    events.length = 0;
    // a synchronous predictor runs strictly in turn (nothing to overlap on one thread)
    await slidingWindow(ramp([7, 10, 1]), (b, w) => (events.push(`predict ${w[0].index}`), b), opts);
    expect(events).toEqual(['predict 0', 'stitched 4', 'predict 4', 'stitched 8', 'predict 8', 'stitched 12']);
  });

  it('an asynchronous predictor that fails mid-run rejects the run with its error', async () => {
    let calls = 0;
    const run = slidingWindow(
      ramp([7, 10, 1]),
      async (b) => {
        if (++calls === 3) throw new Error('GPU lost');
        return b;
      },
      { patchSize: 4, overlap: 0.5 },
    );
    await expect(run).rejects.toThrow('GPU lost');
  });

  it('separable blends (normalised per axis) give the same result as the general per-voxel path', async () => {
    const input = { data: Float32Array.from({ length: 9 * 11 * 2 }, (_, i) => Math.sin(i)), shape: [9, 11, 2] };
    // a nonlinear predictor that depends on the window, so blending really matters
    const pred: Predictor = (b, w) => ({ data: b.data.map((v, i) => v * v + w[Math.floor(i / 50)].index), shape: b.shape });
    for (const mode of ['constant', 'hann', 'gaussian-nnunet'] as const) {
      const viaMode = await slidingWindow(input, pred, { patchSize: 5, overlap: 0.6, blend: mode, placement: 'spread' });
      const viaMap = await slidingWindow(input, pred, { patchSize: 5, overlap: 0.6, blend: blendingWeights([5, 5], mode), placement: 'spread' });
      viaMode.data.forEach((v, i) => expect(Math.abs(v - viaMap.data[i])).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(v))));
    }
  });
});
