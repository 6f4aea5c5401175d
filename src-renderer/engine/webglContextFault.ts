/**
 * TEST-ONLY: the `debug.loseWebglContextAfterWindows` fault of a run (see `EngineDebugOptions`).
 * Loses tfjs's own WebGL context for real, with the `WEBGL_lose_context` extension, once the run
 * has done that many windows: either between two batches or while a batch's result is being read
 * back. The engine must then notice the loss (tfjs itself does not throw), fall back to the next
 * backend and report it. Nothing here runs unless a request asks for it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { webglContext } from '../../shared/engine/backend/selectBackend';
import type { EngineDebugOptions } from './protocol';

/** A run's context-loss fault, driven by the engine before every batch. */
export interface WebglContextFault {
  /** Called before every batch with its first window's index; loses the context when it is time. */
  beforeBatch(firstWindow: number): void;
  /** What the fault did (or why it did nothing), for the run's warnings. */
  readonly note: string;
  /** Stops waiting for a read-back (at the end of the run). */
  dispose(): void;
}

/** The extension's one method this module calls. */
interface LoseContextExtension {
  loseContext(): void;
}

/** Reads tfjs-backend-webgl is waiting for (fences it polls: `gpgpu.itemsToPoll`). */
function pendingReads(backend: unknown): number {
  const items = (backend as { gpgpu?: { itemsToPoll?: unknown } } | null)?.gpgpu?.itemsToPoll;
  return Array.isArray(items) ? items.length : 0;
}

/**
 * The fault a request's `debug` options ask for, or undefined when they ask for none.
 * @throws Error from `beforeBatch` when the context has no `WEBGL_lose_context` extension
 */
export function createWebglContextFault(debug: EngineDebugOptions | undefined): WebglContextFault | undefined {
  const after = debug?.loseWebglContextAfterWindows;
  if (after === undefined) return undefined;
  const during = debug?.loseWebglContextDuring ?? 'between-batches';
  const name = 'debug.loseWebglContextAfterWindows';
  let state: 'waiting' | 'armed' | 'done' | 'skipped' = 'waiting';
  let note = `${name}: the run ended before window ${after}; no context was lost`;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let window = after;

  return {
    beforeBatch(firstWindow) {
      window = firstWindow;
      if (state !== 'waiting' || firstWindow < after) return;
      const backend = tf.backend();
      const gl = webglContext(backend);
      if (!gl) {
        state = 'skipped';
        note = `${name}: the run was on ${tf.getBackend()}, not webgl, at window ${firstWindow}; no context was lost`;
        return;
      }
      const ext = gl.getExtension('WEBGL_lose_context') as LoseContextExtension | null;
      if (!ext) throw new Error(`${name}: this WebGL context has no WEBGL_lose_context extension`);
      if (during === 'between-batches') {
        ext.loseContext();
        state = 'done';
        note = `${name} (test only): lost the WebGL context on purpose before window ${firstWindow}`;
        return;
      }
      // read-back: lose it as soon as tfjs waits for a batch's result (its fence is pending).
      state = 'armed';
      note = `${name}: no batch was read back on webgl after window ${after}; no context was lost`;
      const check = () => {
        timer = undefined;
        if (state !== 'armed') return;
        if (pendingReads(backend) === 0) {
          timer = setTimeout(check, 0);
          return;
        }
        ext.loseContext();
        state = 'done';
        note = `${name} (test only): lost the WebGL context on purpose while the batch at window ${window} was read back`;
      };
      timer = setTimeout(check, 0);
    },
    get note() {
      return note;
    },
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (state === 'armed') state = 'skipped';
    },
  };
}
