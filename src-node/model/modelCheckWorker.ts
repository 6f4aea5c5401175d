/**
 * The model check worker (a Node `worker_threads` Worker started by `checkModelFolder` for one
 * check, then terminated): reads and builds a model folder off the caller's thread, so that a
 * model on which tfjs never returns costs a thread that is killed after the time limit instead
 * of the service's event loop.
 *
 * Entry points: `src-node/model/modelCheckWorker.ts` (through `tsWorkerBootstrap.mjs` under tsx
 * or vitest) or the bundled `out/main/modelCheckWorker.js` (an entry of electron-vite's main build).
 */
import { parentPort } from 'node:worker_threads';
import { describeModelFolder, ModelFolderError } from './modelFolderFacts';
import type { ModelCheckReply, ModelCheckRequest } from './modelCheckProtocol';

const port = parentPort;
if (!port) throw new Error('modelCheckWorker: must run in a worker thread');

const reply = (message: ModelCheckReply) => port.postMessage(message);

port.on('message', (request: ModelCheckRequest) => {
  if (request?.type !== 'check') return;
  describeModelFolder(request.path).then(
    (facts) => reply({ type: 'facts', facts }),
    (e: unknown) => reply({ type: 'error', stage: e instanceof ModelFolderError ? e.stage : 'worker', message: e instanceof Error ? e.message : String(e) }),
  );
});
reply({ type: 'ready' });
