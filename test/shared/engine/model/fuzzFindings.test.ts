// What the fuzzer's model target found in model loading, each fixed in shared/engine/model and
// checked here. Checked against the code before the fixes (the files restored from git): the
// validateModelJson tests passed validation there (the name mismatch then spins in tfjs forever,
// the others crash tfjs with "name.match is not a function" / "Cannot read properties of
// undefined (reading 'sourceLayer')" or fail at predict time), the message was three lines, the
// predict error named no function, and the failed build kept 10 variables (and with the clean-up
// but without builds taking turns, a concurrent build's variables were disposed: checked too).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel, readModelJson, validateModelJson, type ModelArtifacts } from '../../../../shared/engine/model/index';
import { readModelFolder } from '../../../../src-node/readModelFolder';
import { DEMO_MODEL, layersOf, type RawModelJson } from './malformedModels';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** demo/model's artifacts with model.json edited (and its sidecar, which pins the files' hash, dropped). */
async function demo(edit: (json: RawModelJson) => void): Promise<ModelArtifacts> {
  const a = await readModelFolder(DEMO_MODEL);
  edit(a.modelJson);
  delete a.modelJsonBytes;
  delete a.sidecar;
  return a;
}

/** validateModelJson on an edited demo model.json. */
async function validate(edit: (json: RawModelJson) => void): Promise<void> {
  const a = await demo(edit);
  validateModelJson('loadModel', readModelJson('loadModel', a.modelJson));
}

describe('model.json checks the fuzzer added', () => {
  it("refuses a layer whose own name is not its config's name (tfjs wires by the one and names by the other, and spins forever)", async () => {
    await expect(validate((j) => (layersOf(j)[1].name = 'float32'))).rejects.toThrow(
      'loadModel: model.json layer 1 (Conv3D) is named "float32" but its config names it "conv1_d1"; the two must agree',
    );
    await expect(validate((j) => delete layersOf(j)[2].name)).rejects.toThrow('loadModel: model.json layer 2 (Conv3D) has no "name"; the layers of a Functional model are wired by name');
  });

  it('refuses a config.name that is not a string (tfjs crashed on name.match)', async () => {
    await expect(validate((j) => (layersOf(j)[6].config.name = true))).rejects.toThrow('loadModel: model.json layer 6 (Conv3D) has config.name true; a layer name must be a string');
  });

  it('refuses input_layers / output_layers entries other than [name, 0, 0] (tfjs read a node that is not there)', async () => {
    await expect(validate((j) => (j.modelTopology.config.output_layers = [['output', 0]]))).rejects.toThrow(
      'loadModel: model.json\'s output_layers[0] is ["output",0]; it must be ["output", 0, 0] (one call, one output per layer)',
    );
    await expect(validate((j) => (j.modelTopology.config.input_layers = [['input', 0, 2]]))).rejects.toThrow(/^loadModel: model.json's input_layers\[0\] is \["input",0,2\]/);
    await expect(validate(() => undefined)).resolves.toBeUndefined();
  });

  it('refuses an input layer that is not float32 (it loaded, then every prediction failed)', async () => {
    await expect(validate((j) => (layersOf(j)[0].config.dtype = '6'))).rejects.toThrow(
      'loadModel: layer "input" (InputLayer) has dtype "6"; PatchLens feeds float32 images (dtype "float32")',
    );
  });
});

describe('more layer checks the fuzzer added (each crashed tfjs: "… forEach", "undefined is not iterable", "reading \'length\'", "reading \'dtype\'")', () => {
  it('a Functional layer without inbound_nodes, and a config without input_layers / output_layers', async () => {
    await expect(validate((j) => delete layersOf(j)[0].inbound_nodes)).rejects.toThrow('loadModel: layer input has no inbound_nodes list (an input layer has [])');
    await expect(validate((j) => delete j.modelTopology.config.output_layers)).rejects.toThrow('loadModel: model.json\'s model config has no output_layers (e.g. [["output", 0, 0]])');
    await expect(validate((j) => delete j.modelTopology.config.input_layers)).rejects.toThrow('loadModel: model.json\'s model config has no input_layers (e.g. [["input", 0, 0]])');
  });

  it('config keys without which tfjs constructors crash, and nested models', async () => {
    const reshape = (j: RawModelJson) => {
      layersOf(j)[1].class_name = 'Reshape';
      layersOf(j)[1].config = { name: 'conv1_d1' };
    };
    await expect(validate(reshape)).rejects.toThrow('loadModel: layer "conv1_d1" (Reshape) needs target_shape, a list of positive integers (or -1), got undefined');
    await expect(validate((j) => (layersOf(j)[2].class_name = 'Functional'))).rejects.toThrow('loadModel: layer "conv2_d2" (Functional) is a model nested as a layer');
    await expect(validate((j) => (layersOf(j)[3].class_name = 'TimeDistributed'))).rejects.toThrow(/^loadModel: layer "conv3_d4" \(TimeDistributed\) needs layer, the wrapped layer/);
  });

  it('refuses an initializer given as a constraint, and any initializer/regularizer/constraint of the wrong kind (seed 2026 case 16343: "shape.forEach is not a function")', async () => {
    await expect(validate((j) => (layersOf(j)[5].config.kernel_constraint = { class_name: 'Zeros', config: {} }))).rejects.toThrow(
      /^loadModel: layer "conv5_d1" \(Conv3D\) has kernel_constraint \{"class_name":"Zeros","config":\{\}\}; it must be null or a constraint \(MaxNorm, UnitNorm, NonNeg, MinMaxNorm\)/,
    );
    await expect(validate((j) => (layersOf(j)[2].config.bias_regularizer = { class_name: 'MaxNorm', config: {} }))).rejects.toThrow(/bias_regularizer .*it must be null or a regularizer/);
    await expect(validate((j) => (layersOf(j)[2].config.kernel_initializer = [1, 2]))).rejects.toThrow(/kernel_initializer \[1,2\]; it must be null or an? initializer/);
    // The demo model's own initializers (VarianceScaling, Zeros) pass.
    await expect(validate(() => undefined)).resolves.toBeUndefined();
  });

  it('a quantization of null is "not quantized", anything else must be an object', async () => {
    await expect(validate((j) => (j.weightsManifest[0].weights[1].quantization = null))).resolves.toBeUndefined();
    await expect(validate((j) => (j.weightsManifest[0].weights[1].quantization = 5))).rejects.toThrow('loadModel: weight "conv1_d1/bias" has quantization 5; it must be an object');
  });
});

describe('a sidecar must not call logits probabilities', () => {
  it('refuses outputActivation softmax for a model whose last layer is linear (its outputs were used as probabilities)', async () => {
    const a = await readModelFolder(DEMO_MODEL);
    delete a.modelJsonBytes;
    delete (a.sidecar as Record<string, unknown>).sha256;
    delete layersOf(a.modelJson)[6].config.activation; // linear
    await expect(loadModel(a)).rejects.toThrow(
      'loadModel: patchlens.json says outputActivation "softmax" (the model outputs probabilities) but model.json\'s last layer has activation linear: its outputs are not probabilities (for logits, declare "logits-softmax")',
    );
    (a.sidecar as Record<string, unknown>).outputActivation = 'logits-softmax';
    const model = await loadModel(a);
    expect(model.spec.outputActivation).toBe('logits-softmax');
    model.dispose();
  });
});

describe('graph model checks the fuzzer added', () => {
  /** The corpus's tiny graph model (x · w, softmax) with its nodes edited. */
  function graphJson(edit: (nodes: RawModelJson[]) => void) {
    const nodes: RawModelJson[] = [
      { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [-1, -1, -1, -1, 2].map((s) => ({ size: String(s) })) } } } },
      { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' } } },
      { name: 'scaled', op: 'Mul', input: ['x', 'w'], attr: { T: { type: 'DT_FLOAT' } } },
      { name: 'Identity', op: 'Softmax', input: ['scaled'], attr: { T: { type: 'DT_FLOAT' } } },
    ];
    edit(nodes);
    return readModelJson('loadModel', { format: 'graph-model', modelTopology: { node: nodes, versions: { producer: 1 } }, weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }] });
  }

  it('malformed attributes are refused before the converter reads them (it crashed: "shape.dim.map is not a function", "reading \'size\'")', () => {
    expect(() => validateModelJson('loadModel', graphJson(() => undefined))).not.toThrow();
    expect(() => validateModelJson('loadModel', graphJson((n) => (n[0].attr.shape.shape.dim = 1e9)))).toThrow('loadModel: model.json\'s graph node "x" (Placeholder) has attribute "shape" whose shape.dim is not a list: 1000000000');
    expect(() => validateModelJson('loadModel', graphJson((n) => (n[0].attr.shape.shape.dim[1] = null)))).toThrow(
      'loadModel: model.json\'s graph node "x" (Placeholder) has attribute "shape" whose shape.dim[1] is null; each must be { "size": <integer ≥ -1> }',
    );
    expect(() => validateModelJson('loadModel', graphJson((n) => (n[2].attr = { T: 'DT_FLOAT' })))).toThrow('loadModel: model.json\'s graph node "scaled" (Mul) has attribute "T" that is not an AttrValue object: "DT_FLOAT"');
    expect(() => validateModelJson('loadModel', graphJson((n) => (n[2].attr.strides = { list: { i: 1 } })))).toThrow('loadModel: model.json\'s graph node "scaled" (Mul) has attribute "strides" whose list.i is not a list: 1');
  });

  it('a convolution without strides or padding is refused (it loaded, then crashed as it ran: "reading \'split\'")', () => {
    expect(() => validateModelJson('loadModel', graphJson((n) => (n[3].op = 'Conv3D')))).toThrow('loadModel: model.json\'s graph node "Identity" (Conv3D) needs a "strides" attribute ({ "list": { "i": [...] } })');
    const padded = graphJson((n) => {
      n[3].op = 'Conv3D';
      n[3].attr.strides = { list: { i: ['1', '1', '1', '1', '1'] } };
    });
    expect(() => validateModelJson('loadModel', padded)).toThrow('loadModel: model.json\'s graph node "Identity" (Conv3D) needs a "padding" attribute ({ "s": <base64 of SAME or VALID> })');
  });

  it('a sidecar that calls the output of a graph ending in Mul probabilities is refused (they were returned as probabilities)', async () => {
    const json = graphJson((n) => n.splice(3, 1)).raw;
    const sidecar = { normalization: { kind: 'none' }, outputActivation: 'softmax', channels: 2, classes: [{ name: 'a', color: [0, 0, 0] }, { name: 'b', color: [255, 0, 0] }] };
    await expect(loadModel({ modelJson: json, weights: new Map([['w.bin', Float32Array.of(1, -0.5).buffer]]), sidecar, name: 'g' })).rejects.toThrow(
      'loadModel: patchlens.json says outputActivation "softmax" (the model outputs probabilities) but model.json\'s graph ends in Mul: its outputs are not probabilities (for logits, declare "logits-softmax")',
    );
  });

  it('a compute op without an input is refused (it loaded, then crashed as it ran)', () => {
    expect(() => validateModelJson('loadModel', graphJson((n) => (n[1].op = 'Softmax')))).toThrow('loadModel: model.json\'s graph node "w" (Softmax) has no input; a Softmax needs one');
  });

  it('an input that names a weight without its Const node is refused (the converter crashed "reading \'outputs\'")', () => {
    expect(() => validateModelJson('loadModel', graphJson((n) => n.splice(1, 1)))).toThrow(
      'loadModel: model.json\'s graph node "scaled" (Mul) reads "w", a weight with no node of that name in the graph (a weight is read through its Const node)',
    );
  });

  it('refuses a GraphDef without its versions object (tfjs-converter crashed reading versions.producer)', () => {
    const json = readModelJson('loadModel', { format: 'graph-model', modelTopology: { node: [{ name: 'x', op: 'Placeholder' }] }, weightsManifest: [] });
    expect(() => validateModelJson('loadModel', json)).toThrow('loadModel: model.json\'s graph has no versions object (modelTopology.versions, e.g. { "producer": 1 })');
    json.modelTopology.versions = { producer: 1 };
    expect(() => validateModelJson('loadModel', json)).not.toThrow();
  });
});

describe('loadModel reports tfjs failures in one line that names it', () => {
  it('a tfjs build error is one line, without its list of possible causes', async () => {
    const a = await demo((j) => (layersOf(j)[3].class_name = 'Foo'));
    await expect(loadModel(a)).rejects.toThrow(/^loadModel: tfjs could not build the layers-model: Unknown layer: Foo\.$/);
  });

  it('a failure while the model runs names LoadedModel.predict', async () => {
    // A graph model that loads (graph models are not shape-checked) but cannot run: a [3]-vector times a 2-channel input.
    const graph = {
      format: 'graph-model',
      modelTopology: {
        node: [
          { name: 'x', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: [{ size: '-1' }, { size: '-1' }, { size: '-1' }, { size: '-1' }, { size: '2' }] } } } },
          { name: 'w', op: 'Const', attr: { dtype: { type: 'DT_FLOAT' }, value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '3' }] } } } } },
          { name: 'scaled', op: 'Mul', input: ['x', 'w'], attr: { T: { type: 'DT_FLOAT' } } },
          { name: 'Identity', op: 'Softmax', input: ['scaled'], attr: { T: { type: 'DT_FLOAT' } } },
        ],
        versions: { producer: 1 },
      },
      weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [3], dtype: 'float32' }] }],
    };
    const sidecar = { normalization: { kind: 'none' }, outputActivation: 'softmax', channels: 2, classes: [{ name: 'a', color: [0, 0, 0] }, { name: 'b', color: [255, 0, 0] }] };
    const model = await loadModel({ modelJson: graph, weights: new Map([['w.bin', Float32Array.of(1, 2, 3).buffer]]), sidecar, name: 'broken' });
    const x = tf.zeros([1, 4, 4, 4, 2]);
    expect(() => model.predict(x)).toThrow(/^LoadedModel\.predict: tfjs failed to run the model: Operands could not be broadcast together/);
    x.dispose();
    model.dispose();
  });

  it('a build that fails half-way leaves no weight variables behind', async () => {
    // Layer 2 becomes a pooling layer: tfjs builds every layer's variables, then finds no variable for conv2_d2's weights.
    const a = await demo((j) => {
      const layer = layersOf(j)[2];
      layer.class_name = 'MaxPooling3D';
      layer.config = { name: 'conv2_d2', pool_size: [1, 1, 1], strides: [1, 1, 1], padding: 'same', data_format: 'channels_last' };
    });
    const before = Object.keys(tf.engine().registeredVariables).length;
    await expect(loadModel(a)).rejects.toThrow('loadModel: tfjs could not build the layers-model: Provided weight data has no target variable: conv2_d2/kernel');
    expect(Object.keys(tf.engine().registeredVariables).length).toBe(before);
    // Started together, the failing build's clean-up leaves the other model whole.
    const [good, bad] = await Promise.allSettled([loadModel(await readModelFolder(DEMO_MODEL)), loadModel(a)]);
    expect(bad.status).toBe('rejected');
    expect(good.status).toBe('fulfilled');
    const model = (good as PromiseFulfilledResult<Awaited<ReturnType<typeof loadModel>>>).value;
    const y = model.predict(tf.ones([1, 8, 8, 8, 1]));
    expect(Array.from(y.shape)).toEqual([1, 8, 8, 8, 2]);
    y.dispose();
    model.dispose();
    expect(Object.keys(tf.engine().registeredVariables).length).toBe(before);
  });
});

describe('the last round of the fuzzer\'s model findings', () => {
  it('a class or an activation that is an initializer, not a layer (tfjs built it and crashed)', async () => {
    await expect(validate((j) => (layersOf(j)[3].class_name = 'VarianceScaling'))).rejects.toThrow(
      'loadModel: layer "conv3_d4" (VarianceScaling) names class VarianceScaling, which is not a layer (an initializer, regularizer, constraint or optimizer)',
    );
    await expect(validate((j) => (layersOf(j)[1].config.activation = { class_name: 'Zeros', config: {} }))).rejects.toThrow(
      'loadModel: layer "conv1_d1" (Conv3D) has activation {"class_name":"Zeros","config":{}}; it must be an activation\'s name (e.g. "relu")',
    );
  });
});
