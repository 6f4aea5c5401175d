/**
 * The one shared instance of the SIMD convolution module (~6 KB), with typed views of its memory
 * that follow the memory when it grows. `simdInstance()` compiles it synchronously on first use,
 * which Node and Workers allow; a browser's main thread may refuse synchronous compilation of a
 * module this size, so call {@link prepareConv3dSimd} there first (or the JavaScript kernel runs).
 * The memory grows to the largest convolution's needs (at most ~128 MiB of staged input and
 * output per chunk, plus one input slice) and is kept for the next call.
 */
import { conv3dSimdModuleBytes, SIMD_NR_MAX } from './conv3dSimdModule';
import { wasmApi, type WasmExports, type WasmMemory } from './wasmApi';

/** A row function: `(taps, nTaps, cin, fw, dwBytes, planeBytes, coutBytes, coBytes, out, nBlocks)`. */
export type SimdRowFn = (
  taps: number, nTaps: number, cin: number, fw: number, dwBytes: number, planeBytes: number,
  coutBytes: number, coBytes: number, out: number, nBlocks: number,
) => void;

/** The staging function: `(src, dst, rows, cin, width, rowBytes, planeBytes)`. */
export type SimdStageFn = (src: number, dst: number, rows: number, cin: number, width: number, rowBytes: number, planeBytes: number) => void;

/** The instance, its row functions by block width (index 1..4) and views of its memory. */
export interface SimdInstance {
  rows: SimdRowFn[];
  /** Row functions for exactly one input channel, by block width. */
  rowsCin1: SimdRowFn[];
  stage: SimdStageFn;
  memory: WasmMemory;
  f32: Float32Array;
  i32: Int32Array;
  /** Makes the memory at least `bytes` long (views refreshed); false when it cannot grow. */
  reserve(bytes: number): boolean;
}

let instance: SimdInstance | null | undefined;

/** Wraps an instantiated module's exports. */
function wrap(exports: WasmExports): SimdInstance {
  const memory = exports.memory as WasmMemory;
  const rows: SimdRowFn[] = [];
  const rowsCin1: SimdRowFn[] = [];
  for (let nr = 1; nr <= SIMD_NR_MAX; nr++) {
    rows[nr] = exports[`row${nr}`] as SimdRowFn;
    rowsCin1[nr] = exports[`row${nr}c1`] as SimdRowFn;
  }
  rows[0] = rows[1];
  rowsCin1[0] = rowsCin1[1];
  const inst: SimdInstance = {
    rows,
    rowsCin1,
    stage: exports.stage as SimdStageFn,
    memory,
    f32: new Float32Array(memory.buffer),
    i32: new Int32Array(memory.buffer),
    reserve(bytes: number): boolean {
      const have = memory.buffer.byteLength;
      if (bytes <= have) return true;
      try {
        memory.grow(Math.ceil((bytes - have) / 65536));
      } catch {
        return false;
      }
      inst.f32 = new Float32Array(memory.buffer);
      inst.i32 = new Int32Array(memory.buffer);
      return true;
    },
  };
  return inst;
}

/**
 * The shared SIMD instance, or null where WebAssembly or its SIMD extension is unavailable or
 * synchronous compilation is refused (the callers then use the JavaScript kernel).
 */
export function simdInstance(): SimdInstance | null {
  if (instance !== undefined) return instance;
  instance = null;
  const api = wasmApi();
  if (!api) return instance;
  try {
    const bytes = conv3dSimdModuleBytes();
    if (!api.validate(bytes)) return instance;
    instance = wrap(new api.Instance(new api.Module(bytes)).exports);
  } catch {
    instance = null;
  }
  return instance;
}

/**
 * Compiles the SIMD module asynchronously (allowed everywhere, including a browser's main
 * thread) so that later convolutions use it.
 *
 * @returns whether the SIMD kernel is available
 */
export async function prepareConv3dSimd(): Promise<boolean> {
  if (instance) return true;
  const api = wasmApi();
  if (!api) return false;
  try {
    const bytes = conv3dSimdModuleBytes();
    if (!api.validate(bytes)) return false;
    const { instance: inst } = await api.instantiate(bytes);
    instance = wrap(inst.exports);
    return true;
  } catch {
    return false;
  }
}
