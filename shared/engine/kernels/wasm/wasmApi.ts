/**
 * The few WebAssembly JS-API members the kernels use, typed here because `shared/` compiles
 * against ES2022 only (no DOM or Node typings). WebAssembly is a global in Node, browsers and
 * Workers; where it is missing (or lacks SIMD) the kernels fall back to plain JavaScript.
 */

/** A linear memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  /** Grows by `pages` 64 KiB pages; returns the previous size in pages. */
  grow(pages: number): number;
}

/** An instantiated module's exports (functions and the memory). */
export type WasmExports = Record<string, unknown>;

/** The subset of the global `WebAssembly` object used here. */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports?: Record<string, unknown>) => { exports: WasmExports };
  instantiate(bytes: Uint8Array, imports?: Record<string, unknown>): Promise<{ instance: { exports: WasmExports } }>;
}

/** The global WebAssembly object, or undefined where the host has none. */
export function wasmApi(): WasmApi | undefined {
  const api = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  return api && typeof api.validate === 'function' ? api : undefined;
}
