/**
 * `reevaluateRun` in a worker thread (reevaluateWorker.ts): the re-evaluation of a 256³ run takes
 * seconds of CPU, which on the service's thread would hold every other request (edits, layers,
 * job events) for as long. One fresh worker per request, terminated after its answer; when no
 * worker can start, the re-evaluation runs inline and a log line says so.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { RunReevaluation } from '../../shared/api/contract/annotation';
import { isApiErrorCode } from '../../shared/api/contract';
import { ComputeError } from '../compute/computeError';
import { reevaluateRun } from '../compute/reevaluateRun';
import { NoPredictionCacheError } from '../compute/runPredictionCache';
import { startTsWorker } from '../model/modelCheckWorkerUrl';
import type { ReevaluateReply, ReevaluateRequest } from './reevaluateProtocol';

/**
 * Where the worker's entry is: `reevaluateWorker.ts` beside this module from sources (tsx,
 * vitest), `reevaluateWorker.js` beside the bundle (or one folder up from a shared chunk) when
 * bundled. The name is built at run time: Vite rewrites a literal `new URL('./x', import.meta.url)`.
 */
export function reevaluateWorkerUrl(): URL {
  const file = `reevaluateWorker${/\.[cm]?ts$/.test(new URL(import.meta.url).pathname) ? '.ts' : '.js'}`;
  const here = new URL(file, import.meta.url);
  const up = new URL(`../${file}`, import.meta.url);
  return existsSync(fileURLToPath(here)) || !existsSync(fileURLToPath(up)) ? here : up;
}

/** Options of {@link reevaluateRunOffThread}. */
export interface ReevaluateOffThreadOptions {
  /** Where the fallback to the inline re-evaluation is said (default `console.warn`). */
  log?: (line: string) => void;
  /** The worker's entry (default {@link reevaluateWorkerUrl}; tests name a missing one). */
  workerUrl?: URL;
  /** Called once the worker has started and holds the request (tests order events by it). */
  onStarted?: () => void;
}

/** The worker's error as the error `reevaluateRun` threw: its class, contract code and message. */
function rebuilt(reply: Extract<ReevaluateReply, { type: 'error' }>): Error {
  if (reply.name === 'NoPredictionCacheError') return new NoPredictionCacheError(reply.message);
  if (reply.code !== null && isApiErrorCode(reply.code)) return new ComputeError(reply.code, reply.message);
  return Object.assign(new Error(reply.message), { name: reply.name, ...(reply.code === null ? {} : { code: reply.code }) });
}

/**
 * {@link reevaluateRun} in a worker thread: the same result, number for number, and the same
 * errors (class, contract code and message), while the caller's event loop goes on. When the
 * worker cannot start (its entry is missing from a build, the thread fails to load), the
 * re-evaluation runs inline, with a log line saying why.
 * @param reference the edited label map on the image grid; it is handed over: its buffer is
 *   transferred to the worker (detached here) once the worker is ready — pass a copy to keep it
 * @throws (rejects) as {@link reevaluateRun}; an Error naming the worker when it dies mid-way
 */
export function reevaluateRunOffThread(runDir: string, reference: Uint8Array | Uint16Array, options: ReevaluateOffThreadOptions = {}): Promise<RunReevaluation> {
  const log = options.log ?? ((line: string) => console.warn(line));
  const inline = (why: string) => {
    log(`reevaluateRun: the re-evaluation worker could not start (${why}); re-evaluating ${runDir} on the service's thread`);
    return reevaluateRun(runDir, reference);
  };
  // A reference that is no label array gets reevaluateRun's own error, without a thread.
  if (!(reference instanceof Uint8Array || reference instanceof Uint16Array)) return reevaluateRun(runDir, reference);
  let worker: Worker;
  try {
    worker = startTsWorker(options.workerUrl ?? reevaluateWorkerUrl());
  } catch (e) {
    return inline((e as Error).message);
  }
  return new Promise<RunReevaluation>((resolve, reject) => {
    let ready = false;
    let settled = false;
    const finish = (outcome: { result: RunReevaluation } | { error: Error } | { fallback: string }) => {
      if (settled) return;
      settled = true;
      worker.removeAllListeners();
      worker.on('error', () => undefined); // a late error of the terminated thread goes nowhere
      void worker.terminate().catch(() => undefined);
      if ('result' in outcome) resolve(outcome.result);
      else if ('error' in outcome) reject(outcome.error);
      else inline(outcome.fallback).then(resolve, reject);
    };
    worker.on('message', (reply: ReevaluateReply) => {
      if (reply.type === 'ready') {
        ready = true;
        // Transfer: no 16 MB copy of a 256³ map (a view on part of a buffer is copied first).
        const own = reference.byteOffset === 0 && reference.byteLength === reference.buffer.byteLength && reference.buffer instanceof ArrayBuffer;
        const sent = own ? reference : reference.slice();
        worker.postMessage({ type: 'reevaluate', runDir, reference: sent } satisfies ReevaluateRequest, [sent.buffer as ArrayBuffer]);
        options.onStarted?.();
      } else if (reply.type === 'result') finish({ result: reply.result });
      else if (reply.type === 'error') finish({ error: rebuilt(reply) });
    });
    worker.on('error', (e) => finish(ready ? { error: new Error(`reevaluateRun: the re-evaluation worker failed on ${runDir}: ${e.message}`) } : { fallback: e.message }));
    worker.on('exit', (code) =>
      finish(ready ? { error: new Error(`reevaluateRun: the re-evaluation worker stopped before it answered for ${runDir} (exit code ${code})`) } : { fallback: `the thread exited with code ${code} before it was ready` }),
    );
  });
}
