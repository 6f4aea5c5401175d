// model.json is checked before tfjs sees it (validateModelJson, called by loadModel).
// Checked against the code before the fix (a copy of HEAD): the cases that go through loadModel
// loaded, gave tfjs's own messages (no weight named), or (cycles, dangling inbound nodes, node
// index 1, a layer without an inbound node) never returned; those are only run here against the
// validator itself, and through the worker / a child process in modelCheck / noHang.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, MODEL_LIMITS, readModelJson, validateModelJson, type ModelArtifacts } from '../../../../shared/engine/model/index';
import { BRAINCHOP_MODELS, brainchopDir, saveToArtifacts, useCpu } from './modelFixtures';
import { DEMO_MODEL, editedArtifacts, layersOf, rewire, weightsOf, type RawModelJson } from './malformedModels';

beforeAll(useCpu);

/** validateModelJson on a model.json file, edited by `edit`. */
function validateFile(path: string, edit: (json: RawModelJson) => void = () => {}): void {
  const json = JSON.parse(readFileSync(join(path, 'model.json'), 'utf8'));
  edit(json);
  validateModelJson('v', readModelJson('v', json));
}

/** model5_gw_ae edited by `edit`, through validateModelJson. */
const model5 = (edit: (json: RawModelJson) => void) => () => validateFile(brainchopDir('model5_gw_ae'), edit);

describe('layer graph', () => {
  it('every real model passes: the four brainchop models and the demo model', () => {
    for (const name of BRAINCHOP_MODELS) expect(() => validateFile(brainchopDir(name))).not.toThrow();
    expect(() => validateFile(DEMO_MODEL)).not.toThrow();
  });

  it('a Sequential model whose first layer is named "input" is no cycle', async () => {
    const m = tfl.sequential({ layers: [tfl.layers.conv3d({ name: 'input', inputShape: [null, null, null, 1] as unknown as number[], filters: 2, kernelSize: 1 })] });
    const a = await saveToArtifacts(m);
    m.dispose();
    expect(() => validateModelJson('v', readModelJson('v', a.modelJson))).not.toThrow();
  });

  it('a cycle is refused, naming the layers on it in data-flow order', () => {
    // model5: input → 21 → 22 → 23 → …; 21 now reads 23.
    expect(model5((j) => rewire(layersOf(j), 1, '23'))).toThrow(`v: model.json's layer graph has a cycle: "22" → "23" → "21" → "22" (each layer feeds the next)`);
    expect(model5((j) => rewire(layersOf(j), 1, '21'))).toThrow(`v: model.json's layer graph has a cycle: "21" → "21"`);
  });

  it('a dangling inbound node is refused, naming the layer and the missing name', () => {
    expect(model5((j) => rewire(layersOf(j), 2, 'nope'))).toThrow(`v: layer "22" (Activation) reads layer "nope", which is not in the model`);
  });

  it('node index ≠ 0, a layer without an inbound node, two inputs, duplicate names, bad endpoints', () => {
    expect(model5((j) => (layersOf(j)[2].inbound_nodes = [[['21', 1, 0, {}]]]))).toThrow(
      'v: layer 22 inbound_nodes[0][0] reads node_index 1 of layer 21; only 0 is supported (one call, one output per layer)',
    );
    expect(model5((j) => (layersOf(j)[2].inbound_nodes = []))).toThrow(`v: layer "22" (Activation) has no inbound node and is not an InputLayer`);
    expect(
      model5((j) => {
        const layers = layersOf(j);
        layers.splice(1, 0, { ...layers[0], name: 'input2', config: { ...layers[0].config, name: 'input2' } });
      }),
    ).toThrow(`v: the model must have exactly one input layer, found 2 ("input", "input2")`);
    expect(
      model5((j) => {
        const layers = layersOf(j);
        layers[3].config.name = layers[3].name = '22';
        rewire(layers, 4, '22');
      }),
    ).toThrow(`v: model.json has two layers named "22" (Activation and Conv3D); layer names must be unique`);
    expect(model5((j) => (j.modelTopology.model_config.config.output_layers = [['gone', 0, 0]]))).toThrow(`v: model.json's output_layers names layer "gone", which is not in the model`);
  });
});

describe('declared sizes (MODEL_LIMITS) are refused before tfjs allocates from them', () => {
  it.each([
    ['filters', 1, (l: RawModelJson[]) => (l[1].config.filters = 1e9), 'layer "21" (Conv3D) has filters 1000000000; it must be an integer in 1…65536'],
    ['kernel_size', 1, (l: RawModelJson[]) => (l[1].config.kernel_size = [0, 3, 3]), 'layer "21" (Conv3D) has kernel_size [0,3,3]; it must be an integer or 3 integers in 1…1024'],
    ['kernel_size rank', 1, (l: RawModelJson[]) => (l[1].config.kernel_size = [3, 3]), 'layer "21" (Conv3D) has kernel_size [3,3]; it must be an integer or 3 integers in 1…1024'],
    ['dilation_rate', 1, (l: RawModelJson[]) => (l[1].config.dilation_rate = [1e6, 1, 1]), 'layer "21" (Conv3D) has dilation_rate [1000000,1,1]; it must be an integer or 3 integers in 1…1024'],
    ['strides', 1, (l: RawModelJson[]) => (l[1].config.strides = [1.5, 1, 1]), 'layer "21" (Conv3D) has strides [1.5,1,1]; it must be an integer or 3 integers in 1…1024'],
    ['batch_input_shape', 0, (l: RawModelJson[]) => (l[0].config.batch_input_shape = [null, 1e9, 256, 256, 1]), 'layer "input" (InputLayer) has batch_input_shape [null,1000000000,256,256,1]; it must be null or integers in 1…65536'],
  ])('%s', async (_key, _layer, edit, message) => {
    const a = await editedArtifacts((j) => edit(layersOf(j)));
    await expect(loadModel(a)).rejects.toThrow(`loadModel: ${message}`);
  });

  it('the limits are far above the real models', () => {
    expect(MODEL_LIMITS).toMatchObject({ size: 65_536, window: 1_024, weightElements: 2 ** 31 - 1 });
  });
});

/** A small 3-D model with a Conv3D, a BatchNormalization and a Dense layer (tfjs-layers). */
async function convBnDense(): Promise<ModelArtifacts> {
  const m = tfl.sequential({
    layers: [
      tfl.layers.conv3d({ name: 'conv', inputShape: [null, null, null, 1] as unknown as number[], filters: 2, kernelSize: 3, padding: 'same' }),
      tfl.layers.batchNormalization({ name: 'bn' }),
      tfl.layers.dense({ name: 'dense', units: 3, activation: 'softmax' }),
    ],
  });
  const a = await saveToArtifacts(m);
  m.dispose();
  return a;
}

/** Sets the shape of weight `name` in an artifact's manifest. */
function reshape(a: ModelArtifacts, name: string, shape: number[]): void {
  weightsOf(a.modelJson).find((w) => w.name === name)!.shape = shape;
}

describe('weights must agree with their layers', () => {
  it('the conv-BN-dense model loads as saved (all of its weights are checked)', async () => {
    const loaded = await loadModel(await convBnDense());
    expect(loaded.outputClasses).toBe(3);
    expect(weightsOf((await convBnDense()).modelJson).map((w) => `${w.name} [${w.shape}]`)).toEqual([
      'conv/kernel [3,3,3,1,2]',
      'conv/bias [2]',
      'bn/gamma [2]',
      'bn/beta [2]',
      'dense/kernel [2,3]',
      'dense/bias [3]',
      'bn/moving_mean [2]',
      'bn/moving_variance [2]',
    ]);
    loaded.dispose();
  });

  it('a Conv3D kernel with its axes swapped (same bytes) names the weight, its shape and the expected one', async () => {
    const a = await editedArtifacts((j) => (weightsOf(j)[0].shape = [3, 3, 3, 5, 1]));
    await expect(loadModel(a)).rejects.toThrow(`loadModel: weight "21/kernel" has shape [3, 3, 3, 5, 1] but layer "21" (Conv3D), 1 input channel(s) needs [3, 3, 3, 1, 5]`);
    // The input channels are traced: the second conv reads 5 channels.
    const b = await editedArtifacts((j) => (weightsOf(j)[2].shape = [3, 3, 3, 25, 1]));
    await expect(loadModel(b)).rejects.toThrow(`loadModel: weight "23/kernel" has shape [3, 3, 3, 25, 1] but layer "23" (Conv3D), 5 input channel(s) needs [3, 3, 3, 5, 5]`);
  });

  it('Dense and BatchNormalization weights of the wrong shape, and a missing bias', async () => {
    const dense = await convBnDense();
    reshape(dense, 'dense/kernel', [3, 2]);
    await expect(loadModel(dense)).rejects.toThrow(`loadModel: weight "dense/kernel" has shape [3, 2] but layer "dense" (Dense), 2 input channel(s) needs [2, 3]`);
    const bn = await convBnDense();
    reshape(bn, 'bn/gamma', [1]);
    reshape(bn, 'bn/moving_mean', [3]); // the same bytes in all
    await expect(loadModel(bn)).rejects.toThrow(`loadModel: weight "bn/gamma" has shape [1] but layer "bn" (BatchNormalization), 2 input channel(s) needs [2]`);
    const noBias = await editedArtifacts((j) => (weightsOf(j)[1].name = '21/offset'));
    await expect(loadModel(noBias)).rejects.toThrow(`loadModel: layer "21" (Conv3D) needs weight "21/bias" of shape [5], but model.json's weightsManifest has no such weight`);
  });
});

describe('the weights manifest', () => {
  it('an unknown dtype, an absurd element count and a duplicate name are refused, naming the weight', async () => {
    await expect(loadModel(await editedArtifacts((j) => (weightsOf(j)[1].dtype = 'float64')))).rejects.toThrow(
      `loadModel: weight "21/bias" has dtype "float64"; tfjs decodes float32, int32, bool, complex64, string`,
    );
    await expect(loadModel(await editedArtifacts((j) => (weightsOf(j)[1].shape = [65536, 65536])))).rejects.toThrow(
      `loadModel: weight "21/bias" has shape [65536,65536] (4294967296 elements); at most 2147483647 elements are supported`,
    );
    await expect(loadModel(await editedArtifacts((j) => (weightsOf(j)[3].name = '21/bias')))).rejects.toThrow(`loadModel: weight "21/bias" is listed twice in model.json's weightsManifest`);
  });
});

describe('NaN and ±Infinity in the weights', () => {
  it('float32: names the first broken weight, its counts, and the others', async () => {
    const a = await editedArtifacts(
      () => {},
      (w) => {
        w[3] = NaN; // 21/kernel holds 135 values
        w[100] = NaN;
        w[136] = Infinity; // 21/bias, after the kernel
      },
    );
    await expect(loadModel(a)).rejects.toThrow(`loadModel: weight "21/kernel" holds 2 NaN value(s) of 135 (and 1 more weight: "21/bias"): the model's weights are broken`);
    const b = await editedArtifacts(() => {}, (w) => (w[w.length - 1] = -Infinity));
    await expect(loadModel(b)).rejects.toThrow(/^loadModel: weight "output\/bias" holds 1 ±Infinity value\(s\) of 3: /);
  });

  it('float16-quantized weights are scanned; uint8-quantized ones cannot hold NaN, but their scale can overflow', async () => {
    // conv-BN-dense with bn/gamma (2 values) stored as float16 halves: 1.0 and NaN.
    const half = async (second: number) => {
      const a = await convBnDense();
      const data = new Float32Array(a.weights.get('weights.bin')!);
      const gammaAt = 27 * 2 + 2; // after conv/kernel and conv/bias
      const bytes = new Uint8Array(data.length * 4 - 4);
      bytes.set(new Uint8Array(data.buffer, 0, gammaAt * 4));
      new Uint16Array(bytes.buffer, gammaAt * 4, 2).set([0x3c00, second]);
      bytes.set(new Uint8Array(data.buffer, (gammaAt + 2) * 4), gammaAt * 4 + 4);
      weightsOf(a.modelJson).find((w) => w.name === 'bn/gamma')!.quantization = { dtype: 'float16' };
      a.weights.set('weights.bin', bytes.buffer);
      return a;
    };
    const ok = await loadModel(await half(0x4000)); // 2.0
    ok.dispose();
    await expect(loadModel(await half(0x7e00))).rejects.toThrow(`loadModel: weight "bn/gamma" holds 1 NaN value(s) of 2: the model's weights are broken`);
    await expect(loadModel(await half(0xfc00))).rejects.toThrow(`loadModel: weight "bn/gamma" holds 1 ±Infinity value(s) of 2`);

    const uint8 = async (scale: number) => {
      const a = await convBnDense();
      const data = new Float32Array(a.weights.get('weights.bin')!);
      const at = 27 * 2; // conv/bias: 2 values, one byte each
      const bytes = new Uint8Array(data.length * 4 - 6);
      bytes.set(new Uint8Array(data.buffer, 0, at * 4));
      bytes.set([0, 255], at * 4);
      bytes.set(new Uint8Array(data.buffer, (at + 2) * 4), at * 4 + 2);
      weightsOf(a.modelJson).find((w) => w.name === 'conv/bias')!.quantization = { dtype: 'uint8', scale, min: -1 };
      a.weights.set('weights.bin', bytes.buffer);
      return a;
    };
    const q = await loadModel(await uint8(0.01));
    q.dispose();
    await expect(loadModel(await uint8(1e37))).rejects.toThrow(`loadModel: weight "conv/bias" dequantizes to ±Infinity (min -1 + scale 1e+37 · 255 is beyond float32's range)`);
  });
});

describe('graph models', () => {
  /** A GraphDef: x → Conv3D(w) → BiasAdd(b) → Softmax, edited by `edit`. */
  function graph(edit: (nodes: RawModelJson[]) => void): ModelArtifacts {
    const nodes: RawModelJson[] = [
      { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [-1, -1, -1, -1, 1].map((s) => ({ size: String(s) })) } } } },
      { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } },
      { name: 'b', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } },
      { name: 'conv', op: 'Conv3D', input: ['x', 'w'], attr: { T: { type: 'DT_FLOAT' }, strides: { list: { i: ['1', '1', '1', '1', '1'] } }, padding: { s: btoa('SAME') } } },
      { name: 'logits', op: 'BiasAdd', input: ['conv', 'b'], attr: { T: { type: 'DT_FLOAT' } } },
      { name: 'prob', op: 'Softmax', input: ['logits'], attr: { T: { type: 'DT_FLOAT' } } },
    ];
    edit(nodes);
    return {
      modelJson: {
        format: 'graph-model',
        modelTopology: { node: nodes, versions: { producer: 1 } },
        weightsManifest: [{ paths: ['g.bin'], weights: [{ name: 'w', shape: [3, 3, 3, 1, 2], dtype: 'float32' }, { name: 'b', shape: [2], dtype: 'float32' }] }],
      },
      weights: new Map([['g.bin', new Float32Array(56).buffer]]),
      name: 'graph',
    };
  }

  it('an input that names nothing, and a cycle, are refused naming the nodes', async () => {
    await expect(loadModel(graph((n) => (n[4].input = ['conv', 'nope:0'])))).rejects.toThrow(
      `loadModel: model.json's graph node "logits" (BiasAdd) reads "nope:0", which is neither a node of the graph nor a weight`,
    );
    await expect(loadModel(graph((n) => (n[3].input = ['x', 'w', '^prob'])))).rejects.toThrow(`loadModel: model.json's graph has a cycle: "logits" → "prob" → "conv" → "logits" (each node feeds the next)`);
  });

  it('a while loop (NextIteration back edge) is not a cycle', () => {
    const a = graph((n) => {
      n.push({ name: 'merge', op: 'Merge', input: ['x', 'next'] }, { name: 'next', op: 'NextIteration', input: ['merge'] });
    });
    expect(() => validateModelJson('v', readModelJson('v', a.modelJson))).not.toThrow();
  });
});
