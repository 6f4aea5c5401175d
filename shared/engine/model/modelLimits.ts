/**
 * The limits model.json is checked against before tfjs builds anything (`validateModelJson`).
 * tfjs allocates every layer's weights from its config before it reads the weight files, so a
 * declared size is, in effect, an allocation request: these bounds keep a malformed or hostile
 * model.json from asking for gigabytes or hanging the loader. They are far above any real
 * segmentation model (brainchop's MeshNets: ≤ 21 filters, 3³ kernels, dilation ≤ 16, 256³ input).
 */
export const MODEL_LIMITS = {
  /** Layers of a layers model. */
  layers: 100_000,
  /** Nodes of a graph model. */
  nodes: 1_000_000,
  /** A declared size: `batch_input_shape` / `batch_shape` entries, `filters`, `units`, `depth_multiplier`, `groups` (2^16). */
  size: 65_536,
  /** A per-axis window parameter: `kernel_size`, `strides`, `dilation_rate`, `pool_size`, `size` (UpSampling), `padding` / `cropping` amounts. */
  window: 1_024,
  /** Entries of `batch_input_shape` (batch and channels included: 6 is a 4-D channels-last input). */
  inputRank: 6,
  /** Elements of one weight (2^31 − 1). */
  weightElements: 2 ** 31 - 1,
} as const;
