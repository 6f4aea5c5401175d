import { checkDeclaredSizes, layerLabel } from './declaredSizes';
import { graphOrder } from './graphOrder';
import { kerasLayers, type KerasLayer } from './kerasTopology';
import { checkLayerConfig } from './layerConfigs';
import { checkLayerWeights } from './layerWeights';
import { MODEL_LIMITS } from './modelLimits';
import { isRecord, type ModelJson } from './modelJson';

/** Layer names of a Functional config's `input_layers` / `output_layers` (`[["input", 0, 0], …]`). */
function endpointNames(fn: string, config: Record<string, unknown>, key: 'input_layers' | 'output_layers'): string[] | undefined {
  const list = config[key];
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) throw new TypeError(`${fn}: model.json's model config has ${key} that is not a list`);
  // Keras 3 writes a single endpoint as one ["name", 0, 0] triple instead of a list of them.
  const entries = typeof list[0] === 'string' ? [list] : list;
  return entries.map((e, i) => {
    if (!Array.isArray(e) || typeof e[0] !== 'string') throw new TypeError(`${fn}: model.json's ${key}[${i}] must start with a layer name`);
    // tfjs reads the layer's node `e[1]` and its output `e[2]`; anything but [name, 0, 0] reads a node that is not there.
    if (e[1] !== 0 || e[2] !== 0) throw new TypeError(`${fn}: model.json's ${key}[${i}] is ${JSON.stringify(e)}; it must be ["${e[0]}", 0, 0] (one call, one output per layer)`);
    return e[0];
  });
}

/** The Functional model config (`config` with `layers`), if the topology is one. */
function functionalConfig(topology: Record<string, unknown>): Record<string, unknown> | undefined {
  const mc = isRecord(topology.model_config) ? topology.model_config : topology;
  return mc.class_name !== 'Sequential' && isRecord(mc.config) ? mc.config : undefined;
}

/**
 * Checks a layers model's topology before tfjs builds it (tfjs-layers waits forever for an
 * inbound layer that is missing or on a cycle): layer names are unique; every inbound node names
 * a layer of the model; every layer but the input has an inbound node; there is exactly one
 * input layer, of dtype float32 (or none), and a Functional model's `input_layers` /
 * `output_layers` are there, `[[name, 0, 0]]` naming layers of the model; the layer graph has
 * no cycle; declared sizes are within `MODEL_LIMITS` (`checkDeclaredSizes`); the config keys
 * tfjs needs are there (`checkLayerConfig`); and the weights of the layers with known weights
 * agree with their config (`checkLayerWeights`).
 * @throws naming `fn` and the layers concerned.
 */
export function validateLayersModel(fn: string, json: ModelJson): void {
  const layers = kerasLayers(fn, json.modelTopology);
  if (layers.length > MODEL_LIMITS.layers) throw new RangeError(`${fn}: model.json has ${layers.length} layers; at most ${MODEL_LIMITS.layers} are supported`);
  const byName = new Map<string, KerasLayer>();
  for (const layer of layers) {
    const other = byName.get(layer.name);
    if (other) throw new TypeError(`${fn}: model.json has two layers named "${layer.name}" (${other.className} and ${layer.className}); layer names must be unique`);
    byName.set(layer.name, layer);
  }
  const functional = functionalConfig(json.modelTopology);
  for (const layer of layers) {
    for (const name of layer.inbound) {
      if (!byName.has(name)) throw new TypeError(`${fn}: ${layerLabel(layer)} reads layer "${name}", which is not in the model`);
    }
    if (functional && layer.inbound.length === 0 && layer.className !== 'InputLayer')
      throw new TypeError(`${fn}: ${layerLabel(layer)} has no inbound node and is not an InputLayer: it is not connected to the model's input`);
  }
  const inputs = layers.filter((l) => l.className === 'InputLayer' || l.inbound.length === 0);
  if (inputs.length !== 1)
    throw new TypeError(`${fn}: the model must have exactly one input layer, found ${inputs.length}${inputs.length ? ` (${inputs.map((l) => `"${l.name}"`).join(', ')})` : ''}`);
  // PatchLens feeds float32 images: an input declared otherwise fails only when the model runs.
  const inputDtype = inputs[0].config.dtype;
  if (inputDtype !== undefined && inputDtype !== null && inputDtype !== 'float32')
    throw new TypeError(`${fn}: ${layerLabel(inputs[0])} has dtype ${JSON.stringify(inputDtype)}; PatchLens feeds float32 images (dtype "float32")`);
  if (functional) {
    for (const key of ['input_layers', 'output_layers'] as const) {
      const names = endpointNames(fn, functional, key);
      // tfjs iterates both lists: without one it crashes ("undefined is not iterable").
      if (names === undefined) throw new TypeError(`${fn}: model.json's model config has no ${key} (e.g. [["${key === 'input_layers' ? inputs[0].name : layers[layers.length - 1].name}", 0, 0]])`);
      if (names.length !== 1) throw new TypeError(`${fn}: model.json's ${key} lists ${names.length} layers (${names.join(', ')}); PatchLens runs models with one input and one output`);
      if (!byName.has(names[0])) throw new TypeError(`${fn}: model.json's ${key} names layer "${names[0]}", which is not in the model`);
      if (key === 'input_layers' && names[0] !== inputs[0].name) throw new TypeError(`${fn}: model.json's input_layers names "${names[0]}" but the input layer is "${inputs[0].name}"`);
    }
  }
  const sorted = graphOrder(
    layers.map((l) => l.name),
    (name) => byName.get(name)!.inbound,
  );
  if ('cycle' in sorted) throw new TypeError(`${fn}: model.json's layer graph has a cycle: ${sorted.cycle.map((n) => `"${n}"`).join(' → ')} (each layer feeds the next)`);
  for (const layer of layers) {
    checkDeclaredSizes(fn, layer);
    checkLayerConfig(fn, layer);
  }
  checkLayerWeights(fn, layers, sorted.order, json.weightsManifest);
}
