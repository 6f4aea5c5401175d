// Issue 16 (speed): the fast stitching must give bit for bit what the stitching before the speed
// work gave. slidingWindowReference.ts / patchCopyReference.ts keep that implementation (commit
// 722f3be) as the oracle; every case below runs both and compares the outputs' bits (float32
// words; +0 and −0 differ), shapes, the batches handed to the predictor and the progress calls.
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../shared/util/mulberry32';
import { planWindows, slidingWindow, type BlendMode, type NdArray, type NumericArray, type Predictor, type SlidingWindowOptions } from '../../../shared/index';
import { stitchWindows } from '../../../shared/stitching/slidingWindow';
import type { WindowPlan } from '../../../shared/stitching/planWindows';
import { referenceSlidingWindow, referenceStitchWindows } from './slidingWindowReference';

const BLENDS: (BlendMode | 'map')[] = ['constant', 'gaussian', 'gaussian-nnunet', 'hann', 'crop', 'map'];

/** Seeded values in [lo, hi), with a few exact zeros and negative zeros unless `zeros` is false. */
function values(n: number, seed: number, lo = -2, hi = 3, zeros = true): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = zeros ? rand() : 1;
    out[i] = r < 0.02 ? 0 : r < 0.04 ? -0 : lo + (hi - lo) * rand();
  }
  return out;
}

/** An input image of `dtype` with seeded contents. */
function image(shape: number[], channels: number, seed: number, dtype: 'f32' | 'i16' | 'u8'): NdArray<NumericArray> {
  const n = shape.reduce((a, b) => a * b, 1) * channels;
  const f = values(n, seed, -50, 200);
  const data = dtype === 'f32' ? f : dtype === 'i16' ? Int16Array.from(f, Math.round) : Uint8Array.from(f, (v) => Math.max(0, Math.round(v)));
  return { data, shape: [...shape, channels] };
}

/**
 * A predictor whose answer depends on the voxel, the window and the channel (so blending and
 * window order matter), of `outChannels` channels and dtype `dtype`; it records every batch.
 */
function recorder(outChannels: number, dtype: 'f32' | 'f64' | 'i32', async: boolean, log: string[]): Predictor {
  return (batch, windows) => {
    const shape = batch.shape;
    const c = shape[shape.length - 1];
    const perWindow = batch.data.length / shape[0];
    log.push(`${windows.map((w) => `${w.index}@${w.start.join(',')}`).join(' ')}|${Array.from(batch.data.subarray(0, 8)).join(',')}|${batch.data.length}`);
    const vox = batch.data.length / c;
    const out = dtype === 'f32' ? new Float32Array(vox * outChannels) : dtype === 'f64' ? new Float64Array(vox * outChannels) : new Int32Array(vox * outChannels);
    for (let v = 0; v < vox; v++) {
      const w = windows[Math.floor((v * c) / perWindow)];
      for (let o = 0; o < outChannels; o++) {
        const x = batch.data[v * c + (o % c)];
        const y = x * (1 + 0.37 * o) - 0.731 * w.index + o + ((v * 7919) % 13) * 0.01;
        out[v * outChannels + o] = dtype === 'i32' ? Math.round(y) : Object.is(x, -0) && o === 0 ? -0 : y;
      }
    }
    const result = { data: out, shape: [...shape.slice(0, -1), outChannels] };
    return async ? Promise.resolve(result) : result;
  };
}

/** The float32 words of an array (bitwise comparison: −0 ≠ +0, NaN payloads count). */
function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

interface Case {
  shape: number[];
  patch: number | number[];
  overlap: number | number[];
  placement: 'stride' | 'spread' | ('stride' | 'spread')[];
  channels: number;
  outChannels: number;
  batchSize: number;
  padMode: 'constant' | 'edge';
  padValue: number;
  dtype: 'f32' | 'i16' | 'u8';
  predDtype: 'f32' | 'f64' | 'i32';
  async: boolean;
  sigmaScale?: number | number[];
}

/** Runs a case through both implementations and compares everything they give. */
async function compare(c: Case, blend: BlendMode | 'map', seed: number): Promise<void> {
  const input = image(c.shape, c.channels, seed, c.dtype);
  const before = input.data.slice();
  const patch = typeof c.patch === 'number' ? c.shape.map(() => c.patch as number) : c.patch;
  const weights = blend === 'map' ? values(patch.reduce((a, b) => a * b, 1), seed + 1, 0.05, 2, false) : blend;
  const logs: [string[], string[]] = [[], []];
  const progress: [string[], string[]] = [[], []];
  const opts = (k: 0 | 1): SlidingWindowOptions => ({
    patchSize: c.patch, overlap: c.overlap, placement: c.placement, blend: weights, sigmaScale: c.sigmaScale,
    batchSize: c.batchSize, padMode: c.padMode, padValue: c.padValue, onProgress: (d, t) => progress[k].push(`${d}/${t}`),
  });
  const want = await referenceSlidingWindow(input, recorder(c.outChannels, c.predDtype, c.async, logs[0]), opts(0));
  const got = await slidingWindow(input, recorder(c.outChannels, c.predDtype, c.async, logs[1]), opts(1));
  const what = `${JSON.stringify(c)} blend ${blend}`;
  expect(got.shape, what).toEqual(want.shape);
  expect(got.data.length, what).toBe(want.data.length);
  const g = bits(got.data);
  const w = bits(want.data);
  let first = -1;
  for (let i = 0; i < w.length && first < 0; i++) if (g[i] !== w[i]) first = i;
  expect(first < 0 ? 'bitwise equal' : `first difference at ${first}: ${got.data[first]} vs ${want.data[first]}`, what).toBe('bitwise equal');
  expect(logs[1], what).toEqual(logs[0]);
  expect(progress[1], what).toEqual(progress[0]);
  expect(Array.from(input.data), what).toEqual(Array.from(before)); // never mutated
}

const base: Case = {
  shape: [9], patch: 4, overlap: 0.5, placement: 'stride', channels: 1, outChannels: 1, batchSize: 1,
  padMode: 'constant', padValue: 0, dtype: 'f32', predDtype: 'f32', async: false,
};

/** The cases: 1-D to 4-D, borders, padding, placements, overlaps, batches, channels, dtypes. */
const CASES: Case[] = [
  { ...base },
  { ...base, shape: [17], patch: 5, overlap: 0.75, placement: 'spread', batchSize: 3 },
  { ...base, shape: [3], patch: 6, padMode: 'edge' }, // padded 1-D
  { ...base, shape: [7, 10], patch: [4, 4], overlap: 0.5, outChannels: 3 },
  { ...base, shape: [7, 10], patch: [4, 6], overlap: [0.5, 0.25], placement: ['spread', 'stride'], channels: 2, outChannels: 2, batchSize: 4, async: true },
  { ...base, shape: [5, 12], patch: [8, 5], padMode: 'constant', padValue: -3.5, dtype: 'i16', predDtype: 'f64' }, // padded axis 0
  { ...base, shape: [11, 4], patch: [4, 4], overlap: 0, batchSize: 2 }, // no overlap, patch = the last axis
  { ...base, shape: [6, 9, 7], patch: [4, 4, 4], overlap: 0.5, batchSize: 5 },
  { ...base, shape: [6, 9, 7], patch: [4, 5, 3], overlap: [0.5, 0.6, 0.34], placement: 'spread', channels: 2, outChannels: 3, async: true },
  { ...base, shape: [3, 10, 2], patch: [5, 4, 4], padMode: 'edge', dtype: 'u8', predDtype: 'i32', batchSize: 3 }, // padded on axes 0 and 2
  { ...base, shape: [4, 4, 4], patch: [4, 4, 4] }, // one window, the whole image
  { ...base, shape: [12, 8, 10], patch: 6, overlap: 0.5, sigmaScale: [0.5, 1, 2] }, // wide σ: the separable gaussian
  { ...base, shape: [12, 8, 10], patch: [6, 8, 4], overlap: 0.25, sigmaScale: 0.05, outChannels: 2, batchSize: 7 },
  { ...base, shape: [5, 4, 6, 3], patch: [3, 4, 4, 2], overlap: 0.5, channels: 2, outChannels: 2, batchSize: 2 }, // 4-D
  { ...base, shape: [2, 3, 3, 2], patch: [3, 4, 2, 3], padMode: 'edge', async: true }, // 4-D, padded
];

describe('stitching against the implementation before the speed work (bitwise)', () => {
  for (const [i, c] of CASES.entries()) {
    it(`case ${i}: ${c.shape.length}-D ${c.shape.join('×')}, patch ${String(c.patch)}, every blend`, async () => {
      for (const [k, blend] of BLENDS.entries()) await compare(c, blend, 1000 * i + k);
    });
  }

  it('a 64³ window over a 96×80×72 volume (the bench shape, scaled): gaussian and constant, 1 and 2 channels', async () => {
    const big: Case = { ...base, shape: [96, 80, 72], patch: 64, overlap: 0.5, batchSize: 2 };
    await compare(big, 'gaussian', 7);
    await compare({ ...big, outChannels: 2, async: true, batchSize: 1 }, 'constant', 8);
    await compare({ ...big, shape: [40, 80, 72] }, 'crop', 9); // padded on axis 0
  });

  it('stitchWindows over a plan whose windows are a subset of its grid (a hand-made plan)', async () => {
    const input = image([9, 11], 1, 5, 'f32');
    const full = planWindows([9, 11], { patchSize: 4, overlap: 0.5 });
    const plan: WindowPlan = { ...full, windows: full.windows.filter((_, i) => i % 3 !== 1) };
    for (const blend of ['constant', 'gaussian', 'crop', 'map'] as const) {
      const weights = blend === 'map' ? values(16, 3, 0.1, 1, false) : blend;
      const log: string[] = [];
      const want = await referenceStitchWindows(input, plan, recorder(1, 'f32', false, log), { blend: weights, batchSize: 2 });
      const got = await stitchWindows(input, plan, recorder(1, 'f32', false, log), { blend: weights, batchSize: 2 });
      expect(Array.from(bits(got.data)), blend).toEqual(Array.from(bits(want.data)));
    }
  });
});
