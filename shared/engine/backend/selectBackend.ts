import * as tf from '@tensorflow/tfjs-core';
import { now } from '../../util/clock';
import { probeRounds } from './probeRounds';

/** Backends PatchLens knows how to use, fastest-first as a fallback order. */
export const BACKENDS = ['webgl', 'wasm', 'cpu'] as const;

/** A backend name or `auto` (measure and choose). */
export type BackendPreference = 'auto' | (typeof BACKENDS)[number];

/** The probe of one backend. */
export interface BackendProbe {
  name: string;
  /** Milliseconds for the probe workload (the fastest of its interleaved timed runs), absent if unusable. */
  ms?: number;
  /** Why it could not be used. */
  error?: string;
  /** WebGL renderer string. */
  renderer?: string;
  /** A software rasterizer (SwiftShader, llvmpipe …): never preferred over wasm. */
  software?: boolean;
}

/** The chosen backend and why. */
export interface BackendChoice {
  name: string;
  renderer?: string;
  software?: boolean;
  reason: string;
  /** Every backend probed (empty when the user chose one). */
  probes: BackendProbe[];
  /** When the probe ran (ISO date). */
  probedAt?: string;
}

/** Where the per-machine probe result is kept between runs (a file in Node, storage in a browser). */
export interface ProbeCache {
  load(): BackendChoice | undefined | Promise<BackendChoice | undefined>;
  save(choice: BackendChoice): void | Promise<void>;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** The bits of a WebGL context this module reads. */
export interface WebGLLike {
  getExtension(name: string): unknown;
  getParameter(p: number): unknown;
  isContextLost(): boolean;
}

/** What tfjs-backend-webgl's backend object exposes (duck-typed: the core knows no WebGL types). */
interface WebglBackendLike {
  gpgpu?: { gl?: WebGLLike; itemsToPoll?: { resolveFn(): void }[] };
}

/**
 * The WebGL context of a tfjs backend (tfjs-backend-webgl keeps it as `gpgpu.gl`), or undefined
 * when the backend is not WebGL.
 * @param backend a backend object (default: the current backend)
 */
export function webglContext(backend: unknown = tf.backend()): WebGLLike | undefined {
  const gl = (backend as WebglBackendLike | null)?.gpgpu?.gl;
  return gl && typeof gl.isContextLost === 'function' ? gl : undefined;
}

/** True when the current backend is WebGL and its context is lost (`gl.isContextLost()`). */
export function isWebglContextLost(): boolean {
  return webglContext()?.isContextLost() === true;
}

/** The WebGL renderer string of the current backend, if it is WebGL. */
export function webglRenderer(): string | undefined {
  const gl = webglContext();
  if (!gl) return undefined;
  const ext = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null;
  const value = ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(0x1f01 /* RENDERER */);
  return typeof value === 'string' ? value : undefined;
}

/**
 * Lets the reads that wait on a lost WebGL context finish. tfjs-backend-webgl 4.22 reads a
 * result back by polling a fence (`clientWaitSync`) on a timer with no limit; on a lost context
 * the fence never signals, so `await tensor.data()` never settles and the poll runs forever
 * (~240 timer wake-ups a second, even after another backend took over). Resolving the waiting
 * polls ends that loop; the abandoned reads then finish with zeros (the lost context's
 * `readPixels` writes nothing), which nobody may use. Does nothing on other backends.
 * @param backend a backend object (default: the webgl backend, if one was created)
 * @returns the number of reads released
 */
export function releaseStalledWebglReads(backend: unknown = tf.engine().registry.webgl): number {
  const gpgpu = (backend as WebglBackendLike | null)?.gpgpu;
  if (!gpgpu?.gl?.isContextLost() || !Array.isArray(gpgpu.itemsToPoll)) return 0;
  const stalled = gpgpu.itemsToPoll;
  gpgpu.itemsToPoll = [];
  for (const item of stalled) item.resolveFn();
  return stalled.length;
}

/**
 * Replaces the registered webgl backend when its context is lost: tfjs keeps using a backend
 * whose context is gone (ops enqueue nothing, `dataSync()` gives zeros, `data()` never settles),
 * and `setBackend('webgl')` would hand that backend out again. This releases its stalled reads,
 * disposes it (its textures, programs and the program cache, which must not outlive the context)
 * and registers its factory again, so that the next `setBackend('webgl')` creates a fresh
 * context. Tensors still on the old backend are lost with it: dispose them first.
 * @returns true when a lost backend was replaced
 */
export function replaceLostWebglBackend(): boolean {
  const engine = tf.engine();
  // The engine's registries, read without creating a backend (tf.findBackend would create one).
  const old = engine.registry.webgl;
  const entry = engine.registryFactory.webgl;
  if (!entry || !webglContext(old)?.isContextLost()) return false;
  releaseStalledWebglReads(old);
  tf.removeBackend('webgl');
  tf.registerBackend('webgl', entry.factory, entry.priority);
  return true;
}

/** Interleaved timed rounds of the probe workload per backend (after one untimed run each). */
const PROBE_ROUNDS = 5;

/**
 * Names how the probe measures: a probe cache kept across runs keeps this beside the choice and
 * drops a choice measured another way (a choice of the back-to-back median probe is re-measured).
 */
export const PROBE_METHOD = `conv3d-layer best of ${PROBE_ROUNDS} interleaved`;

/**
 * Times one MeshNet-like layer (a dilated 3×3×3 Conv3D, bias add, ReLU, then a 1×1×1 Conv3D and
 * softmax: the ops that dominate 3-D segmentation models) on the current backend, read back to
 * the CPU. Its inputs are made before the clock starts.
 * @returns milliseconds of the run
 */
async function timeWorkloadOnce(): Promise<number> {
  const x = tf.randomUniform([1, 32, 32, 32, 5]) as tf.Tensor5D;
  const f = tf.randomUniform([3, 3, 3, 5, 5]) as tf.Tensor5D;
  const bias = tf.randomUniform([5]);
  const head = tf.randomUniform([1, 1, 1, 5, 3]) as tf.Tensor5D;
  try {
    await Promise.all([x.data(), f.data(), bias.data(), head.data()]);
    const t0 = now();
    const y = tf.tidy(() => tf.softmax(tf.conv3d(tf.relu(tf.add(tf.conv3d(x, f, 1, 'same', 'NDHWC', 2), bias)) as tf.Tensor5D, head, 1, 'same')));
    await y.data();
    const ms = now() - t0;
    y.dispose();
    return ms;
  } finally {
    tf.dispose([x, f, bias, head]);
  }
}

/**
 * Chooses the tfjs backend and makes it current. `auto`: the cached choice of this machine
 * if there is one, else a short measured probe of every registered backend (fastest wins; a
 * software WebGL is never chosen over wasm). A named backend is used as given (an error if it
 * cannot start). The renderer string is recorded for WebGL.
 */
export async function selectBackend(preference: BackendPreference = 'auto', options: { cache?: ProbeCache; candidates?: readonly string[] } = {}): Promise<BackendChoice> {
  if (preference !== 'auto') {
    if (!(BACKENDS as readonly string[]).includes(preference)) {
      throw new RangeError(`selectBackend: backend must be auto, ${BACKENDS.join(', ')}; got ${JSON.stringify(preference)}`);
    }
    const ok = await trySetBackend(preference);
    if (ok !== true) throw new Error(`selectBackend: the ${preference} backend cannot start here: ${ok}`);
    const renderer = webglRenderer();
    return { name: preference, renderer, software: renderer ? SOFTWARE_RENDERER.test(renderer) : undefined, reason: 'chosen by the user', probes: [] };
  }
  const cached = await options.cache?.load();
  if (cached && (await trySetBackend(cached.name)) === true) {
    return { ...cached, renderer: webglRenderer() ?? cached.renderer, reason: `${cached.reason} (cached probe of ${cached.probedAt ?? 'an earlier run'})` };
  }
  const candidates: readonly string[] = options.candidates ?? BACKENDS;
  const probes: BackendProbe[] = [];
  const ready: string[] = [];
  const renderers = new Map<string, string | undefined>();
  for (const name of candidates) {
    const ok = await trySetBackend(name);
    if (ok !== true) {
      probes.push({ name, error: ok });
      continue;
    }
    renderers.set(name, webglRenderer());
    try {
      await timeWorkloadOnce(); // compiles (WebGL shaders, wasm kernels); not timed
      ready.push(name);
    } catch (e) {
      probes.push({ name, error: (e as Error).message, renderer: renderers.get(name) });
    }
  }
  const timed = await probeRounds(ready, PROBE_ROUNDS, async (name) => {
    const ok = await trySetBackend(name);
    if (ok !== true) throw new Error(ok);
    return timeWorkloadOnce();
  });
  for (const name of ready) {
    const r = timed.get(name)!;
    const renderer = renderers.get(name);
    const software = renderer ? SOFTWARE_RENDERER.test(renderer) : undefined;
    probes.push('error' in r ? { name, error: r.error, renderer } : { name, ms: r.ms, renderer, software });
  }
  probes.sort((a, b) => candidates.indexOf(a.name) - candidates.indexOf(b.name));
  const usable = probes.filter((p) => p.ms !== undefined);
  if (usable.length === 0) throw new Error(`selectBackend: no tfjs backend works here (${probes.map((p) => `${p.name}: ${p.error}`).join('; ')})`);
  const hardware = usable.filter((p) => !p.software);
  const pool = hardware.length > 0 ? hardware : usable;
  const best = pool.reduce((a, b) => (b.ms! < a.ms! ? b : a));
  const timing = usable.map((p) => `${p.name} ${p.ms!.toFixed(1)} ms${p.software ? ' (software WebGL)' : ''}`).join(', ');
  const choice: BackendChoice = {
    name: best.name,
    renderer: best.renderer,
    software: best.software,
    reason: `fastest in a Conv3D-layer probe (best of ${PROBE_ROUNDS} interleaved runs): ${timing}${hardware.length < usable.length && hardware.length > 0 ? '; software WebGL not preferred' : ''}`,
    probes,
    probedAt: new Date().toISOString(),
  };
  await trySetBackend(best.name);
  await options.cache?.save(choice);
  return choice;
}

/**
 * Makes `name` the current backend; true, or the reason it cannot. A webgl backend whose
 * context was lost is replaced by a fresh one first ({@link replaceLostWebglBackend}).
 */
export async function trySetBackend(name: string): Promise<true | string> {
  if (!tf.findBackendFactory(name) && !tf.findBackend(name)) return `the ${name} backend is not registered in this build`;
  try {
    if (name === 'webgl') replaceLostWebglBackend();
    const ok = await tf.setBackend(name);
    await tf.ready();
    return ok && tf.getBackend() === name ? true : `the ${name} backend failed to initialize`;
  } catch (e) {
    return (e as Error).message;
  }
}
