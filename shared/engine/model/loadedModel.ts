import type * as tf from '@tensorflow/tfjs-core';
import type { ModelSpec } from '../modelSpec';
import type { FileHash } from './modelHash';
import type { ModelKind } from './modelJson';

/** A model ready to predict patches (see `loadModel`). */
export interface LoadedModel {
  /** `layers-model` or `graph-model`. */
  readonly kind: ModelKind;
  /** `modelHash(...).sha256` of the files it was loaded from. */
  readonly sha256: string;
  /** SHA-256 of each file: model.json first, then the shards in manifest order. */
  readonly fileHashes: readonly FileHash[];
  /** The resolved spec (sidecar, known model or inferred). */
  readonly spec: ModelSpec;
  /**
   * The input `predict` takes: tensor rank (batch and channels included, 5 for 3-D patches), the
   * number of spatial axes, and the channels (last axis). Spatial sizes are free.
   */
  readonly inputShape: { rank: number; spatialRank: number; channels: number };
  /** Channels of `predict`'s output (last axis). */
  readonly outputClasses: number;
  /**
   * Whether the answer at a voxel depends only on the voxels around it, so that a patch's
   * position and size do not change it (false for mindgrab: see `spec.notes`).
   */
  readonly translationEquivariant: boolean;
  /**
   * Predicts a batch of patches: input `[b, ...patch, C]` channels-last, output
   * `[b, ...patch, outputClasses]` PROBABILITIES (softmax / sigmoid applied per
   * `spec.outputActivation`). Leaves no tensor behind but the result, which the caller disposes;
   * the input is neither mutated nor disposed.
   */
  predict(batch: tf.Tensor): tf.Tensor;
  /**
   * `predict`, cancellable between layers: layers models run layer by layer with a turn of the
   * event loop after each, so `signal` can stop a long whole-volume pass; graph models run as
   * `predict`. Rejects with the signal's reason when cancelled (nothing leaks).
   */
  predictAsync(batch: tf.Tensor, signal?: { readonly aborted: boolean; readonly reason?: unknown }): Promise<tf.Tensor>;
  /** Frees the weights; `predict` throws afterwards. */
  dispose(): void;
}
