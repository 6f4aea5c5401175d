/**
 * The demo's training script: its Conv3D gradient (tfjs has none for dilations), its bias-gradient
 * sum, and a tiny seeded training run that writes a model folder the engine loads from its
 * sidecar, the same bytes twice.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { parseNpy } from '../../shared/io/npy';
import { loadModel } from '../../shared/engine/model/loadModel';
import { readModelFolder } from '../../src-node/readModelFolder';
import {
  buildDemoModel,
  DEMO_MODEL_FILES,
  registerConv3DGradient,
  registerFastChannelSum,
  registerTfjsGradients,
  trainDemoModel,
} from '../../scripts/train-demo-model';

const out = mkdtempSync(join(tmpdir(), 'patchlens-demo-train-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** A small deterministic batch: input [3, 7, 6, 5, 1] and one-hot labels [3, 7, 6, 5, 2]. */
function batch(): { x: tf.Tensor5D; y: tf.Tensor } {
  const n = 3 * 7 * 6 * 5;
  const x = tf.tensor5d(Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.5 + 0.5), [3, 7, 6, 5, 1]);
  const labels = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) labels[2 * i + (Math.cos(i * 0.11) > 0 ? 1 : 0)] = 1;
  return { x, y: tf.tensor(labels, [3, 7, 6, 5, 2]) };
}

/** Weight gradients of the demo architecture (dilations 1, so tfjs's own gradient applies too) on `backend`. */
async function weightGradients(backend: string): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const model = buildDemoModel(4, [1, 1, 1], 5, 'linear', 'elu');
  const { x, y } = batch();
  const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar);
  const data = await Promise.all(model.trainableWeights.map((w) => grads[w.name].data() as Promise<Float32Array>));
  tf.dispose([value, x, y, ...Object.values(grads)]);
  model.dispose();
  return data;
}

function maxRelativeError(a: Float32Array, b: Float32Array): number {
  let err = 0;
  let mag = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    mag = Math.max(mag, Math.abs(a[i]));
  }
  return err / mag;
}

let reference: Float32Array[];

beforeAll(async () => {
  await registerTfjsGradients();
  reference = await weightGradients('cpu'); // tfjs's own Conv3D gradient, before ours is registered
  registerConv3DGradient();
});

describe('registerConv3DGradient', () => {
  it('agrees with tfjs’s gradient where tfjs has one (dilation 1), on cpu and on wasm', async () => {
    for (const backend of ['cpu', 'wasm']) {
      const ours = await weightGradients(backend);
      expect(ours).toHaveLength(reference.length);
      ours.forEach((g, i) => expect(maxRelativeError(reference[i], g), `${backend} weight ${i}`).toBeLessThan(1e-5));
    }
  });

  it('matches central differences for a dilated Conv3D (dilations 2×1×3)', async () => {
    await tf.setBackend('cpu');
    const x = tf.tensor5d(Float32Array.from({ length: 2 * 6 * 7 * 8 * 2 }, (_, i) => Math.sin(i * 0.7)), [2, 6, 7, 8, 2]);
    const f = tf.tensor5d(Float32Array.from({ length: 27 * 2 * 3 }, (_, i) => Math.cos(i * 0.3)), [3, 3, 3, 2, 3]);
    const r = tf.tensor(Float32Array.from({ length: 2 * 6 * 7 * 8 * 3 }, (_, i) => Math.sin(i * 0.13)), [2, 6, 7, 8, 3]);
    const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, 1, 'same', 'NDHWC', [2, 1, 3]), r));
    const [gx, gf] = tf.grads(loss)([x, f]);
    const eps = 1e-2;
    const numeric = (which: 0 | 1, index: number): number => {
      const base = (which === 0 ? x : f).dataSync() as Float32Array;
      const at = (delta: number) => {
        const v = Float32Array.from(base);
        v[index] += delta;
        const t = tf.tensor(v, (which === 0 ? x : f).shape);
        const value = (which === 0 ? loss(t, f) : loss(x, t)).dataSync()[0];
        t.dispose();
        return value;
      };
      return (at(eps) - at(-eps)) / (2 * eps);
    };
    for (const index of [0, 17, 101, 500, 1343]) expect(gx.dataSync()[index]).toBeCloseTo(numeric(0, index), 2);
    for (const index of [0, 40, 77, 161]) expect(gf.dataSync()[index]).toBeCloseTo(numeric(1, index), 1);
    tf.dispose([x, f, r, gx, gf]);
  });
});

describe('registerFastChannelSum', () => {
  it('sums over every axis but the last exactly as tfjs does, and leaves other sums to tfjs', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(Float32Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => Math.sin(i)), [2, 3, 4, 5]);
    const before = [await tf.sum(x, [0, 1, 2]).data(), await tf.sum(x, [0, 1, 2], true).data(), await tf.sum(x, 1).data()];
    registerFastChannelSum('wasm');
    const after = [tf.sum(x, [0, 1, 2]), tf.sum(x, [2, 0, 1], true), tf.sum(x, 1)];
    expect(after.map((t) => t.shape)).toEqual([[5], [1, 1, 1, 5], [2, 4, 5]]);
    for (let i = 0; i < 3; i++) expect(maxRelativeError(before[i] as Float32Array, (await after[i].data()) as Float32Array)).toBeLessThan(1e-6);
    tf.dispose([x, ...after]);
  });
});

describe('trainDemoModel', () => {
  it('writes a model folder that loads from its sidecar, with the training-time map, the same bytes on every run', async () => {
    const options = { backend: 'wasm' as const, epochs: 2, stepsPerEpoch: 2, mapEpochs: 1, patchSize: 8, batchSize: 1, channels: 2, dilations: [1, 2] };
    const first = await trainDemoModel(join(out, 'a'), options);
    const second = await trainDemoModel(join(out, 'b'), options);
    expect(first.receptiveField).toBe(7);
    expect(first.patchesSeen).toBe(2);
    expect(second.sha256).toBe(first.sha256);
    for (const name of [DEMO_MODEL_FILES.modelJson, DEMO_MODEL_FILES.weights, DEMO_MODEL_FILES.sidecar, DEMO_MODEL_FILES.map]) {
      expect(Buffer.compare(readFileSync(join(out, 'a', name)), readFileSync(join(out, 'b', name))), name).toBe(0);
    }
    const model = await loadModel(await readModelFolder(join(out, 'a')));
    try {
      expect(model.spec.source).toBe('sidecar');
      expect(model.spec.assumptions).toEqual([]);
      expect(model.spec.trainedPatchSize).toEqual([8, 8, 8]);
      expect(model.spec.receptiveField).toEqual([7, 7, 7]);
      const y = model.predict(tf.zeros([1, 8, 8, 8, 1]));
      expect(y.shape).toEqual([1, 8, 8, 8, 2]);
      y.dispose();
    } finally {
      model.dispose();
    }
    const map = parseNpy(readFileSync(join(out, 'a', DEMO_MODEL_FILES.map)));
    expect(map.shape).toEqual([8, 8, 8]);
  });
});
