/**
 * The tfjs backends of the engine worker, set up for a Vite bundle.
 *
 * - webgl: tfjs-backend-webgl finds `OffscreenCanvas` in a Worker and draws there (WebGL2).
 *   Under SwiftShader (Chromium's software WebGL) it works as it is; `selectBackend` records the
 *   renderer string and never prefers a software renderer over wasm.
 * - wasm: the three `.wasm` binaries are imported with `?url`, so that Vite emits them as assets
 *   and gives their final URLs; `setWasmPaths` gets that file map (it needs all three names).
 *   The threaded build is off unless asked for AND the worker is cross-origin isolated: its
 *   pthread workers are started from the emscripten factory's source text, which breaks when
 *   the bundle is minified (DESIGN.md, Environment recipes).
 * - cpu: always there, the last fallback.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** How the backends were set up. */
export interface TfjsBackendSetup {
  /** Whether the wasm backend may use its threaded build. */
  wasmThreads: boolean;
  /** Whether this global scope is cross-origin isolated (SharedArrayBuffer available). */
  crossOriginIsolated: boolean;
  /** The URLs the wasm backend fetches its binaries from. */
  wasmPaths: Record<string, string>;
}

let setup: TfjsBackendSetup | undefined;

/** Resolves an asset URL against the worker script's own URL (Vite may emit relative URLs). */
function absolute(url: string): string {
  return new URL(url, import.meta.url).href;
}

/**
 * Points the wasm backend at its bundled binaries and decides on threads; idempotent (the wasm
 * backend reads both when it first initializes, so later calls return the first setup).
 * @param options.wasmThreads allow the threaded wasm build (default false; honoured only when
 *   `crossOriginIsolated` and the bundle keeps tfjs-backend-wasm unminified)
 */
export function setupTfjsBackends(options: { wasmThreads?: boolean } = {}): TfjsBackendSetup {
  if (setup) return setup;
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  const wasmThreads = options.wasmThreads === true && isolated;
  // The flag is evaluated lazily by the wasm backend's init; setting it first wins.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', wasmThreads);
  const wasmPaths = {
    'tfjs-backend-wasm.wasm': absolute(wasmPlainUrl),
    'tfjs-backend-wasm-simd.wasm': absolute(wasmSimdUrl),
    'tfjs-backend-wasm-threaded-simd.wasm': absolute(wasmThreadedSimdUrl),
  };
  // usePlatformFetch: false — emscripten's own fetch (instantiateStreaming needs application/wasm).
  setWasmPaths(wasmPaths);
  setup = { wasmThreads, crossOriginIsolated: isolated, wasmPaths };
  return setup;
}
