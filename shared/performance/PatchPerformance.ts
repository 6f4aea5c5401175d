import * as tf from '@tensorflow/tfjs-core';
import { resolveMeasure, type Measure, type MeasureName } from './measures';
import { PerformanceMap } from './PerformanceMap';

/** Options of {@link PatchPerformance.track}. */
export interface TrackOptions {
  /** A built-in measure name or a function `(labels, predictions) => tensor [batch, ...]` (default `binaryCrossEntropy`). */
  measure?: MeasureName | Measure;
}

/** A loss function in tfjs argument order. */
export type LossFunction<R extends tf.TensorContainer = tf.Tensor> = (labels: tf.Tensor, predictions: tf.Tensor) => R;

/** A tracked loss: call it like the loss; it also accumulates the patch performance map. */
export interface TrackedLoss<R extends tf.TensorContainer = tf.Tensor> {
  /** Same signature and return value as the wrapped loss. */
  (labels: tf.Tensor, predictions: tf.Tensor): R;
  /** Canonical name of the measure. */
  readonly measure: string;
  /** Patches (batch entries) seen since the last reset. */
  readonly patchesSeen: number;
  /**
   * The map: the measure summed over the batch axis of every call, divided by `patchesSeen`;
   * shape `predictions.shape.slice(1)` (without the channel axis for `categoricalCrossEntropy`).
   * The caller owns (and disposes) the returned tensor.
   * @throws before the first call
   */
  calculatePerformance(): tf.Tensor;
  /** The accumulated sum as a framework-free {@link PerformanceMap} (mergeable, serializable). */
  performanceMap(): PerformanceMap;
  /** Forgets everything accumulated (frees the device-side sum). */
  reset(): void;
}

/**
 * Patch performance for tfjs training loops (the seed project's `track(loss, measure)`).
 */
export class PatchPerformance {
  /**
   * Wraps `lossFn` so that every call also accumulates the elementwise `measure` between labels
   * and predictions, summed over the batch axis only. The loss value and its gradients are
   * unchanged; loss and measure run inside one `tf.tidy`, so the only tensor that outlives a call
   * (besides the loss) is the running sum, which replaces the previous one.
   *
   * @example
   * const loss = PatchPerformance.track(tf.losses.sigmoidCrossEntropy, { measure: 'binaryCrossEntropyWithLogits' });
   * optimizer.minimize(() => loss(yBatch, model.predict(xBatch) as tf.Tensor));
   * const map = loss.calculatePerformance(); // shape of one patch
   */
  static track<R extends tf.TensorContainer>(lossFn: LossFunction<R>, options: TrackOptions = {}): TrackedLoss<R> {
    if (typeof lossFn !== 'function') throw new TypeError('PatchPerformance.track: lossFn must be a function (labels, predictions) => loss');
    const { name, apply, sameShape } = resolveMeasure(options.measure ?? 'binaryCrossEntropy', 'PatchPerformance.track');
    let sum: tf.Tensor | null = null;
    let seen = 0;

    const tracked = ((labels: tf.Tensor, predictions: tf.Tensor): R => {
      if (!(labels instanceof tf.Tensor) || !(predictions instanceof tf.Tensor)) {
        throw new TypeError('PatchPerformance.track: the tracked loss takes (labels, predictions) tensors');
      }
      if (predictions.rank < 1) throw new RangeError('PatchPerformance.track: predictions need a batch axis');
      if (sameShape && !tf.util.arraysEqual(labels.shape, predictions.shape)) {
        throw new RangeError(`PatchPerformance.track: labels shape [${labels.shape}] differs from predictions shape [${predictions.shape}]`);
      }
      const batch = predictions.shape[0];
      let next: tf.Tensor | null = null;
      const loss = tf.tidy(() => {
        const value = lossFn(labels, predictions);
        const m = apply(labels, predictions);
        if (m.rank < 1 || m.shape[0] !== batch) {
          throw new RangeError(`PatchPerformance.track: measure ${name} returned shape [${m.shape}], expected a leading batch axis of ${batch}`);
        }
        const s = tf.sum(tf.cast(m, 'float32'), 0);
        if (sum !== null && !tf.util.arraysEqual(sum.shape, s.shape)) {
          throw new RangeError(`PatchPerformance.track: patch shape changed from [${sum.shape}] to [${s.shape}]; call reset() first`);
        }
        next = tf.keep(sum === null ? s : tf.add(sum, s));
        return value;
      });
      sum?.dispose();
      sum = next;
      seen += batch;
      return loss;
    }) as TrackedLoss<R>;

    const requireSum = (what: string): tf.Tensor => {
      if (sum === null || seen === 0) throw new Error(`PatchPerformance.${what}: no patches seen yet; call the tracked loss first`);
      return sum;
    };
    Object.defineProperties(tracked, {
      measure: { value: name, enumerable: true },
      patchesSeen: { get: () => seen, enumerable: true },
      calculatePerformance: { value: () => tf.tidy(() => tf.div(requireSum('calculatePerformance'), seen)) },
      performanceMap: {
        value: () => {
          const s = requireSum('performanceMap');
          return new PerformanceMap(s.shape, name).addSum(s.dataSync(), seen);
        },
      },
      reset: {
        value: () => {
          sum?.dispose();
          sum = null;
          seen = 0;
        },
      },
    });
    return tracked;
  }
}
