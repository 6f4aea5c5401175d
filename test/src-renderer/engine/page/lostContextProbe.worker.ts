/**
 * What tfjs-backend-webgl 4.22 does when its WebGL context is lost, observed in a module Worker
 * (OffscreenCanvas, as in the engine worker) with plain tfjs ops: the facts the engine's
 * lost-context handling (shared/engine/backend) relies on. Answers one {@link LostContextProbe}
 * per message.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { releaseStalledWebglReads, replaceLostWebglBackend, webglContext } from '../../../../shared/engine/backend/selectBackend';
import type { LostContextProbe } from './runEngineTypes';

/** `promise`'s outcome within `ms`: its value, its error, or 'pending' when it has not settled. */
async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<{ value?: T; error?: string; pending?: true }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), ms)));
  try {
    const r = await Promise.race([promise.then((value) => ({ value })), timeout]);
    return r === 'pending' ? { pending: true } : r;
  } catch (e) {
    return { error: String(e) };
  } finally {
    clearTimeout(timer);
  }
}

/** How often the worker's timers fire in `ms` (tfjs polls a pending fence on zero-delay timers). */
async function timerCalls(ms: number): Promise<number> {
  const original = globalThis.setTimeout;
  let calls = 0;
  globalThis.setTimeout = ((fn: () => void, delay?: number) => {
    calls++;
    return original(fn, delay);
  }) as typeof setTimeout;
  try {
    await new Promise((resolve) => original(resolve, ms));
  } finally {
    globalThis.setTimeout = original;
  }
  return calls;
}

/** A MeshNet-like layer (dilated Conv3D, ReLU, softmax) of fixed inputs. */
function layer(x: tf.Tensor5D, f: tf.Tensor5D): tf.Tensor {
  return tf.tidy(() => tf.softmax(tf.relu(tf.conv3d(x, f, 1, 'same', 'NDHWC', 2))));
}

const maxAbs = (a: ArrayLike<number>) => Array.from(a).reduce((m, v) => Math.max(m, Math.abs(v)), 0);

async function probe(waitMs: number): Promise<LostContextProbe> {
  const out: Partial<LostContextProbe> = {};
  if (!(await tf.setBackend('webgl'))) throw new Error('lostContextProbe: webgl does not start');
  const backend = tf.backend();
  const gl = webglContext(backend) as unknown as WebGL2RenderingContext;
  const canvas = gl.canvas as OffscreenCanvas;
  out.canvas = canvas.constructor.name;
  const events: string[] = [];
  canvas.addEventListener('webglcontextlost', (e) => events.push(`webglcontextlost defaultPrevented=${e.defaultPrevented}`));

  const x = tf.randomUniform([1, 16, 16, 16, 5], 0, 1, 'float32', 1) as tf.Tensor5D;
  const f = tf.randomUniform([3, 3, 3, 5, 3], 0, 1, 'float32', 2) as tf.Tensor5D;
  const before = layer(x, f);
  const expected = await before.data();
  before.dispose();

  const ext = gl.getExtension('WEBGL_lose_context');
  ext!.loseContext();
  out.lostAtOnce = gl.isContextLost();
  out.getError = gl.getError();
  out.contextLostWebgl = gl.CONTEXT_LOST_WEBGL;
  out.eventsRightAfter = events.length;

  // The same op on the lost context: does it throw? What does dataSync give?
  let y: tf.Tensor | undefined;
  try {
    y = layer(x, f);
    out.opThrew = null;
  } catch (e) {
    out.opThrew = String(e);
  }
  try {
    const again = layer(x, f);
    out.dataSyncMaxAbs = maxAbs(again.dataSync());
    again.dispose();
    out.dataSyncThrew = null;
  } catch (e) {
    out.dataSyncThrew = String(e);
  }
  // An op never compiled before (a new shader) on the lost context.
  try {
    const small = tf.randomUniform([1, 8, 8, 8, 5], 0, 1, 'float32', 3) as tf.Tensor5D;
    const z = layer(small, f);
    out.newShaderMaxAbs = maxAbs(z.dataSync());
    tf.dispose([small, z]);
    out.newShaderThrew = null;
  } catch (e) {
    out.newShaderThrew = String(e);
  }
  // The asynchronous read the engine uses.
  const read = y ? y.data() : Promise.reject(new Error('no tensor'));
  const first = await settleWithin(read, waitMs);
  out.dataSettled = first.pending ? 'pending' : first.error !== undefined ? `rejected: ${first.error}` : 'resolved';
  out.timerCallsPerSecondWhileStalled = await timerCalls(1000);
  out.events = [...events];
  // The engine's remedy: release the stalled read, then replace the backend.
  out.released = releaseStalledWebglReads(backend);
  const after = await settleWithin(read, 1000);
  out.releasedReadMaxAbs = after.value ? maxAbs(after.value as ArrayLike<number>) : null;
  out.timerCallsPerSecondAfterRelease = await timerCalls(1000);
  tf.dispose([y!, x, f]);
  out.numTensorsAfterDispose = tf.memory().numTensors;

  await tf.setBackend('cpu');
  out.replaced = replaceLostWebglBackend();
  await tf.setBackend('webgl');
  const fresh = webglContext();
  out.freshContext = fresh !== undefined && (fresh as unknown) !== gl && !fresh.isContextLost();
  const x2 = tf.randomUniform([1, 16, 16, 16, 5], 0, 1, 'float32', 1) as tf.Tensor5D;
  const f2 = tf.randomUniform([3, 3, 3, 5, 3], 0, 1, 'float32', 2) as tf.Tensor5D;
  const y2 = layer(x2, f2);
  const values = await y2.data();
  out.freshMaxDiff = Array.from(values).reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i])), 0);
  tf.dispose([x2, f2, y2]);
  out.numTensorsAtEnd = tf.memory().numTensors;
  return out as LostContextProbe;
}

self.onmessage = (event: MessageEvent<{ waitMs: number }>) => {
  probe(event.data.waitMs).then(
    (result) => self.postMessage({ result }),
    (e: unknown) => self.postMessage({ error: String((e as Error)?.stack ?? e) }),
  );
};
