import * as tf from '@tensorflow/tfjs-core';
import type { AbortSignalLike, NdArray } from '../../stitching/types';
import type { BackendInfo, ModelRunner } from '../inference/modelRunner';
import { BACKENDS, releaseStalledWebglReads, replaceLostWebglBackend, trySetBackend, webglContext, webglRenderer, type BackendChoice } from './selectBackend';

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
  /**
   * Whether the current backend's GPU context is lost, checked before and while every batch is
   * read back (default: `gl.isContextLost()` of the current webgl backend; false elsewhere).
   */
  contextLost?: () => boolean;
  /** Milliseconds between two context checks while a batch is read back (default 25). */
  contextPollMs?: number;
}

/** The prefix of the error a lost GPU context raises in the runner (a backend failure: {@link isBackendFailure}). */
export const CONTEXT_LOST = 'WebGL context lost';

/** The host's timers, typed here because the core is compiled without DOM or Node globals. */
const timers = globalThis as unknown as {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
};

/** The current backend's context-loss check (`gl.isContextLost()` on webgl, never lost elsewhere). */
function currentContextLost(): boolean {
  return webglContext()?.isContextLost() === true;
}

/** Input values from which a batch runs layer by layer (128³: a whole-volume pass of seconds). */
const LAYERWISE_MIN_VALUES = 128 ** 3;

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
 * the run goes on and the fallback is reported in `backend().fallbacks`. tfjs does not report a
 * lost WebGL context itself (it returns zeros or never settles), so the runner checks
 * `gl.isContextLost()` around every read (see `contextLost`); a lost webgl backend is replaced,
 * so that a later run can use WebGL again with a fresh context.
 */
export async function createTfjsRunner(options: TfjsRunnerOptions): Promise<ModelRunner & { dispose(): void }> {
  let model = await options.load();
  let current = options.choice.name;
  let renderer = options.choice.renderer;
  const fallbacks: BackendInfo['fallbacks'] = [];
  const order = options.fallbackOrder ?? BACKENDS.slice(BACKENDS.indexOf(current as (typeof BACKENDS)[number]) + 1);

  const contextLost = options.contextLost ?? currentContextLost;
  const pollMs = options.contextPollMs ?? 25;

  /**
   * `y.data()`, watched for a lost context. tfjs-backend-webgl 4.22 does not throw when its
   * context is lost: ops run on (doing nothing), `dataSync()` answers zeros and `data()` waits
   * for a fence that never signals. So a loss before the read fails the batch at once, a loss
   * while it waits fails it within `pollMs` (the stalled read is released so that tfjs stops
   * polling), and a loss while the values were downloaded fails it afterwards (they may be zeros).
   */
  const readChecked = async (y: tf.Tensor): Promise<Float32Array> => {
    if (contextLost()) throw new Error(`${CONTEXT_LOST} (gl.isContextLost()) before the batch was read back; the ${current} backend cannot compute any more`);
    const read = y.data();
    let timer: unknown;
    const lost = new Promise<'lost'>((resolve) => {
      const check = () => {
        if (contextLost()) resolve('lost');
        else timer = timers.setTimeout(check, pollMs);
      };
      timer = timers.setTimeout(check, pollMs);
    });
    let data: Awaited<typeof read> | 'lost';
    try {
      data = await Promise.race([read, lost]);
    } finally {
      timers.clearTimeout(timer);
    }
    if (data === 'lost') {
      // Let the abandoned read finish (with zeros nobody uses) before the backend is disposed.
      releaseStalledWebglReads();
      await Promise.race([read.catch(() => undefined), new Promise((resolve) => timers.setTimeout(() => resolve(undefined), 250))]);
      throw new Error(`${CONTEXT_LOST} (gl.isContextLost()) while the batch was read back; tfjs would have waited for it forever`);
    }
    if (contextLost()) throw new Error(`${CONTEXT_LOST} (gl.isContextLost()) while the batch was downloaded; its values cannot be trusted`);
    return data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
  };

  const runOnce = async (batch: NdArray<Float32Array>, signal?: AbortSignalLike): Promise<Float32Array> => {
    let y: tf.Tensor;
    // Layer by layer (cancellable inside the window) only where a window is big enough for that to
    // matter: each turn of the event loop costs about a millisecond.
    if (model.predictAsync && batch.data.length >= LAYERWISE_MIN_VALUES) {
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
      return await readChecked(y);
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
      // A webgl backend whose context is lost is of no use any more: give it up for a fresh one.
      if (current === 'webgl') replaceLostWebglBackend();
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
