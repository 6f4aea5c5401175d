import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tfl from '@tensorflow/tfjs-layers';
import { conv3dNDHWC, prepareConv3dSimd, type Conv3DImpl } from '../../../../shared/engine/kernels/conv3d';
import { conv3dGeometry } from '../../../../shared/engine/kernels/conv3dGeometry';
import { channelBlocks } from '../../../../shared/engine/kernels/channelBlocks';
import { conv3dSimd } from '../../../../shared/engine/kernels/wasm/conv3dSimd';
import { registerFastConv3D } from '../../../../shared/engine/kernels/registerFastConv3D';
import { broadcastKind, registerFastBinaryOps } from '../../../../shared/engine/kernels/registerFastBinaryOps';
import { simdInstance } from '../../../../shared/engine/kernels/wasm/conv3dSimdInstance';
import { sleb, uleb } from '../../../../shared/engine/kernels/wasm/wasmEncoder';
import { fileTool, requireTools } from '../../../helpers/requireTool';
import { sharedDir } from '../../../helpers/sharedData';

type Shape5 = [number, number, number, number, number];
type Triple = [number, number, number];

/** mulberry32: uniform in [-1, 1). */
function random(n: number, seed: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}

const size = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** tfjs's own conv3d (cpu backend, whatever kernel is registered). */
function tfConv3d(x: Float32Array, xs: Shape5, f: Float32Array, fs: Shape5, strides: Triple, pad: 'same' | 'valid', dil: Triple) {
  return tf.tidy(() => {
    const y = tf.conv3d(tf.tensor5d(x, xs), tf.tensor5d(f, fs), strides, pad, 'NDHWC', dil);
    return { data: y.dataSync() as Float32Array, shape: y.shape };
  });
}

/** max |a − ref| / (1 + |ref|). */
function maxRelError(a: Float32Array, ref: Float32Array): number {
  let e = 0;
  for (let i = 0; i < ref.length; i++) e = Math.max(e, Math.abs(a[i] - ref[i]) / (1 + Math.abs(ref[i])));
  return e;
}

interface Case {
  xs: Shape5;
  fs: Shape5;
  strides: Triple;
  pad: 'same' | 'valid';
  dil: Triple;
}

const c = (xs: Shape5, fs: Shape5, pad: 'same' | 'valid', dil: number | Triple = 1, strides: number | Triple = 1): Case => ({
  xs, fs, pad,
  dil: typeof dil === 'number' ? [dil, dil, dil] : dil,
  strides: typeof strides === 'number' ? [strides, strides, strides] : strides,
});

/** The grid: odd/even sizes, batch 2, 1..20 channels, dilations up to 16, both paddings, strides. */
const grid: Case[] = [
  c([1, 7, 8, 9, 1], [3, 3, 3, 1, 5], 'same'),
  c([2, 6, 5, 10, 5], [3, 3, 3, 5, 5], 'same', 2),
  c([1, 9, 10, 11, 5], [3, 3, 3, 5, 5], 'same', 4),
  c([1, 12, 11, 13, 5], [3, 3, 3, 5, 3], 'same', 16), // the patch is smaller than the dilation's reach
  c([1, 20, 18, 17, 4], [3, 3, 3, 4, 2], 'same', 8),
  c([1, 8, 8, 8, 11], [3, 3, 3, 11, 11], 'same', 2),
  c([1, 7, 6, 9, 15], [3, 3, 3, 15, 15], 'same', 1),
  c([1, 6, 7, 8, 20], [3, 3, 3, 20, 20], 'same', 2),
  c([1, 5, 6, 7, 3], [3, 3, 3, 3, 1], 'same', 1),
  c([1, 5, 6, 19, 2], [3, 3, 3, 2, 7], 'same', 1),
  c([2, 6, 6, 6, 13], [3, 3, 3, 13, 13], 'same', 1),
  c([1, 9, 8, 7, 5], [1, 1, 1, 5, 3], 'same'), // MeshNet's last layer
  c([1, 9, 10, 11, 5], [3, 3, 3, 5, 5], 'valid', 1),
  c([2, 10, 9, 12, 3], [3, 3, 3, 3, 6], 'valid', 2),
  c([1, 6, 6, 6, 2], [3, 3, 3, 2, 2], 'valid', 4), // effective filter larger than the input: empty output
  c([1, 8, 9, 10, 3], [2, 3, 4, 3, 5], 'same', [1, 2, 3]), // even and uneven filters, per-axis dilation
  c([1, 8, 9, 10, 3], [2, 1, 4, 3, 4], 'valid', [2, 1, 1]),
  c([1, 9, 8, 11, 3], [3, 3, 3, 3, 4], 'same', 1, 2), // strides (width stride 2: the JavaScript path)
  c([2, 9, 8, 11, 3], [3, 3, 3, 3, 4], 'valid', 1, [2, 3, 1]), // depth/height strides on the SIMD path
  c([1, 10, 7, 9, 2], [2, 2, 2, 2, 3], 'same', 1, [3, 1, 2]),
  c([1, 5, 5, 8, 2], [1, 1, 1, 2, 3], 'same', 1, 3), // negative 'same' padding (stride > filter)
  c([1, 4, 3, 2, 1], [3, 3, 3, 1, 1], 'same', 1), // narrower than one SIMD block
];

// The wasm backend outranks cpu once imported: the reference is tfjs-backend-cpu unless a test says otherwise.
beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

const name = (k: Case): string => `x ${k.xs} f ${k.fs} ${k.pad} dil ${k.dil} strides ${k.strides}`;

describe('conv3dNDHWC', () => {
  it('runs WebAssembly SIMD on this host (also after an asynchronous preparation)', async () => {
    expect(simdInstance()).not.toBeNull();
    expect(await prepareConv3dSimd()).toBe(true);
  });

  for (const impl of ['js', 'simd', 'auto'] as Conv3DImpl[]) {
    it(`matches tf.conv3d (cpu) on a grid of shapes: impl ${impl}`, () => {
      const before = tf.memory().numTensors;
      grid.forEach((k, i) => {
        if (impl === 'simd' && k.strides[2] !== 1) return; // SIMD needs width stride 1 ('auto' falls back)
        const x = random(size(k.xs), 11 + i);
        const f = random(size(k.fs), 101 + i);
        const xCopy = x.slice();
        const fCopy = f.slice();
        const ref = tfConv3d(x, k.xs, f, k.fs, k.strides, k.pad, k.dil);
        const got = conv3dNDHWC(x, k.xs, f, k.fs, { strides: k.strides, pad: k.pad, dilations: k.dil, impl });
        expect(got.shape, name(k)).toEqual(ref.shape);
        expect(got.data.length, name(k)).toBe(ref.data.length);
        expect(maxRelError(got.data, ref.data), name(k)).toBeLessThan(1e-4);
        expect(x, 'x not mutated').toEqual(xCopy);
        expect(f, 'filter not mutated').toEqual(fCopy);
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('gives the same answer on repeated and interleaved calls (shared SIMD memory is reused safely)', () => {
    const big = c([1, 12, 12, 12, 5], [3, 3, 3, 5, 5], 'same', 2);
    const small = c([1, 5, 4, 3, 1], [3, 3, 3, 1, 5], 'same', 1);
    const run = (k: Case, seed: number) =>
      conv3dNDHWC(random(size(k.xs), seed), k.xs, random(size(k.fs), seed + 1), k.fs, { pad: k.pad, dilations: k.dil }).data;
    const a1 = run(big, 1), b1 = run(small, 2), a2 = run(big, 1), b2 = run(small, 2);
    expect(a2).toEqual(a1);
    expect(b2).toEqual(b1);
  });

  it('SIMD: splits the output depth into chunks when the staging budget is small', () => {
    for (const k of [grid[1], grid[3], grid[15], grid[18], grid[21]]) {
      const x = random(size(k.xs), 7), f = random(size(k.fs), 8);
      const opts = { strides: k.strides, pad: k.pad, dilations: k.dil };
      const ref = conv3dNDHWC(x, k.xs, f, k.fs, { ...opts, impl: 'js' });
      const g = conv3dGeometry('test', k.xs, k.fs, opts);
      const y = new Float32Array(ref.data.length);
      expect(conv3dSimd(g, x, f, y, 1)).toBe(true); // one output depth per chunk
      expect(maxRelError(y, ref.data), name(k)).toBeLessThan(1e-5);
    }
  });

  it('accepts numbers for strides and dilations and defaults them to 1', () => {
    const xs: Shape5 = [1, 5, 6, 7, 2];
    const fs: Shape5 = [3, 3, 3, 2, 3];
    const x = random(size(xs), 5), f = random(size(fs), 6);
    const a = conv3dNDHWC(x, xs, f, fs, { pad: 'same' });
    const b = conv3dNDHWC(x, xs, f, fs, { pad: 'same', strides: 1, dilations: [1, 1, 1] });
    expect(a.data).toEqual(b.data);
    expect(a.shape).toEqual([1, 5, 6, 7, 3]);
  });

  it('validates its arguments, naming the function and the argument', () => {
    const xs: Shape5 = [1, 4, 4, 4, 2];
    const fs: Shape5 = [3, 3, 3, 2, 3];
    const x = new Float32Array(size(xs)), f = new Float32Array(size(fs));
    expect(() => conv3dNDHWC([] as unknown as Float32Array, xs, f, fs, { pad: 'same' })).toThrow(/conv3dNDHWC: x must be a Float32Array/);
    expect(() => conv3dNDHWC(x, xs, new Float64Array(54) as unknown as Float32Array, fs, { pad: 'same' })).toThrow(/conv3dNDHWC: filter must/);
    expect(() => conv3dNDHWC(x, [1, 4, 4, 4] as unknown as Shape5, f, fs, { pad: 'same' })).toThrow(/conv3dNDHWC: xShape must have five/);
    expect(() => conv3dNDHWC(x, xs, f, [3, 3, 3, 3, 3], { pad: 'same' })).toThrow(/conv3dNDHWC: filterShape\[3\] \(3\) must equal/);
    expect(() => conv3dNDHWC(x.subarray(1), xs, f, fs, { pad: 'same' })).toThrow(/conv3dNDHWC: x has 127 values/);
    expect(() => conv3dNDHWC(x, xs, f.subarray(1), fs, { pad: 'same' })).toThrow(/conv3dNDHWC: filter has 161 values/);
    expect(() => conv3dNDHWC(x, xs, f, fs, { pad: 'full' as 'same' })).toThrow(/conv3dNDHWC: options.pad must be/);
    expect(() => conv3dNDHWC(x, xs, f, fs, { pad: 'same', dilations: 0 })).toThrow(/conv3dNDHWC: options.dilations must be/);
    expect(() => conv3dNDHWC(x, xs, f, fs, { pad: 'same', strides: [1, 1] as unknown as Triple })).toThrow(/conv3dNDHWC: options.strides must be/);
    expect(() => conv3dNDHWC(x, xs, f, fs, { pad: 'same', strides: 2, dilations: 2 })).toThrow(/conv3dNDHWC: options.strides or options.dilations must be 1/);
    expect(() => conv3dNDHWC(x, xs, f, fs, { pad: 'same', impl: 'gpu' as Conv3DImpl })).toThrow(/conv3dNDHWC: options.impl must be/);
    expect(() => conv3dNDHWC(x, xs, f, fs, { pad: 'same', strides: [1, 1, 2], impl: 'simd' })).toThrow(/conv3dNDHWC: options.impl 'simd' is unavailable/);
  });
});

describe('channelBlocks and the wasm encoder', () => {
  it('splits output channels into wide blocks without 1-channel blocks where possible', () => {
    expect(channelBlocks(5, 5)).toEqual([5]);
    expect(channelBlocks(20, 5)).toEqual([5, 5, 5, 5]);
    expect(channelBlocks(11, 5)).toEqual([4, 4, 3]);
    expect(channelBlocks(9, 5)).toEqual([4, 5]);
    expect(channelBlocks(5, 4)).toEqual([3, 2]);
    expect(channelBlocks(15, 4)).toEqual([4, 4, 4, 3]);
    expect(channelBlocks(13, 4)).toEqual([4, 4, 3, 2]);
    expect(channelBlocks(1, 4)).toEqual([1]);
    expect(channelBlocks(0, 4)).toEqual([]);
    for (let n = 0; n <= 40; n++) for (const w of [4, 5] as const) expect(channelBlocks(n, w).reduce((a, b) => a + b, 0)).toBe(n);
    expect(() => channelBlocks(-1, 4)).toThrow(/channelBlocks: cout/);
  });

  it('encodes LEB128 like the specification', () => {
    const u = (n: number) => { const o: number[] = []; uleb(o, n); return o; };
    const s = (n: number) => { const o: number[] = []; sleb(o, n); return o; };
    expect(u(0)).toEqual([0]);
    expect(u(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(s(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(s(64)).toEqual([0xc0, 0x00]);
    expect(s(-64)).toEqual([0x40]);
    expect(s(-(2 ** 31))).toEqual([0x80, 0x80, 0x80, 0x80, 0x78]);
  });
});

describe('registerFastConv3D', () => {
  let undo: (() => void) | undefined;
  afterEach(() => {
    undo?.();
    undo = undefined;
  });

  it('makes tf.conv3d use the fast kernel, and the undo function restores the original', () => {
    const original = tf.getKernel('Conv3D', 'cpu');
    expect(original).toBeDefined();
    const k = c([2, 7, 8, 9, 5], [3, 3, 3, 5, 5], 'same', 2);
    const x = random(size(k.xs), 3), f = random(size(k.fs), 4);
    const before = tf.memory().numTensors;
    const ref = tfConv3d(x, k.xs, f, k.fs, k.strides, k.pad, k.dil);
    undo = registerFastConv3D();
    expect(tf.getKernel('Conv3D', 'cpu')).not.toBe(original);
    const fast = tfConv3d(x, k.xs, f, k.fs, k.strides, k.pad, k.dil);
    const direct = conv3dNDHWC(x, k.xs, f, k.fs, { pad: 'same', dilations: 2 });
    expect(fast.shape).toEqual(ref.shape);
    expect(fast.data).toEqual(direct.data);
    expect(maxRelError(fast.data, ref.data)).toBeLessThan(1e-4);
    // a rank-4 input (batch of 1 implied) and strides through tf.conv3d
    const rank4 = tf.tidy(() => tf.conv3d(tf.tensor4d(x.subarray(0, size(k.xs) / 2), [7, 8, 9, 5]), tf.tensor5d(f, k.fs), 2, 'valid').shape);
    expect(rank4).toEqual([3, 3, 4, 5]);
    undo();
    undo();
    undo = undefined;
    expect(tf.getKernel('Conv3D', 'cpu')).toBe(original);
    const again = tfConv3d(x, k.xs, f, k.fs, k.strides, k.pad, k.dil);
    expect(again.data).toEqual(ref.data);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('matches the original kernel through tf.conv3d for every case of the grid, both implementations', () => {
    const before = tf.memory().numTensors;
    const refs = grid.map((k, i) => tfConv3d(random(size(k.xs), 11 + i), k.xs, random(size(k.fs), 101 + i), k.fs, k.strides, k.pad, k.dil));
    for (const impl of ['auto', 'js'] as Conv3DImpl[]) {
      undo = registerFastConv3D('cpu', { impl });
      grid.forEach((k, i) => {
        const got = tfConv3d(random(size(k.xs), 11 + i), k.xs, random(size(k.fs), 101 + i), k.fs, k.strides, k.pad, k.dil);
        expect(got.shape, name(k)).toEqual(refs[i].shape);
        expect(maxRelError(got.data, refs[i].data), name(k)).toBeLessThan(1e-4);
      });
      undo();
      undo = undefined;
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('hands inputs it does not handle (int32) to the original kernel', () => {
    const before = tf.memory().numTensors;
    const run = () => tf.tidy(() => {
      const x = tf.tensor5d(Int32Array.from({ length: 64 }, (_, i) => i % 7), [1, 4, 4, 4, 1], 'int32');
      const f = tf.tensor5d(Int32Array.from({ length: 27 }, (_, i) => (i % 3) - 1), [3, 3, 3, 1, 1], 'int32');
      const y = tf.conv3d(x as unknown as tf.Tensor5D, f as unknown as tf.Tensor5D, 1, 'same');
      return { dtype: y.dtype, data: Array.from(y.dataSync()) };
    });
    const ref = run();
    undo = registerFastConv3D();
    expect(run()).toEqual(ref);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('also replaces the wasm backend\'s Conv3D (bit-identical: same float32 order of operations)', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    try {
      const k = c([1, 9, 10, 11, 5], [3, 3, 3, 5, 4], 'same', 2);
      const x = random(size(k.xs), 21), f = random(size(k.fs), 22);
      const ref = tfConv3d(x, k.xs, f, k.fs, k.strides, k.pad, k.dil);
      const before = tf.memory().numTensors;
      undo = registerFastConv3D('wasm');
      const got = tfConv3d(x, k.xs, f, k.fs, k.strides, k.pad, k.dil);
      expect(got.shape).toEqual(ref.shape);
      expect(maxRelError(got.data, ref.data)).toBeLessThan(1e-6);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      undo?.();
      undo = undefined;
      await tf.setBackend('cpu');
    }
  });

  it('validates its arguments', () => {
    expect(() => registerFastConv3D('')).toThrow(/registerFastConv3D: backendName/);
    expect(() => registerFastConv3D('cpu', { impl: 'gpu' as Conv3DImpl })).toThrow(/registerFastConv3D: options.impl/);
  });

  it('runs a tfjs-layers Conv3D layer (bias, dilation, relu) through the registered kernel', () => {
    const before = tf.memory().numTensors;
    const layer = tfl.layers.conv3d({ filters: 5, kernelSize: 3, dilationRate: 4, padding: 'same', activation: 'relu', useBias: true, inputShape: [12, 11, 10, 3] });
    const model = tfl.sequential({ layers: [layer] });
    const x = tf.tensor5d(random(12 * 11 * 10 * 3, 9), [1, 12, 11, 10, 3]);
    const ref = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
    undo = registerFastConv3D();
    const got = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync() as Float32Array);
    expect(maxRelError(got, ref)).toBeLessThan(1e-4);
    x.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  const brainchop = resolve(sharedDir, 'models', 'brainchop', 'model5_gw_ae');
  it.runIf(requireTools('conv3d.test (the real MeshNet)', [fileTool('brainchop model5_gw_ae', resolve(brainchop, 'model.json'), 'put the brainchop models in ../shared/models/brainchop')]))('runs a real brainchop MeshNet (model5_gw_ae) with the same labels (with the fast binary ops too)', async () => {
    const json = JSON.parse(readFileSync(resolve(brainchop, 'model.json'), 'utf8'));
    // The model is saved for 256³ inputs; a fully convolutional MeshNet runs on any patch size.
    const input = json.modelTopology.model_config.config.layers[0].config;
    input.batch_input_shape = [null, null, null, null, 1];
    const weightSpecs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
    const buffers = json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(resolve(brainchop, p))));
    const all = Buffer.concat(buffers);
    const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
    const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs, weightData }));
    const before = tf.memory().numTensors;
    // A smooth 20³ "image" in [0, 1].
    const n = 20;
    const img = new Float32Array(n ** 3).map((_, i) => 0.5 + 0.5 * Math.sin(i / 37) * Math.cos(i / 401));
    const x = tf.tensor5d(img, [1, n, n, n, 1]);
    const predict = () => tf.tidy(() => {
      const p = model.predict(x) as tf.Tensor;
      return { logits: p.dataSync() as Float32Array, labels: tf.argMax(p, -1).dataSync() as Int32Array };
    });
    const ref = predict();
    undo = registerFastConv3D();
    const undoBinary = registerFastBinaryOps();
    const got = predict();
    undoBinary();
    expect(maxRelError(got.logits, ref.logits)).toBeLessThan(1e-4);
    let same = 0;
    for (let i = 0; i < ref.labels.length; i++) same += got.labels[i] === ref.labels[i] ? 1 : 0;
    expect(same / ref.labels.length).toBeGreaterThanOrEqual(0.999);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  }, 30_000);
});

describe('registerFastBinaryOps (the bias add and GELU steps around a fast Conv3D)', () => {
  it('recognises same-shape, scalar and last-axis broadcasting only', () => {
    expect(broadcastKind([2, 3], [2, 3])).toBe('same');
    expect(broadcastKind([2, 3], [])).toBe('scalar');
    expect(broadcastKind([2, 3], [1, 1])).toBe('scalar');
    expect(broadcastKind([1, 4, 5, 6, 3], [1, 1, 1, 1, 3])).toBe('channel');
    expect(broadcastKind([4, 3], [3])).toBe('channel');
    expect(broadcastKind([5, 1], [5])).toBeNull(); // the result would be [5, 5]
    expect(broadcastKind([2, 3], [1, 1, 1])).toBeNull(); // the result would have rank 3
    expect(broadcastKind([4, 3], [4, 1])).toBeNull();
  });

  it('gives exactly tfjs-backend-cpu\'s results, falls back for other shapes and dtypes, and undoes', () => {
    const names = ['Add', 'Sub', 'Multiply', 'RealDiv'];
    const originals = names.map((n) => tf.getKernel(n, 'cpu'));
    const pairs: [number[], number[]][] = [
      [[1, 4, 5, 6, 3], [1, 1, 1, 1, 3]], [[1, 1, 1, 1, 3], [1, 4, 5, 6, 3]], [[2, 3, 4], [4]], [[4], [2, 3, 4]],
      [[2, 3, 4], []], [[], [2, 3, 4]], [[2, 3, 4], [1, 1, 1]], [[2, 3, 4], [2, 3, 4]], [[4, 1], [1, 5]], [[5, 1], [5]],
    ];
    const run = () => tf.tidy(() => pairs.flatMap(([sa, sb], i) => {
      const a = tf.tensor(random(sa.reduce((p, n) => p * n, 1), 300 + i), sa);
      const b = tf.tensor(random(sb.reduce((p, n) => p * n, 1), 400 + i).map((v) => v + 2), sb);
      const ai = tf.tensor(Int32Array.from({ length: 6 }, (_, k) => k), [2, 3], 'int32');
      return [tf.add(a, b), tf.sub(a, b), tf.mul(a, b), tf.div(a, b), tf.sub(b, a), tf.div(b, a), tf.add(ai, tf.scalar(2, 'int32'))]
        .map((t) => ({ shape: t.shape, dtype: t.dtype, data: Array.from(t.dataSync()) }));
    }));
    const before = tf.memory().numTensors;
    const ref = run();
    const undo = registerFastBinaryOps();
    try {
      expect(names.map((n) => tf.getKernel(n, 'cpu'))).not.toEqual(originals);
      expect(run()).toEqual(ref);
    } finally {
      undo();
      undo();
    }
    expect(names.map((n) => tf.getKernel(n, 'cpu'))).toEqual(originals);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => registerFastBinaryOps('')).toThrow(/registerFastBinaryOps: backendName/);
  });
});
