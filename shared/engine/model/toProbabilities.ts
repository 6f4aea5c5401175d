import * as tf from '@tensorflow/tfjs-core';
import type { ModelSpec } from '../modelSpec';

/**
 * Turns a model's raw output `[b, ...spatial, K]` into probabilities per its spec:
 * `logits-softmax` → softmax over the last axis, `logits-sigmoid` → sigmoid; `softmax`, `sigmoid`
 * and `none` are returned as they are (a new tensor either way; the input is not disposed).
 */
export function toProbabilities(raw: tf.Tensor, activation: ModelSpec['outputActivation']): tf.Tensor {
  switch (activation) {
    case 'logits-softmax':
      return tf.softmax(raw, -1);
    case 'logits-sigmoid':
      return tf.sigmoid(raw);
    case 'softmax':
    case 'sigmoid':
    case 'none':
      return tf.clone(raw);
    default:
      throw new RangeError(`toProbabilities: unknown outputActivation ${JSON.stringify(activation)}`);
  }
}
