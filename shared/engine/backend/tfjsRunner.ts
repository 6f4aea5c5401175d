import * as tf from '@tensorflow/tfjs-core';
import type { AbortSignalLike, NdArray } from '../../stitching/types';
import type { BackendInfo, ModelRunner } from '../inference/modelRunner';
import { BACKENDS, trySetBackend, webglRenderer, type BackendChoice } from './selectBackend';

/** What the runner needs from a loaded tfjs model. */
export interface TfjsModel {
  /** Probabilities `[b, ...patch, classes]` for `[b, ...patch, channels]`; must not leak tensors. */
  predict(x: tf.Tensor): tf.Tensor;
  /** Optional cancellable form (layer by layer); used when present. */
  predictAsync?(x: tf.Tensor, signal?: AbortSignalLike): Promise<tf.Tensor>;
  dispose(): void;
}

/** Options of {@link createTfjsRunner}. */
export interface TfjsRunnerOptions {
  classes: number;
  channels: number;
  /** Loads the model's weights on the current backend (called again after a fallback). */
  load: () => Promise<TfjsModel>;
  /** The backend chosen for the run (already current). */
  choice: BackendChoice;
  /** Backends to fall back to, in order (default: those after the current one in webgl → wasm → cpu). */
  fallbackOrder?: readonly string[];
}

/** Errors after which another backend should take over: a lost WebGL context, GPU or wasm memory exhausted. */
const RECOVERABLE = /context.?lost|CONTEXT_LOST|out of memory|\bOOM\b|texture size|WebGLTexture|failed to (compile|link)|webgl|memory access out of bounds|Aborted\(/i;

/** True when `error` means the backend (not the model or the input) failed. */
export function isBackendFailure(error: unknown): boolean {
  return RECOVERABLE.test(error instanceof Error ? `${error.name} ${error.message}` : String(error));
}

/**
 * A {@link ModelRunner} over a tfjs model: batch in as a tensor, probabilities out as a
 * Float32Array, every tensor disposed. When the backend fails (lost WebGL context, GPU or wasm
 * out of memory) the model is reloaded on the next backend and the batch is run again there;
 * the run goes on and the fallback is reported in `backend().fallbacks`.
 */
export async function createTfjsRunner(options: TfjsRunnerOptions): Promise<ModelRunner & { dispose(): void }> {
  let model = await options.load();
  let current = options.choice.name;
  let renderer = options.choice.renderer;
  const fallbacks: BackendInfo['fallbacks'] = [];
  const order = options.fallbackOrder ?? BACKENDS.slice(BACKENDS.indexOf(current as (typeof BACKENDS)[number]) + 1);

  const runOnce = async (batch: NdArray<Float32Array>, signal?: AbortSignalLike): Promise<Float32Array> => {
    let y: tf.Tensor;
    if (model.predictAsync) {
      const x = tf.tensor(batch.data, batch.shape, 'float32');
      try {
        y = await model.predictAsync(x, signal);
      } finally {
        x.dispose();
      }
    } else {
      y = tf.tidy(() => model.predict(tf.tensor(batch.data, batch.shape, 'float32')));
    }
    try {
      const data = await y.data();
      return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
    } finally {
      y.dispose();
    }
  };

  const fallBack = async (error: unknown, firstWindow: number): Promise<void> => {
    const message = error instanceof Error ? error.message : String(error);
    for (const next of order) {
      if (next === current || fallbacks.some((f) => f.from === next)) continue;
      if ((await trySetBackend(next)) !== true) continue;
      try {
        model.dispose();
      } catch {
        // the failed backend may not be able to free anything any more
      }
      model = await options.load();
      fallbacks.push({ from: current, to: next, error: message, atWindow: firstWindow });
      current = next;
      renderer = webglRenderer();
      return;
    }
    throw new Error(`runInference: the ${current} backend failed (${message}) and no other backend could take over`);
  };

  return {
    classes: options.classes,
    channels: options.channels,
    async predict(batch, firstWindow, signal?: AbortSignalLike) {
      for (;;) {
        if (signal?.aborted) throw signal.reason ?? new Error('runInference: aborted');
        try {
          return await runOnce(batch, signal);
        } catch (e) {
          if (!isBackendFailure(e)) throw e;
          await fallBack(e, firstWindow);
        }
      }
    },
    backend: () => ({ name: current, renderer, reason: options.choice.reason, fallbacks: [...fallbacks] }),
    dispose: () => model.dispose(),
  };
}
