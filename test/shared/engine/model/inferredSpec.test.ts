import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadModel, modelHash, resolveSpec, type ModelArtifacts } from '../../../../shared/engine/model/index';
import { readModelFolder } from '../../../../src-node/readModelFolder';
import { brainchopDir, randomInput, saveToArtifacts, useCpu } from './modelFixtures';

beforeAll(useCpu);

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('an unknown model gets a spec inferred from model.json, with its assumptions', () => {
  it('model5_gw_ae with one weight byte changed is no longer recognised', async () => {
    const artifacts = await readModelFolder(brainchopDir('model5_gw_ae'));
    const shard = new Uint8Array(artifacts.weights.get('group1-shard1of1.bin')!.slice(0));
    shard[1000] ^= 1;
    const changed: ModelArtifacts = { ...artifacts, weights: new Map([['group1-shard1of1.bin', shard.buffer]]) };
    expect(modelHash(changed).sha256).not.toBe(modelHash(artifacts).sha256);
    const spec = resolveSpec(changed);
    expect(spec).toMatchObject({
      name: 'model5_gw_ae',
      source: 'inferred',
      channels: 1,
      outputActivation: 'logits-softmax',
      normalization: { kind: 'min-max' },
      receptiveField: [93, 93, 93],
      translationEquivariant: true,
    });
    expect(spec.classes.map((c) => c.name)).toEqual(['class0', 'class1', 'class2']);
    expect(spec.classes[0].color).toEqual([0, 0, 0]);
    expect(spec.orientation).toBeUndefined();
    expect(spec.crop).toBeUndefined();
    const text = spec.assumptions.join('\n');
    expect(text).toMatch(/no sidecar and not a known model: normalization assumed min-max/);
    expect(text).toMatch(/class names assumed class0\.\.class2/);
    expect(text).toMatch(/the image is used as it is/);
    expect(spec.notes!.join('\n')).toMatch(/receptive field 93×93×93 computed from model.json/);
    const model = await loadModel(changed);
    const out = model.predict(randomInput([1, 8, 8, 8, 1]));
    expect(out.shape).toEqual([1, 8, 8, 8, 3]);
    tf.dispose(out);
    model.dispose();
  });

  it('a 2-D softmax model of our own (tfjs-layers, saved with withSaveHandler)', async () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [32, 32, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tfl.layers.conv2d({ filters: 3, kernelSize: 5, dilationRate: 2, padding: 'same', activation: 'softmax' }),
      ],
    });
    const artifacts = await saveToArtifacts(m);
    const loaded = await loadModel(artifacts);
    expect(loaded.spec).toMatchObject({ source: 'inferred', channels: 2, outputActivation: 'softmax', receptiveField: [11, 11] });
    expect(loaded.inputShape).toEqual({ rank: 4, spatialRank: 2, channels: 2 });
    expect(loaded.outputClasses).toBe(3);
    const x = randomInput([3, 12, 9, 2]);
    const out = loaded.predict(x);
    const reference = m.apply(x) as tf.Tensor; // the saved model says 32×32; the loaded one takes any size
    expect(out.shape).toEqual([3, 12, 9, 3]);
    expect(maxAbsDiff(out, reference)).toBeLessThan(1e-6);
    expect(() => loaded.predict(tf.zeros([1, 8, 8, 1]))).toThrow(/^LoadedModel.predict: batch must be \[batch, size, size, 2\] \(channels-last\), got \[1,8,8,1\]/);
    tf.dispose([x, out, reference]);
    loaded.dispose();
    m.dispose();
  });

  it('one linear output channel: logits-sigmoid, classes background / foreground', async () => {
    const m = tfl.sequential({ layers: [tfl.layers.conv3d({ inputShape: [8, 8, 8, 1], filters: 1, kernelSize: 3, padding: 'same' })] });
    const loaded = await loadModel(await saveToArtifacts(m));
    expect(loaded.spec.outputActivation).toBe('logits-sigmoid');
    expect(loaded.spec.classes.map((c) => c.name)).toEqual(['background', 'foreground']);
    expect(loaded.outputClasses).toBe(1);
    const x = randomInput([1, 5, 6, 7, 1]);
    const out = loaded.predict(x);
    const reference = tf.sigmoid(m.apply(x) as tf.Tensor);
    expect(maxAbsDiff(out, reference)).toBeLessThan(1e-6);
    tf.dispose([x, out, reference]);
    loaded.dispose();
    m.dispose();
  });

  it('a strided model: the receptive field is unknown, and the spec says why', async () => {
    const m = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [16, 16, 1], filters: 2, kernelSize: 3, strides: 2, padding: 'same' }),
        tfl.layers.conv2d({ filters: 4, kernelSize: 1, activation: 'relu' }),
      ],
    });
    const spec = resolveSpec(await saveToArtifacts(m));
    expect(spec.receptiveField).toBeUndefined();
    expect(spec.outputActivation).toBe('none');
    expect(spec.assumptions.join('\n')).toMatch(/receptive field unknown: layer conv2d_\w+ has strides 2×2/);
    expect(spec.assumptions.join('\n')).toMatch(/activation "relu" is not a probability/);
    m.dispose();
  });
});

describe('graph models (tfjs-converter)', () => {
  /** Placeholder x [-1, -1, -1, -1, 1] → Conv3D(w: 3³×1×2, SAME) → BiasAdd(b) → Softmax, written by hand. */
  function graphArtifacts(w: Float32Array, b: Float32Array): ModelArtifacts {
    const dims = (...sizes: number[]) => ({ dim: sizes.map((s) => ({ size: String(s) })) });
    const ints = (...v: number[]) => ({ list: { i: v.map(String) } });
    const str = (s: string) => ({ s: btoa(s) });
    const modelTopology = {
      node: [
        { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims(-1, -1, -1, -1, 1) } } },
        { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(3, 3, 3, 1, 2) } } } },
        { name: 'b', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(2) } } } },
        { name: 'conv', op: 'Conv3D', input: ['x', 'w'], attr: { T: { type: 'DT_FLOAT' }, strides: ints(1, 1, 1, 1, 1), dilations: ints(1, 1, 1, 1, 1), padding: str('SAME'), data_format: str('NDHWC') } },
        { name: 'logits', op: 'BiasAdd', input: ['conv', 'b'], attr: { T: { type: 'DT_FLOAT' }, data_format: str('NDHWC') } },
        { name: 'prob', op: 'Softmax', input: ['logits'], attr: { T: { type: 'DT_FLOAT' } } },
      ],
      versions: { producer: 1 },
    };
    const data = new Float32Array(w.length + b.length);
    data.set(w);
    data.set(b, w.length);
    return {
      modelJson: {
        format: 'graph-model',
        modelTopology,
        weightsManifest: [{ paths: ['g.bin'], weights: [{ name: 'w', shape: [3, 3, 3, 1, 2], dtype: 'float32' }, { name: 'b', shape: [2], dtype: 'float32' }] }],
      },
      weights: new Map([['g.bin', data.buffer]]),
      name: 'hand-written graph',
    };
  }

  it('a hand-written graph model loads, is inferred (softmax, 2 classes) and predicts like tf.conv3d', async () => {
    const w = randomInput([3, 3, 3, 1, 2], 4).dataSync() as Float32Array;
    const b = new Float32Array([0.25, -0.5]);
    const loaded = await loadModel(graphArtifacts(w, b));
    expect(loaded.kind).toBe('graph-model');
    expect(loaded.spec).toMatchObject({ source: 'inferred', channels: 1, outputActivation: 'softmax', name: 'hand-written graph' });
    expect(loaded.outputClasses).toBe(2);
    expect(loaded.spec.assumptions.join('\n')).toMatch(/receptive field unknown: the receptive field is not computed for graph models/);
    const x = randomInput([2, 5, 6, 7, 1], 8);
    const before = tf.memory().numTensors;
    const out = loaded.predict(x);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.tidy(() => {
      const reference = tf.softmax(tf.add(tf.conv3d(x as tf.Tensor5D, tf.tensor5d(w, [3, 3, 3, 1, 2]), 1, 'same'), tf.tensor1d(b)));
      expect(out.shape).toEqual([2, 5, 6, 7, 2]);
      expect(maxAbsDiff(out, reference)).toBeLessThan(1e-6);
    });
    tf.dispose([x, out]);
    loaded.dispose();
  });

  it('a graph model whose output cannot be traced asks for a sidecar', () => {
    const a = graphArtifacts(new Float32Array(54), new Float32Array(2));
    const json = a.modelJson as { modelTopology: { node: { name: string; op: string; input?: string[] }[] } };
    json.modelTopology.node.push({ name: 'out', op: 'Exp', input: ['prob'] });
    expect(() => resolveSpec(a)).toThrow(/^resolveSpec: model.json does not tell how many classes the model outputs; add a patchlens.json sidecar/);
  });
});

describe('layer-by-layer execution of Sequential models', () => {
  it('predictAsync runs a tfl.sequential model (its input layer is hidden) like predict', async () => {
    const seq = tfl.sequential({
      layers: [
        tfl.layers.conv3d({ inputShape: [null, null, null, 1] as unknown as number[], filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }) }),
        tfl.layers.conv3d({ filters: 2, kernelSize: 1, padding: 'same', activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const loaded = await loadModel(await saveToArtifacts(seq));
    const x = tf.randomUniform([1, 6, 6, 6, 1], 0, 1, 'float32', 3);
    const a = loaded.predict(x);
    const b = await loaded.predictAsync(x);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    loaded.dispose();
  });
});
