/**
 * Starts the engine worker as a module Worker. Vite recognises the `new Worker(new URL(…),
 * { type: 'module' })` form and bundles engine.worker.ts with its tfjs backends and `.wasm`
 * assets as a separate chunk (the app's build must set `worker.format: 'es'`).
 */
export function createEngineWorker(name = 'patchlens-engine'): Worker {
  return new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module', name });
}
