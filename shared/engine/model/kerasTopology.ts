import { isRecord } from './modelJson';

/** One layer of a Keras topology (tfjs `layers-model`), as written in model.json. */
export interface KerasLayer {
  /** `class_name`, e.g. `Conv3D`, `Activation`, `InputLayer`. */
  className: string;
  /** The layer's name (`config.name`, or the layer's own `name`). */
  name: string;
  /** The layer's `config` object. */
  config: Record<string, unknown>;
  /** Names of the layers feeding it (empty for an input layer). */
  inbound: string[];
}

/** The model part of a Keras topology: `modelTopology.model_config`, or the topology itself. */
function modelConfig(fn: string, topology: Record<string, unknown>): Record<string, unknown> {
  const mc = isRecord(topology.model_config) ? topology.model_config : topology;
  if (typeof mc.class_name !== 'string') throw new TypeError(`${fn}: model.json's modelTopology has no model_config.class_name (not a Keras topology)`);
  return mc;
}

/** The raw layer list of a model config (Functional `config.layers`, Sequential `config.layers` or an old `config` array). */
function rawLayers(fn: string, mc: Record<string, unknown>): unknown[] {
  const cfg = mc.config;
  if (Array.isArray(cfg)) return cfg;
  if (isRecord(cfg) && Array.isArray(cfg.layers)) return cfg.layers;
  throw new TypeError(`${fn}: model.json's model_config (${String(mc.class_name)}) has no layer list`);
}

/** Inbound layer names of a Keras 2 `inbound_nodes` entry (`[[["name", 0, 0, {}], …]]`). */
function inboundNames(fn: string, layerName: string, nodes: unknown): string[] {
  // tfjs iterates every layer's inbound_nodes (an input layer's is []): without the list it crashes.
  if (nodes === undefined) throw new TypeError(`${fn}: layer ${layerName} has no inbound_nodes list (an input layer has [])`);
  if (!Array.isArray(nodes)) throw new TypeError(`${fn}: layer ${layerName} has inbound_nodes that is not a list`);
  if (nodes.length === 0) return [];
  if (nodes.length > 1) throw new TypeError(`${fn}: layer ${layerName} is called ${nodes.length} times (shared layers are not supported)`);
  const node = nodes[0];
  if (!Array.isArray(node)) throw new TypeError(`${fn}: layer ${layerName} has an inbound node in an unsupported format (Keras 3?)`);
  return node.map((entry, i) => {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new TypeError(`${fn}: layer ${layerName} inbound_nodes[0][${i}] must start with a layer name`);
    // `[name, node_index, tensor_index, kwargs]`. With no shared layers every layer has one node
    // and one output, so both indices are 0; tfjs waits forever for a node index that never comes.
    for (const [k, what] of [
      [1, 'node_index'],
      [2, 'tensor_index'],
    ] as const) {
      if (entry[k] !== undefined && entry[k] !== 0)
        throw new TypeError(`${fn}: layer ${layerName} inbound_nodes[0][${i}] reads ${what} ${JSON.stringify(entry[k])} of layer ${entry[0]}; only 0 is supported (one call, one output per layer)`);
    }
    return entry[0];
  });
}

/**
 * The layers of a Keras topology in file order (topological order for Functional models).
 * Sequential models get each layer's predecessor as inbound and a synthetic input layer
 * named `input` (`input_1`, … when a layer has that name) when the first layer carries the
 * `batch_input_shape`.
 * @throws naming `fn` when the topology is not a Keras model config, and when a layer of a
 * Functional model has no own `name` or one that differs from its `config.name`.
 */
export function kerasLayers(fn: string, topology: Record<string, unknown>): KerasLayer[] {
  const mc = modelConfig(fn, topology);
  const sequential = mc.class_name === 'Sequential';
  const layers: KerasLayer[] = [];
  const raws = rawLayers(fn, mc);
  // The made-up input layer's name must not be one of the real layers' (a Conv3D named "input").
  const taken = new Set(raws.map((r) => (isRecord(r) && isRecord(r.config) && typeof r.config.name === 'string' ? r.config.name : isRecord(r) ? r.name : undefined)));
  let inputName = 'input';
  for (let k = 1; taken.has(inputName); k++) inputName = `input_${k}`;
  raws.forEach((raw, i) => {
    if (!isRecord(raw) || typeof raw.class_name !== 'string' || !isRecord(raw.config))
      throw new TypeError(`${fn}: model.json layer ${i} has no class_name or config`);
    // tfjs calls string methods on a layer's name (`name.match`): any other type crashes it.
    if (raw.config.name !== undefined && typeof raw.config.name !== 'string')
      throw new TypeError(`${fn}: model.json layer ${i} (${raw.class_name}) has config.name ${JSON.stringify(raw.config.name)}; a layer name must be a string`);
    const name = typeof raw.config.name === 'string' ? raw.config.name : typeof raw.name === 'string' ? raw.name : `layer${i}`;
    if (sequential) {
      if (i === 0 && raw.class_name !== 'InputLayer' && Array.isArray(raw.config.batch_input_shape)) {
        layers.push({ className: 'InputLayer', name: inputName, config: { batch_input_shape: raw.config.batch_input_shape }, inbound: [] });
      }
      const prev = layers[layers.length - 1];
      layers.push({ className: raw.class_name, name, config: raw.config, inbound: prev ? [prev.name] : [] });
    } else {
      // tfjs-layers wires a Functional model by each layer's own `name` (what inbound nodes and
      // input_layers / output_layers refer to) but names the layer itself by `config.name`: when
      // the own name is missing or differs, a node waits for a layer that never comes and tfjs
      // loops forever.
      if (typeof raw.name !== 'string') throw new TypeError(`${fn}: model.json layer ${i} (${raw.class_name}) has no "name"; the layers of a Functional model are wired by name`);
      if (typeof raw.config.name === 'string' && raw.config.name !== raw.name)
        throw new TypeError(`${fn}: model.json layer ${i} (${raw.class_name}) is named "${raw.name}" but its config names it "${raw.config.name}"; the two must agree`);
      layers.push({ className: raw.class_name, name, config: raw.config, inbound: inboundNames(fn, name, raw.inbound_nodes) });
    }
  });
  return layers;
}

/** The `batch_input_shape` of the (single) input layer, e.g. `[null, 256, 256, 256, 1]`. */
export function batchInputShape(fn: string, layers: readonly KerasLayer[]): (number | null)[] {
  const inputs = layers.filter((l) => l.className === 'InputLayer' || (l.inbound.length === 0 && Array.isArray(l.config.batch_input_shape)));
  if (inputs.length !== 1) throw new TypeError(`${fn}: the model must have exactly one input layer, found ${inputs.length}`);
  const shape = inputs[0].config.batch_input_shape ?? inputs[0].config.batch_shape;
  if (!Array.isArray(shape) || shape.length < 3 || !shape.every((s) => s === null || (Number.isInteger(s) && (s as number) > 0)))
    throw new TypeError(`${fn}: input layer ${inputs[0].name} has no usable batch_input_shape (got ${JSON.stringify(shape)})`);
  return shape as (number | null)[];
}

/**
 * A deep copy of the topology whose input accepts any batch and spatial size
 * (`batch_input_shape` `[null, null, …, null, C]`), so that a model saved for 256³ runs on a patch.
 * brainchop does the same by editing `layers[0].batchInputShape` after loading; editing the
 * topology before loading also keeps the layers' output shapes consistent.
 */
export function relaxInputShape(fn: string, topology: Record<string, unknown>): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(topology)) as Record<string, unknown>;
  const mc = modelConfig(fn, copy);
  let relaxed = 0;
  for (const raw of rawLayers(fn, mc)) {
    if (!isRecord(raw) || !isRecord(raw.config)) continue;
    for (const key of ['batch_input_shape', 'batch_shape'] as const) {
      const shape = raw.config[key];
      if (Array.isArray(shape) && shape.length >= 3) {
        raw.config[key] = shape.map((s, i) => (i === shape.length - 1 ? s : null));
        relaxed++;
      }
    }
  }
  if (relaxed === 0) throw new TypeError(`${fn}: model.json has no layer with a batch_input_shape to relax`);
  return copy;
}

/** A per-axis integer list from a Keras config value (`3` or `[3, 3, 3]`), expanded to `rank` entries. */
export function perAxisConfig(value: unknown, rank: number, fallback: number): number[] {
  if (typeof value === 'number') return new Array<number>(rank).fill(value);
  if (Array.isArray(value) && value.length === rank && value.every((v) => typeof v === 'number')) return value as number[];
  return new Array<number>(rank).fill(fallback);
}

/** The activation name of a layer config (`'linear'` when absent), lowercased. */
export function activationName(config: Record<string, unknown>): string {
  const a = config.activation;
  if (typeof a === 'string') return a.toLowerCase();
  if (isRecord(a) && typeof a.class_name === 'string') return a.class_name.toLowerCase();
  return 'linear';
}

/** Whether the layer is a plain convolution (`Conv1D`, `Conv2D`, `Conv3D`). */
export function isConvolution(layer: KerasLayer): boolean {
  return /^(Conv[123]D|Convolution[123]D)$/.test(layer.className);
}
