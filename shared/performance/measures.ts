import * as tf from '@tensorflow/tfjs-core';

/**
 * An elementwise measure between reference labels and predictions (tfjs argument order),
 * returning a tensor whose first axis is the batch axis.
 */
export type Measure = (labels: tf.Tensor, predictions: tf.Tensor) => tf.Tensor;

/** torch clamps log() at −100 in its BCE so that p = 0, t = 1 costs 100, not infinity. */
const LOG_FLOOR = -100;

function clampedLog(x: tf.Tensor): tf.Tensor {
  return tf.maximum(tf.log(x), LOG_FLOOR);
}

/**
 * The measures of the original `patchperformance` project and their PatchLens additions.
 * `l2` and `l2WithLogits` are the seed's (misleading) names for the absolute error; they are
 * kept as aliases so code written against the seed keeps working.
 */
export const MEASURES = {
  /** −[t·log p + (1−t)·log(1−p)], each log clamped at −100 (torch's `binary_cross_entropy`). */
  binaryCrossEntropy: (t: tf.Tensor, p: tf.Tensor) =>
    tf.neg(tf.add(tf.mul(t, clampedLog(p)), tf.mul(tf.sub(1, t), clampedLog(tf.sub(1, p))))),
  /** BCE on logits x: max(x, 0) − x·t + log(1 + exp(−|x|)) (torch's stable form). */
  binaryCrossEntropyWithLogits: (t: tf.Tensor, x: tf.Tensor) =>
    tf.add(tf.sub(tf.relu(x), tf.mul(x, t)), tf.log1p(tf.exp(tf.neg(tf.abs(x))))),
  /** |p − t|. */
  absoluteError: (t: tf.Tensor, p: tf.Tensor) => tf.abs(tf.sub(p, t)),
  /** |sigmoid(x) − t| on logits. */
  absoluteErrorWithLogits: (t: tf.Tensor, x: tf.Tensor) => tf.abs(tf.sub(tf.sigmoid(x), t)),
  /** (p − t)². */
  squaredError: (t: tf.Tensor, p: tf.Tensor) => tf.square(tf.sub(p, t)),
  /** −Σ_c t_c·log p_c over the last (channel) axis, log clamped at −100; the map has no channel axis. */
  categoricalCrossEntropy: (t: tf.Tensor, p: tf.Tensor) => tf.neg(tf.sum(tf.mul(t, clampedLog(p)), -1)),
} satisfies Record<string, Measure>;

/** Names of the built-in measures. */
export type MeasureName = keyof typeof MEASURES | 'l2' | 'l2WithLogits';

/** The seed's names, mapped to ours. */
const ALIASES: Record<string, keyof typeof MEASURES> = {
  l2: 'absoluteError',
  l2WithLogits: 'absoluteErrorWithLogits',
};

/** Every name `resolveMeasure` accepts. */
export const MEASURE_NAMES: readonly MeasureName[] = [...(Object.keys(MEASURES) as MeasureName[]), 'l2', 'l2WithLogits'];

/**
 * Looks a measure up by name (aliases included) or passes a user function through.
 * @returns the canonical name and the function
 * @throws for an unknown name, listing the valid ones
 */
export function resolveMeasure(measure: MeasureName | Measure, fn = 'resolveMeasure'): { name: string; apply: Measure; sameShape: boolean } {
  if (typeof measure === 'function') return { name: measure.name || 'custom', apply: measure, sameShape: false };
  const key = ALIASES[measure as string] ?? measure;
  if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(MEASURES, key)) {
    throw new RangeError(`${fn}: unknown measure ${JSON.stringify(measure)}; valid measures: ${MEASURE_NAMES.join(', ')}, or a function (labels, predictions) => tensor`);
  }
  return { name: key, apply: MEASURES[key as keyof typeof MEASURES], sameShape: true };
}
