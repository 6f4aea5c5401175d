import type * as tf from '@tensorflow/tfjs-core';
import { classRank, layerLabel } from './declaredSizes';
import { batchInputShape, perAxisConfig, type KerasLayer } from './kerasTopology';
import type { WeightsGroup } from './modelJson';

/** What is known of a layer's output: channels (last axis) and rank (batch included); null when unknown. */
interface Flow {
  channels: number | null;
  rank: number | null;
}

/** One weight a layer owns: its parameter name and shape (null: a size that could not be traced). */
interface Expected {
  param: string;
  shape: (number | null)[];
}

const UNKNOWN: Flow = { channels: null, rank: null };

/** Layers whose output has the channels and rank of their (first) input. */
const PASSTHROUGH = new Set([
  'Activation', 'ReLU', 'ELU', 'LeakyReLU', 'PReLU', 'ThresholdedReLU', 'Softmax', 'Dropout', 'SpatialDropout1D',
  'SpatialDropout2D', 'SpatialDropout3D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'BatchNormalization',
  'LayerNormalization', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Masking',
  'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D',
  'UpSampling1D', 'UpSampling2D', 'UpSampling3D', 'ZeroPadding1D', 'ZeroPadding2D', 'ZeroPadding3D',
  'Cropping1D', 'Cropping2D', 'Cropping3D',
]);

/** Whether a layer works on the last axis: `axis` absent, −1 or `rank − 1` (also as a one-entry list). */
function lastAxis(axis: unknown, rank: number | null): boolean {
  const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
  return a === undefined || a === -1 || (rank !== null && a === rank - 1);
}

/** Input channels per group of a (grouped) convolution, checked against `groups`. */
function perGroup(fn: string, layer: KerasLayer, channels: number | null): number | null {
  const groups = typeof layer.config.groups === 'number' ? layer.config.groups : 1;
  if (channels === null || groups === 1) return channels;
  if (channels % groups !== 0) throw new RangeError(`${fn}: ${layerLabel(layer)} has groups ${groups}, which does not divide its ${channels} input channels`);
  return channels / groups;
}

/**
 * The weights tfjs gives a layer of a known class, in tfjs's order (the order Keras 3 names by
 * index), from its config and its input; undefined for a class that is not checked.
 */
function expectedWeights(fn: string, layer: KerasLayer, input: Flow): Expected[] | undefined {
  const c = layer.config;
  const cls = layer.className.replace(/^Convolution/, 'Conv');
  const rank = classRank(cls);
  const filters = typeof c.filters === 'number' ? c.filters : null;
  const bias = c.use_bias !== false;
  const inC = input.channels;
  const kernel = rank ? perAxisConfig(c.kernel_size, rank, NaN) : [];
  const out: Expected[] = [];
  if (/^Conv[123]D$/.test(cls)) {
    out.push({ param: 'kernel', shape: [...kernel, perGroup(fn, layer, inC), filters] });
    if (bias) out.push({ param: 'bias', shape: [filters] });
  } else if (/^Conv[23]DTranspose$/.test(cls)) {
    out.push({ param: 'kernel', shape: [...kernel, filters, inC] });
    if (bias) out.push({ param: 'bias', shape: [filters] });
  } else if (cls === 'DepthwiseConv2D') {
    const dm = typeof c.depth_multiplier === 'number' ? c.depth_multiplier : 1;
    out.push({ param: 'depthwise_kernel', shape: [...kernel, inC, dm] });
    if (bias) out.push({ param: 'bias', shape: [inC === null ? null : inC * dm] });
  } else if (/^SeparableConv[12]D$/.test(cls)) {
    const dm = typeof c.depth_multiplier === 'number' ? c.depth_multiplier : 1;
    out.push({ param: 'depthwise_kernel', shape: [...kernel, inC, dm] });
    out.push({ param: 'pointwise_kernel', shape: [...kernel.map(() => 1), inC === null ? null : inC * dm, filters] });
    if (bias) out.push({ param: 'bias', shape: [filters] });
  } else if (cls === 'Dense') {
    const units = typeof c.units === 'number' ? c.units : null;
    out.push({ param: 'kernel', shape: [inC, units] });
    if (bias) out.push({ param: 'bias', shape: [units] });
  } else if (cls === 'BatchNormalization' || cls === 'LayerNormalization') {
    if (!lastAxis(c.axis, input.rank)) return undefined;
    if (c.scale !== false) out.push({ param: 'gamma', shape: [inC] });
    if (c.center !== false) out.push({ param: 'beta', shape: [inC] });
    if (cls === 'BatchNormalization') out.push({ param: 'moving_mean', shape: [inC] }, { param: 'moving_variance', shape: [inC] });
  } else {
    return undefined;
  }
  return out;
}

/** What flows out of a layer, from what flows in. */
function outputFlow(layer: KerasLayer, inputs: Flow[]): Flow {
  const c = layer.config;
  const first = inputs[0] ?? UNKNOWN;
  const cls = layer.className.replace(/^Convolution/, 'Conv');
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  if (/^(Conv[123]D|Conv[23]DTranspose|SeparableConv[12]D)$/.test(cls)) return { channels: num(c.filters), rank: first.rank };
  if (cls === 'DepthwiseConv2D') return { channels: first.channels === null ? null : first.channels * (num(c.depth_multiplier) ?? 1), rank: first.rank };
  if (cls === 'Dense') return { channels: num(c.units), rank: first.rank };
  if (PASSTHROUGH.has(cls)) return first;
  if (/^Global(Average|Max)Pooling[123]D$/.test(cls)) return { channels: first.channels, rank: c.keepdims === true ? first.rank : 2 };
  if (cls === 'Concatenate' && lastAxis(c.axis, first.rank) && inputs.length > 0 && inputs.every((f) => f.channels !== null))
    return { channels: inputs.reduce((s, f) => s + f.channels!, 0), rank: first.rank };
  return UNKNOWN;
}

/** Shape as text, `?` for an unknown size. */
function shapeText(shape: readonly (number | null)[]): string {
  return `[${shape.map((s) => (s === null ? '?' : s)).join(', ')}]`;
}

/**
 * Checks each weight of the layers tfjs would build from their config (Conv1D/2D/3D, their
 * Transpose and Separable forms, DepthwiseConv2D, Dense, BatchNormalization, LayerNormalization)
 * against `weightsManifest`: it must be there (tfjs allocates it from the config first and fails
 * only afterwards), float32, and of the shape the config and the layer's input channels give
 * (Conv kernel `[…kernel_size, in / groups, filters]`, bias `[filters]`; Dense kernel `[in, units]`;
 * normalization `[channels]`). Input channels are traced from the input layer through the layers
 * that keep them; where they cannot be traced (an unchecked layer, channels_first) that size is
 * not compared. Weight names follow tfjs: `layer/param`, `layer/cell/param`, or Keras 3's `layer/index`.
 * Layers of other classes are left to tfjs.
 * @param order layer names, inputs first (`graphOrder`)
 * @throws naming `fn`, the weight, its shape and the expected one (or the missing weight).
 */
export function checkLayerWeights(fn: string, layers: readonly KerasLayer[], order: readonly string[], manifest: readonly WeightsGroup[]): void {
  const entries = new Map<string, tf.io.WeightsManifestEntry>();
  for (const g of manifest) for (const w of g.weights) entries.set(w.name, w);
  const names = [...entries.keys()];
  // tfjs's test for Keras 3 weights: the first name ends in an index (`dense/0`).
  const byIndex = names.length > 0 && !Number.isNaN(parseInt(names[0].split('/').pop()!, 10));
  const shortened = new Map<string, string>();
  for (const name of names) {
    const t = name.split('/');
    if (t.length >= 3) shortened.set([...t.slice(0, -2), t[t.length - 1]].join('/'), name);
  }
  const find = (name: string) => entries.get(name) ?? entries.get(shortened.get(name) ?? '');

  const byName = new Map(layers.map((l) => [l.name, l]));
  const channelsFirst = layers.some((l) => l.config.data_format === 'channels_first');
  const input = (() => {
    try {
      return batchInputShape(fn, layers);
    } catch {
      return null;
    }
  })();
  const flows = new Map<string, Flow>();
  for (const name of order) {
    const layer = byName.get(name)!;
    const ins = layer.inbound.map((n) => flows.get(n) ?? UNKNOWN);
    let inFlow = ins[0] ?? UNKNOWN;
    if (channelsFirst) inFlow = UNKNOWN;
    const expected = layer.inbound.length <= 1 ? expectedWeights(fn, layer, inFlow) : undefined;
    expected?.forEach((e, index) => {
      const weightName = `${layer.name}/${byIndex ? index : e.param}`;
      const w = find(weightName);
      const want = shapeText(e.shape);
      if (!w) throw new RangeError(`${fn}: ${layerLabel(layer)} needs weight "${weightName}" of shape ${want}, but model.json's weightsManifest has no such weight`);
      if (w.dtype !== 'float32') throw new TypeError(`${fn}: weight "${w.name}" has dtype ${w.dtype}; ${layerLabel(layer)} needs float32`);
      const fits = w.shape.length === e.shape.length && e.shape.every((s, i) => s === null || s === w.shape[i]);
      if (!fits) {
        const from = inFlow.channels === null ? '' : `, ${inFlow.channels} input channel(s)`;
        throw new RangeError(`${fn}: weight "${w.name}" has shape ${shapeText(w.shape)} but ${layerLabel(layer)}${from} needs ${want}`);
      }
    });
    if (layer.className === 'InputLayer' || (layer.inbound.length === 0 && input)) {
      flows.set(name, channelsFirst || !input ? UNKNOWN : { channels: input[input.length - 1], rank: input.length });
    } else {
      flows.set(name, channelsFirst ? UNKNOWN : outputFlow(layer, ins));
    }
  }
}
