/**
 * The engine worker's message loop, on any message port: a Worker's global scope in the app,
 * a MessagePort in Node tests. Validates every request, queues runs and probes (one at a time, in order),
 * routes `cancel` to the run's AbortController, posts progress, and posts each result with its
 * buffers transferred or its error as `{ code, message }`.
 */
import { EngineError } from './EngineError';
import { handleProbe } from './handleProbe';
import { handleRun, memoryProbeCache, toEngineError } from './handleRun';
import { resultTransfers, type EngineResponse, type ProbeRequest, type RunRequest } from './protocol';
import { validateRequest } from './validateRequest';

/** The bits of a DedicatedWorkerGlobalScope (or a MessagePort) the loop uses. */
export interface EngineScope {
  postMessage(message: EngineResponse, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<unknown>) => void): void;
}

/** What the host set up (reported in every result's `worker` field). */
export interface EngineHostInfo {
  crossOriginIsolated: boolean;
  wasmThreads: boolean;
}

/** A running loop: the runs queued or running, for diagnostics. */
export interface EngineServer {
  readonly active: number;
}

/** Serves engine requests arriving on `scope`. */
export function serveEngine(scope: EngineScope, host: EngineHostInfo): EngineServer {
  /** AbortControllers of the queued and running runs, by id. */
  const controllers = new Map<number, AbortController>();
  /** The tail of the run queue. */
  let queue: Promise<void> = Promise.resolve();

  const post = (message: EngineResponse, transfer: ArrayBuffer[] = []): void => {
    try {
      scope.postMessage(message, transfer);
    } catch (e) {
      // A result that cannot be cloned is a bug; the client must still hear about the run.
      scope.postMessage({ type: 'error', id: message.id, error: { code: 'internal', message: `serveEngine: cannot post the ${message.type}: ${(e as Error).message}` } });
    }
  };

  const execute = async (request: RunRequest, controller: AbortController): Promise<void> => {
    const { id } = request;
    try {
      const result = await handleRun(request, {
        signal: controller.signal,
        onProgress: (p) => post({ type: 'progress', id, ...p }),
        cache: memoryProbeCache,
        ...host,
      });
      post({ type: 'result', id, result }, resultTransfers(result));
    } catch (e) {
      const error = e instanceof EngineError ? e : toEngineError(e, 'output', controller.signal, id);
      post({ type: 'error', id, error: error.toJSON() });
    } finally {
      controllers.delete(id);
    }
  };

  /** Ids of the queued and running probes. */
  const probing = new Set<number>();
  const probe = async (request: ProbeRequest): Promise<void> => {
    try {
      post(await handleProbe(request, memoryProbeCache));
    } catch (e) {
      const error = e instanceof EngineError ? e : new EngineError('internal', `serveEngine: the probe failed: ${(e as Error).message}`);
      post({ type: 'error', id: request.id, error: error.toJSON() });
    } finally {
      probing.delete(request.id);
    }
  };

  scope.addEventListener('message', (event) => {
    let request;
    try {
      request = validateRequest(event.data);
    } catch (e) {
      const raw = event.data as { id?: unknown } | null;
      const id = typeof raw?.id === 'number' ? raw.id : -1;
      const error = e instanceof EngineError ? e : new EngineError('invalid-request', String(e));
      post({ type: 'error', id, error: error.toJSON() });
      return;
    }
    if (request.type === 'cancel') {
      controllers.get(request.id)?.abort();
      return;
    }
    if (controllers.has(request.id) || probing.has(request.id)) {
      post({ type: 'error', id: request.id, error: { code: 'invalid-request', message: `serveEngine: request ${request.id} is already queued or running` } });
      return;
    }
    if (request.type === 'probe') {
      // Queued behind the runs: a probe switches the current backend.
      probing.add(request.id);
      const p = request;
      queue = queue.then(() => probe(p));
      return;
    }
    const controller = new AbortController();
    controllers.set(request.id, controller);
    const run = request;
    queue = queue.then(() => execute(run, controller));
  });

  return {
    get active() {
      return controllers.size;
    },
  };
}
