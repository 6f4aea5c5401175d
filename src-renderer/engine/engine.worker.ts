/**
 * The engine worker: a module Worker that runs PatchLens's inference engine with tfjs (webgl on
 * OffscreenCanvas, wasm, cpu). Start it with `createEngineWorker()` and talk to it through
 * `createEngineClient()`; the messages are in protocol.ts, the loop in serveEngine.ts.
 *
 * Runs execute one after another in the order they arrive; `cancel` aborts a queued run at once
 * and a running one before its next batch (the engine checks the signal between batches, and
 * every batch first gives the event loop a turn so that the cancel message gets through).
 * Results are posted with their buffers transferred.
 */
import { serveEngine, type EngineScope } from './serveEngine';
import { setupTfjsBackends } from './tfjsBackends';

const backends = setupTfjsBackends();
serveEngine(globalThis as unknown as EngineScope, { crossOriginIsolated: backends.crossOriginIsolated, wasmThreads: backends.wasmThreads });
