/**
 * Cases of the `model` target: demo/model (as a Functional and as a Sequential model) and a tiny
 * graph model with their model.json mutated — the layer graph (inbound nodes rewired into cycles
 * or to layers that do not exist, node indices, names, class names), the layers' configs and
 * shapes, the weights manifest (shapes, dtypes, names, paths, quantization) — and their weight
 * shards (truncated, extended, bit flips, NaN / ±Infinity / huge values), loaded in memory or
 * from a folder on disk, with the sidecar kept (its pinned sha256 dropped), removed or mutated.
 */
import type { Corpus } from '../corpus';
import { mutateBytes } from '../mutateBytes';
import { interestingJson, mutateJson, type Json } from '../mutateJson';
import type { Rng } from '../rng';
import type { CaseInput } from '../types';

const CLASS_NAMES = ['Conv3D', 'Conv2D', 'Conv1D', 'Conv3DTranspose', 'Dense', 'Activation', 'BatchNormalization', 'InputLayer', 'Concatenate', 'Add', 'MaxPooling3D', 'UpSampling3D', 'ZeroPadding3D', 'Cropping3D', 'Dropout', 'Lambda', 'Reshape', 'Flatten', 'SeparableConv2D', 'DepthwiseConv2D', 'LayerNormalization', 'GlobalAveragePooling3D', 'Foo', ''];

/** The layer list of a Keras topology (Functional or Sequential), or null. */
function layersOf(json: Json): Json[] | null {
  const mc = json?.modelTopology?.model_config ?? json?.modelTopology;
  const layers = mc?.config?.layers ?? (Array.isArray(mc?.config) ? mc.config : null);
  return Array.isArray(layers) ? layers : null;
}

/** One model-aware mutation (in place); a note of what it did. */
function mutateModel(rng: Rng, json: Json): string {
  const layers = layersOf(json); // the file's own list (spliced in place); an entry may be a non-object by now
  const manifest = Array.isArray(json.weightsManifest) ? json.weightsManifest : null;
  const weights: Json[] = manifest?.flatMap((g: Json) => (Array.isArray(g?.weights) ? g.weights : [])) ?? [];
  const nodes: Json[] | null = Array.isArray(json.modelTopology?.node) ? json.modelTopology.node.filter((n: Json) => n !== null && typeof n === 'object') : null;
  const kind = rng.int(0, 11);
  if (nodes && nodes.length > 0 && kind <= 4) {
    const n = rng.pick(nodes);
    const other = rng.pick(nodes);
    switch (kind) {
      case 0:
        n.input = [...(n.input ?? []), rng.pick([other.name, `${other.name}:1`, `^${other.name}`, 'missing', ''])];
        return `node ${n.name} reads ${n.input[n.input.length - 1]}`;
      case 1:
        n.op = rng.pick(['Conv3D', 'Softmax', 'NextIteration', 'Placeholder', 'Const', 'Foo', '']);
        return `node ${n.name} op ${n.op}`;
      case 2:
        n.name = rng.pick([other.name, '', 'x:0', `${n.name}_`]);
        return 'node renamed';
      case 3:
        n.attr = interestingJson(rng);
        return `node attr = ${JSON.stringify(n.attr).slice(0, 30)}`;
      default:
        if (n.attr?.shape?.shape?.dim) {
          n.attr.shape.shape.dim = Array.from({ length: rng.int(0, 7) }, () => ({ size: String(rng.pick([-1, 0, 1, 2, 3, 2 ** 31, 1e12])) }));
          return 'input shape changed';
        }
        return mutateJson(rng, json);
    }
  }
  if (layers && layers.length > 0 && kind <= 6) {
    const i = rng.int(0, layers.length - 1);
    const layer = layers[i];
    const other = rng.pick(layers);
    const name = other?.config?.name ?? other?.name;
    switch (rng.int(0, 9)) {
      case 0:
        layer.inbound_nodes = [[[rng.pick([name, 'missing', layer?.config?.name ?? '']), 0, 0, {}]]];
        return `layer ${i} reads ${JSON.stringify(layer.inbound_nodes[0][0][0])}`;
      case 1:
        layer.inbound_nodes = rng.pick([[], [[]], [[[name, 1, 0, {}]]], [[[name, 0, 1, {}]]], [[[name, 0, 0, {}]], [[name, 0, 0, {}]]], [[[name, 0, 0, {}], [name, 0, 0, {}]]], [{ args: [] }], 'x']);
        return `layer ${i} inbound_nodes = ${JSON.stringify(layer.inbound_nodes)}`;
      case 2:
        if (layer?.config) layer.config.name = rng.pick([name, '', 'input', `${name}/x`]);
        layer.name = layer?.config?.name;
        return `layer ${i} renamed`;
      case 3:
        layer.class_name = rng.pick(CLASS_NAMES);
        return `layer ${i} class ${layer.class_name}`;
      case 4: {
        const key = rng.pick(['filters', 'kernel_size', 'strides', 'dilation_rate', 'padding', 'activation', 'use_bias', 'batch_input_shape', 'data_format', 'groups', 'units', 'axis', 'dtype']);
        if (!layer?.config) return 'no config';
        layer.config[key] = rng.pick<Json>([
          0, 1, 2, 3, 6, 7, 65_536, 65_537, 1e9, -3, 2.5, '6', null, [], [3, 3], [3, 3, 3], [1024, 1024, 1024], [0, 3, 3], [null, null, null, null, 1], [null, 8, 8, 8, 2],
          [null, 65_537, 1, 1, 1], [null, 1], 'same', 'valid', 'causal', 'channels_first', 'softmax', 'relu', 'gelu', 'nope', true, false, 'int32', 'float16',
        ]);
        return `layer ${i} ${key} = ${JSON.stringify(layer.config[key])}`;
      }
      case 5:
        layers.splice(i, 1);
        return `layer ${i} removed`;
      case 6:
        layers.splice(rng.int(0, layers.length), 0, structuredClone(layer));
        return `layer ${i} duplicated`;
      case 7: {
        const j = rng.int(0, layers.length - 1);
        [layers[i], layers[j]] = [layers[j], layers[i]];
        return `layers ${i} and ${j} swapped`;
      }
      case 8: {
        const cfg = json.modelTopology?.config ?? json.modelTopology?.model_config?.config;
        if (!cfg || Array.isArray(cfg)) return 'no endpoints';
        const key = rng.pick(['input_layers', 'output_layers']);
        cfg[key] = rng.pick<Json>([[[name, 0, 0]], [name, 0, 0], [], [[name, 0, 0], [name, 0, 0]], [['missing', 0, 0]], 'x']);
        return `${key} = ${JSON.stringify(cfg[key])}`;
      }
      default: {
        // Rewire so that an earlier layer reads a later one: a cycle through the chain.
        const j = rng.int(i, layers.length - 1);
        const later = layers[j]?.config?.name ?? layers[j]?.name;
        layer.inbound_nodes = [[[later, 0, 0, {}]]];
        return `layer ${i} reads later layer ${j} (${String(later)})`;
      }
    }
  }
  if (weights.length > 0 && kind <= 9) {
    const w = rng.pick(weights);
    switch (rng.int(0, 6)) {
      case 0:
        w.shape = rng.pick<Json>([[], [0], [1], [...(w.shape ?? []), 1], (w.shape ?? []).slice(1), (w.shape ?? []).map((s: number) => s + 1), [2 ** 31], [65_536, 65_536], [-1], [1.5], ['3']]);
        return `weight ${w.name} shape ${JSON.stringify(w.shape)}`;
      case 1:
        w.dtype = rng.pick(['float16', 'int32', 'bool', 'string', 'complex64', 'uint8', 'float64', 'x', 7]);
        return `weight ${w.name} dtype ${w.dtype}`;
      case 2:
        w.name = rng.pick([rng.pick(weights).name, '', `${w.name}x`, 'conv1_d1/kernel', 'output/0']);
        return `weight renamed ${w.name}`;
      case 3:
        w.quantization = rng.pick<Json>([
          { dtype: 'uint8', scale: 0.01, min: -1 },
          { dtype: 'uint16', scale: 1e39, min: 0 },
          { dtype: 'uint8', scale: null, min: 0 },
          { dtype: 'float16' },
          { dtype: 'int4' },
          { dtype: 'uint8', scale: 1e-3, min: -3.4e38 },
        ]);
        return `weight ${w.name} quantized ${JSON.stringify(w.quantization)}`;
      case 4: {
        const g: Json = rng.pick<Json>(manifest!);
        g.paths = rng.pick<Json>([[], ['missing.bin'], ['../outside.bin'], ['/etc/hostname'], ['http://example.com/w.bin'], [...(g.paths ?? []), ...(g.paths ?? [])], [''], [g.paths?.[0], 'extra.bin']]);
        return `paths ${JSON.stringify(g.paths)}`;
      }
      case 5: {
        const g: Json = rng.pick<Json>(manifest!);
        if (Array.isArray(g.weights) && g.weights.length > 0) g.weights.splice(rng.int(0, g.weights.length - 1), 1);
        return 'a weight removed from the manifest';
      }
      default:
        manifest!.push(structuredClone(rng.pick(manifest!)));
        return 'a manifest group duplicated';
    }
  }
  if (kind === 10) {
    json.format = rng.pick(['graph-model', 'layers-model', undefined, 'x']);
    return `format ${String(json.format)}`;
  }
  return mutateJson(rng, json);
}

/** Writes float32 values into a shard copy (NaN, ±Infinity, huge, denormal) at random places. */
function poison(rng: Rng, shard: Uint8Array): { bytes: Uint8Array; note: string } {
  const out = shard.slice();
  const floats = new Float32Array(out.buffer, 0, Math.floor(out.length / 4));
  if (floats.length === 0) return { bytes: out, note: 'empty shard' };
  const value = rng.pick([NaN, Infinity, -Infinity, 3e38, -3e38, 1e30, 1e-45, 0]);
  const k = rng.pick([1, 1, 2, 10, floats.length]);
  if (k === floats.length) floats.fill(value);
  else for (let i = 0; i < k; i++) floats[rng.int(0, floats.length - 1)] = value;
  return { bytes: out, note: `${k} weight value(s) = ${value}` };
}

/** One random case of the model target. */
export function generateModel(rng: Rng, corpus: Corpus): { name: string; input: CaseInput } {
  const seed = rng.chance(0.85) ? corpus.models[0] : rng.pick(corpus.models);
  const json: Json = JSON.parse(seed.modelJson);
  const notes: string[] = [seed.name];
  if (seed.name === 'demo' && rng.chance(0.2)) {
    // The same model as a Sequential topology (the first layer carries batch_input_shape).
    const layers = layersOf(json)!.slice(1).map((l: Json) => ({ class_name: l.class_name, config: { ...l.config } }));
    layers[0].config.batch_input_shape = [null, null, null, null, 1];
    json.modelTopology = { class_name: 'Sequential', config: { name: 'seq', layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' };
    notes.push('as Sequential');
  }
  const rounds = rng.pick([0, 1, 1, 1, 2, 2, 3, 4]);
  for (let r = 0; r < rounds; r++) {
    try {
      notes.push(rng.chance(0.8) ? mutateModel(rng, json) : mutateJson(rng, json));
    } catch {
      notes.push('a mutation that did not apply'); // an earlier mutation left a shape this one cannot walk
    }
  }
  const shards: [string, Uint8Array][] = seed.shards.map(([p, b]) => [p, b]);
  if (rng.chance(0.3)) {
    const s = rng.int(0, shards.length - 1);
    const m = rng.chance(0.6) ? poison(rng, shards[s][1]) : mutateBytes(rng, shards[s][1], 2 ** 20);
    shards[s] = [shards[s][0], m.bytes];
    notes.push(`shard: ${m.note}`);
  }
  let sidecar: string | null = seed.sidecar;
  if (sidecar !== null) {
    const side: Json = JSON.parse(sidecar);
    const choice = rng.int(0, 19);
    if (choice < 14 || rounds === 0) delete side.sha256; // the pinned hash would refuse every mutant at once
    if (choice === 14) sidecar = null;
    else {
      if (choice >= 17) notes.push(`sidecar: ${mutateJson(rng, side)}`);
      sidecar = JSON.stringify(side);
    }
    if (choice === 14) notes.push('no sidecar');
  }
  const viaFolder = rng.chance(0.12);
  let modelJson: Uint8Array = new TextEncoder().encode(JSON.stringify(json));
  if (viaFolder && rng.chance(0.15)) {
    const m = mutateBytes(rng, modelJson, 2 ** 20);
    modelJson = m.bytes;
    notes.push(`model.json bytes: ${m.note}`);
  }
  const input: CaseInput = { mode: viaFolder ? 'folder' : 'memory', modelJson, shards, sidecar: sidecar === null ? null : new TextEncoder().encode(sidecar) };
  return { name: notes.join('; '), input };
}
