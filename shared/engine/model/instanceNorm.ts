import * as tf from '@tensorflow/tfjs-core';

/**
 * brainchop's normalization after mindgrab's `*_gn` convolutions: for every sample and channel,
 * over all spatial axes, `(x − mean) / sqrt(var + epsilon)` with the population variance (mean of
 * squared deviations) and no scale or offset, i.e. an instance normalization (a group
 * normalization with one channel per group). Input channels-last `[b, ...spatial, C]`.
 */
export function instanceNorm(x: tf.Tensor, epsilon: number): tf.Tensor {
  if (x.rank < 3) throw new RangeError(`instanceNorm: input must be [batch, ...spatial, channels], got shape [${x.shape}]`);
  if (!(epsilon > 0)) throw new RangeError(`instanceNorm: epsilon must be positive, got ${epsilon}`);
  return tf.tidy(() => {
    const axes = Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
    const { mean, variance } = tf.moments(x, axes, true);
    return tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
  });
}
