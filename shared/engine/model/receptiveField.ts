import { isConvolution, perAxisConfig, type KerasLayer } from './kerasTopology';

/** Layers that act voxel by voxel (they do not widen the receptive field). */
const POINTWISE = new Set([
  'InputLayer', 'Activation', 'ReLU', 'ELU', 'LeakyReLU', 'PReLU', 'ThresholdedReLU', 'Softmax',
  'Dropout', 'SpatialDropout1D', 'SpatialDropout2D', 'SpatialDropout3D', 'GaussianNoise', 'GaussianDropout',
  'AlphaDropout', 'BatchNormalization', 'LayerNormalization', 'Add', 'Subtract', 'Multiply', 'Average',
  'Maximum', 'Minimum', 'Concatenate',
]);

/** The receptive field of a Keras topology, or why it was not computed. */
export type ReceptiveFieldResult = { field: number[] } | { reason: string };

/**
 * Receptive field in voxels per spatial axis of a network of stride-1 convolutions and
 * voxel-wise layers: along every path from the input, 1 + Σ (k − 1)·dilation per axis; the
 * largest over all paths. MeshNet: 1 + Σ 2·dilation.
 * Any other layer (strides, pooling, upsampling, dense, …) makes it unknown, with the reason.
 */
export function receptiveField(layers: readonly KerasLayer[], spatialRank: number): ReceptiveFieldResult {
  const extent = new Map<string, number[]>();
  for (const layer of layers) {
    const inputs = layer.inbound.map((n) => extent.get(n));
    if (inputs.some((e) => e === undefined)) return { reason: `layer ${layer.name} comes before its inputs in model.json` };
    const base = new Array<number>(spatialRank).fill(0);
    for (const e of inputs as number[][]) for (let a = 0; a < spatialRank; a++) base[a] = Math.max(base[a], e[a]);
    if (isConvolution(layer)) {
      const strides = perAxisConfig(layer.config.strides, spatialRank, 1);
      if (strides.some((s) => s !== 1)) return { reason: `layer ${layer.name} has strides ${strides.join('×')}` };
      const kernel = perAxisConfig(layer.config.kernel_size, spatialRank, NaN);
      const dilation = perAxisConfig(layer.config.dilation_rate, spatialRank, 1);
      if (kernel.some((k) => !Number.isInteger(k) || k < 1)) return { reason: `layer ${layer.name} has no usable kernel_size` };
      extent.set(layer.name, base.map((b, a) => b + (kernel[a] - 1) * dilation[a]));
    } else if (POINTWISE.has(layer.className)) {
      extent.set(layer.name, base);
    } else {
      return { reason: `layer ${layer.name} (${layer.className}) is not a stride-1 convolution or a voxel-wise layer` };
    }
  }
  const last = layers[layers.length - 1];
  if (!last) return { reason: 'the model has no layers' };
  return { field: extent.get(last.name)!.map((e) => 1 + e) };
}
