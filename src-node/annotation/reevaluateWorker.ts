/**
 * The re-evaluation worker (a Node `worker_threads` Worker started by `reevaluateRunOffThread`
 * for one request, then terminated): runs `reevaluateRun` on a run folder and an edited
 * reference off the service's event loop, which stays free to answer other requests meanwhile.
 *
 * Entry points: `src-node/annotation/reevaluateWorker.ts` (through `tsWorkerBootstrap.mjs` under
 * tsx or vitest) or a bundled `reevaluateWorker.js` beside the main bundle.
 */
import { parentPort } from 'node:worker_threads';
import { reevaluateRun } from '../compute/reevaluateRun';
import type { ReevaluateReply, ReevaluateRequest } from './reevaluateProtocol';

const port = parentPort;
if (!port) throw new Error('reevaluateWorker: must run in a worker thread');

const reply = (message: ReevaluateReply) => port.postMessage(message);

port.on('message', (request: ReevaluateRequest) => {
  if (request?.type !== 'reevaluate') return;
  reevaluateRun(request.runDir, request.reference).then(
    (result) => reply({ type: 'result', result }),
    (e: unknown) => {
      const error = e instanceof Error ? e : new Error(String(e));
      const code = (error as { code?: unknown }).code;
      reply({ type: 'error', name: error.name, code: typeof code === 'string' ? code : null, message: error.message });
    },
  );
});
reply({ type: 'ready' });
