import { EngineError } from './EngineError';
import {
  ENGINE_PROTOCOL_VERSION,
  runRequestTransfers,
  type EngineResponse,
  type EngineResult,
  type ProbeResultMessage,
  type ProgressMessage,
  type RunRequest,
} from './protocol';

/** What {@link EngineClient.probe} resolves with: the `probe-result` without its envelope. */
export type EngineProbe = Omit<ProbeResultMessage, 'type' | 'id'>;

/** What `run` takes: a `run` request without the fields the client fills in. */
export type EngineRunInput = Omit<RunRequest, 'type' | 'id' | 'protocol'>;

/** Options of {@link EngineClient.run}. */
export interface EngineRunOptions {
  /** Called for every progress message of this run. */
  onProgress?: (progress: Omit<ProgressMessage, 'type' | 'id'>) => void;
  /** Aborting it cancels the run; `run` then rejects with an EngineError of code `aborted`. */
  signal?: AbortSignal;
  /**
   * Transfer the image, label, model.json and weight buffers to the worker (default true: they
   * are detached here afterwards, `byteLength` 0). false posts copies and keeps them usable.
   */
  transfer?: boolean;
}

/** A typed client of one engine worker. */
export interface EngineClient {
  /** Runs one inference in the worker; resolves with its result, rejects with an {@link EngineError}. */
  run(input: EngineRunInput, options?: EngineRunOptions): Promise<EngineResult>;
  /**
   * Measures the worker's backends as `auto` would, without a model (queued behind its runs);
   * resolves with every probe and the choice, rejects with an {@link EngineError}.
   * @param options.fresh probe again even when the worker already probed (default false)
   * @param options.quick measure only with a hardware WebGL (see `ProbeRequest.quick`)
   */
  probe(options?: { fresh?: boolean; quick?: boolean }): Promise<EngineProbe>;
  /** Runs and probes not finished yet. */
  readonly pending: number;
  /** Stops listening to the worker and rejects the runs still pending (`aborted`); does not terminate the worker. */
  close(): void;
}

interface Pending {
  resolve(result: EngineResult | EngineProbe): void;
  reject(error: EngineError): void;
  onProgress?: EngineRunOptions['onProgress'];
  cleanup(): void;
}

/**
 * Wraps an engine worker (see `createEngineWorker`) in a promise-based, typed API. Use one
 * client per worker (run ids are the client's own). A worker that fails to load or dies
 * rejects every pending run with code `worker-failed`.
 */
export function createEngineClient(worker: Worker): EngineClient {
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let closed = false;

  const settle = (id: number): Pending | undefined => {
    const p = pending.get(id);
    if (p) {
      pending.delete(id);
      p.cleanup();
    }
    return p;
  };
  const rejectAll = (error: EngineError) => {
    for (const id of [...pending.keys()]) settle(id)?.reject(error);
  };

  const onMessage = (event: MessageEvent<EngineResponse>) => {
    const msg = event.data;
    if (!msg || typeof msg !== 'object' || typeof msg.id !== 'number') return;
    if (msg.type === 'progress') {
      const { type: _t, id: _i, ...progress } = msg;
      pending.get(msg.id)?.onProgress?.(progress);
    } else if (msg.type === 'result') {
      settle(msg.id)?.resolve(msg.result);
    } else if (msg.type === 'probe-result') {
      const { type: _t, id: _i, ...probe } = msg;
      settle(msg.id)?.resolve(probe);
    } else if (msg.type === 'error') {
      const error = EngineError.fromPosted(msg.error);
      if (msg.id === -1) rejectAll(error);
      else settle(msg.id)?.reject(error);
    }
  };
  const onError = (event: ErrorEvent | Event) => {
    const detail = 'message' in event && event.message ? event.message : 'the worker script failed to load or threw';
    rejectAll(new EngineError('worker-failed', `engineClient: ${detail}`));
  };
  const onMessageError = () => rejectAll(new EngineError('worker-failed', 'engineClient: a message from the worker could not be deserialized'));
  worker.addEventListener('message', onMessage);
  worker.addEventListener('error', onError);
  worker.addEventListener('messageerror', onMessageError);

  return {
    get pending() {
      return pending.size;
    },
    run(input, options = {}) {
      if (closed) return Promise.reject(new EngineError('worker-failed', 'engineClient.run: the client is closed'));
      const { signal } = options;
      if (signal?.aborted) return Promise.reject(new EngineError('aborted', 'engineClient.run: the signal was aborted before the run started'));
      const id = nextId++;
      const request: RunRequest = { ...input, type: 'run', id, protocol: ENGINE_PROTOCOL_VERSION };
      return new Promise<EngineResult>((resolve, reject) => {
        const onAbort = () => worker.postMessage({ type: 'cancel', id });
        signal?.addEventListener('abort', onAbort, { once: true });
        pending.set(id, { resolve: resolve as Pending['resolve'], reject, onProgress: options.onProgress, cleanup: () => signal?.removeEventListener('abort', onAbort) });
        try {
          if (options.transfer === false) worker.postMessage(request);
          else worker.postMessage(request, runRequestTransfers(request));
        } catch (e) {
          settle(id);
          reject(new EngineError('invalid-request', `engineClient.run: the request cannot be posted: ${(e as Error).message}`));
        }
      });
    },
    probe(options = {}) {
      if (closed) return Promise.reject(new EngineError('worker-failed', 'engineClient.probe: the client is closed'));
      const id = nextId++;
      return new Promise<EngineProbe>((resolve, reject) => {
        pending.set(id, { resolve: resolve as Pending['resolve'], reject, cleanup: () => undefined });
        try {
          worker.postMessage({ type: 'probe', id, ...(options.fresh === true ? { fresh: true } : {}), ...(options.quick === true ? { quick: true } : {}) });
        } catch (e) {
          settle(id);
          reject(new EngineError('invalid-request', `engineClient.probe: the request cannot be posted: ${(e as Error).message}`));
        }
      });
    },
    close() {
      if (closed) return;
      closed = true;
      worker.removeEventListener('message', onMessage);
      worker.removeEventListener('error', onError);
      worker.removeEventListener('messageerror', onMessageError);
      rejectAll(new EngineError('aborted', 'engineClient.close: the client was closed'));
    },
  };
}
