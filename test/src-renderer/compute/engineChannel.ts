/**
 * The real engine worker loop (serveEngine) on one end of a Node MessageChannel, the other end
 * dressed as a Worker for the engine client and the compute agent. Only the cpu backend is
 * registered in Node (webgl and wasm probe as "not registered").
 */
import { MessageChannel } from 'node:worker_threads';
import '@tensorflow/tfjs-backend-cpu';
import { serveEngine, type EngineScope } from '../../../src-renderer/engine/serveEngine';

/** A Worker stand-in: the client's port; `terminate` closes both ports. */
export function engineChannel(): Worker {
  const { port1, port2 } = new MessageChannel();
  serveEngine(port2 as unknown as EngineScope, { crossOriginIsolated: false, wasmThreads: false });
  port1.start();
  port2.start();
  return Object.assign(port1, {
    terminate() {
      port1.close();
      port2.close();
    },
  }) as unknown as Worker;
}
