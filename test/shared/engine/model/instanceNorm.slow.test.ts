import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { concatWeights, instanceNorm, loadModel, readModelJson, relaxInputShape, runLayers } from '../../../../shared/engine/model/index';
import { readModelFolder } from '../../../../src-node/readModelFolder';
import { brainchopDir, randomInput, saveToArtifacts, useCpu } from './modelFixtures';

beforeAll(useCpu);

/** Exact GELU, x·Φ(x) = x/2·(1 + erf(x/√2)). */
const gelu = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))));

/** brainchop's normalization written out: per channel over D, H, W, population variance, epsilon 1e-5. */
function referenceNorm(x: tf.Tensor): tf.Tensor {
  const mean = tf.mean(x, [1, 2, 3], true);
  const variance = tf.mean(tf.square(tf.sub(x, mean)), [1, 2, 3], true);
  return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5)));
}

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('instanceNorm', () => {
  it('matches the written-out normalization, per sample and channel', () => {
    tf.tidy(() => {
      const x = tf.add(tf.mul(randomInput([2, 5, 6, 7, 3], 3), 4), 1);
      expect(maxAbsDiff(instanceNorm(x, 1e-5), referenceNorm(x))).toBeLessThan(1e-5);
      const m = tf.moments(instanceNorm(x, 1e-5), [1, 2, 3]);
      expect(tf.max(tf.abs(m.mean)).dataSync()[0]).toBeLessThan(1e-5);
      expect(tf.max(tf.abs(tf.sub(m.variance, 1))).dataSync()[0]).toBeLessThan(1e-3);
    });
  });
  it('names itself in its errors', () => {
    expect(() => instanceNorm(tf.zeros([4, 4]), 1e-5)).toThrow(/instanceNorm: input must be/);
    expect(() => instanceNorm(tf.zeros([1, 4, 4, 1]), 0)).toThrow(/instanceNorm: epsilon must be positive/);
  });
});

describe('mindgrab runs layer by layer with brainchop\'s normalization after its *_gn convolutions', () => {
  it('its first conv + norm + GELU equals a hand-written tf reference; the plain conv is not normalized', async () => {
    const artifacts = await readModelFolder(brainchopDir('mindgrab'));
    const json = readModelJson('test', artifacts.modelJson);
    const { weightSpecs, weightData } = concatWeights('test', json.weightsManifest, artifacts.weights);
    const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: relaxInputShape('test', json.modelTopology), weightSpecs, weightData }));
    const x = randomInput([1, 20, 20, 20, 1], 11);
    const before = tf.memory().numTensors;
    const norm = { layerSuffix: '_gn', epsilon: 1e-5 };
    const ours = runLayers(model, x, { instanceNorm: norm, stopAfter: 'activation_0' });
    const plain = runLayers(model, x, { stopAfter: 'conv3d_0_gn' });
    expect(tf.memory().numTensors).toBe(before + 2);
    const kernel = model.getLayer('conv3d_0_gn').getWeights()[0];
    expect(kernel.shape).toEqual([3, 3, 3, 1, 15]);
    tf.tidy(() => {
      const conv = tf.conv3d(x as tf.Tensor5D, kernel as tf.Tensor5D, 1, 'same', 'NDHWC', [16, 16, 16]);
      const reference = gelu(referenceNorm(conv));
      expect(ours.shape).toEqual([1, 20, 20, 20, 15]);
      expect(maxAbsDiff(ours, reference)).toBeLessThan(1e-4);
      expect(maxAbsDiff(plain, conv)).toBeLessThan(1e-5);
      expect(maxAbsDiff(plain, referenceNorm(conv))).toBeGreaterThan(0.1);
    });
    tf.dispose([x, ours, plain]);
    model.dispose();
  });

  it('the loaded mindgrab reports translationEquivariant=false and its predict differs from model.predict()', async () => {
    const artifacts = await readModelFolder(brainchopDir('mindgrab'));
    const loaded = await loadModel(artifacts);
    expect(loaded.translationEquivariant).toBe(false);
    expect(loaded.spec.notes!.join(' ')).toMatch(/not translation-equivariant/);
    const json = readModelJson('test', artifacts.modelJson);
    const { weightSpecs, weightData } = concatWeights('test', json.weightsManifest, artifacts.weights);
    const model = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: relaxInputShape('test', json.modelTopology), weightSpecs, weightData }));
    const x = randomInput([1, 12, 12, 12, 1], 5);
    const ours = loaded.predict(x);
    tf.tidy(() => {
      const withNorm = tf.softmax(runLayers(model, x, { instanceNorm: { layerSuffix: '_gn', epsilon: 1e-5 } }));
      const withoutNorm = tf.softmax(model.predict(x) as tf.Tensor);
      expect(maxAbsDiff(ours, withNorm)).toBeLessThan(1e-5);
      expect(maxAbsDiff(ours, withoutNorm)).toBeGreaterThan(1e-2);
    });
    tf.dispose([x, ours]);
    model.dispose();
    loaded.dispose();
    expect(() => loaded.predict(tf.zeros([1, 4, 4, 4, 1]))).toThrow(/LoadedModel.predict: the model was disposed/);
  });
});

describe('a model of our own with a *_gn convolution', () => {
  /** input → conv "block_gn" (4 filters, 3³, dilation 2, no bias) → GELU → conv "head" (2 filters, 1³) → logits. */
  function tinyGnModel(): tfl.LayersModel {
    const input = tfl.input({ shape: [null, null, null, 1] as unknown as number[] });
    const conv = tfl.layers.conv3d({ name: 'block_gn', filters: 4, kernelSize: 3, dilationRate: 2, padding: 'same', useBias: false, kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) });
    const act = tfl.layers.activation({ name: 'act', activation: 'gelu' });
    const head = tfl.layers.conv3d({ name: 'head', filters: 2, kernelSize: 1, padding: 'same', biasInitializer: 'ones', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) });
    const output = head.apply(act.apply(conv.apply(input))) as tfl.SymbolicTensor;
    return tfl.model({ inputs: input, outputs: output });
  }

  it('is inferred to need the normalization, and predicts conv → norm → GELU → conv → softmax', async () => {
    const tiny = tinyGnModel();
    const loaded = await loadModel(await saveToArtifacts(tiny));
    expect(loaded.spec.source).toBe('inferred');
    expect(loaded.spec.instanceNorm).toEqual({ layerSuffix: '_gn', epsilon: 1e-5 });
    expect(loaded.translationEquivariant).toBe(false);
    expect(loaded.spec.assumptions.join(' ')).toMatch(/block_gn.*per-channel normalization/);
    expect(loaded.spec.receptiveField).toEqual([5, 5, 5]);
    const x = randomInput([2, 6, 7, 8, 1], 9);
    const before = tf.memory().numTensors;
    const out = loaded.predict(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.tidy(() => {
      const [k1] = tiny.getLayer('block_gn').getWeights();
      const [k2, b2] = tiny.getLayer('head').getWeights();
      const h = gelu(referenceNorm(tf.conv3d(x as tf.Tensor5D, k1 as tf.Tensor5D, 1, 'same', 'NDHWC', 2)));
      const reference = tf.softmax(tf.add(tf.conv3d(h as tf.Tensor5D, k2 as tf.Tensor5D, 1, 'same'), b2));
      expect(out.shape).toEqual([2, 6, 7, 8, 2]);
      expect(maxAbsDiff(out, reference)).toBeLessThan(1e-5);
      // Not translation-equivariant: the same voxels inside a smaller patch get another answer.
      const part = loaded.predict(tf.slice(x, [0, 0, 0, 0, 0], [2, 6, 7, 4, 1]));
      expect(maxAbsDiff(tf.slice(part, [0, 2, 2, 0, 0], [2, 2, 2, 2, 2]), tf.slice(out, [0, 2, 2, 0, 0], [2, 2, 2, 2, 2]))).toBeGreaterThan(1e-3);
    });
    out.dispose();
    x.dispose();
    loaded.dispose();
    tiny.dispose();
  });
});
