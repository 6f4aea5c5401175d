import type { Worker } from 'node:worker_threads';
import type { JobInfo } from '../../shared/api/contract';
import { ServiceError } from './serviceError';
import { startComputeWorker } from './computeWorkerUrl';
import type { FinishPageInput, InferInput, InspectInput, ModelRef, SweepInput, WorkerReply, WorkerRequest, WorkerResults } from './workerProtocol';

type Task =
  | { type: 'infer'; input: InferInput }
  | { type: 'sweep'; input: SweepInput }
  | { type: 'inspect'; input: InspectInput }
  | { type: 'warm'; input: { model: ModelRef } }
  | { type: 'finishPage'; input: FinishPageInput }
  | { type: 'grid'; input: { imagePath: string; model: ModelRef } };

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (p: JobInfo['progress']) => void;
  cancelFlag: Int32Array;
}

/** How long a cancelled task may take to stop before the worker is terminated (and restarted on the next task). */
export const CANCEL_GRACE_MS = 5000;

/**
 * Main's side of the compute worker: starts it on first use, sends tasks, routes progress and
 * answers, cancels (abort in the worker; terminate it when the task does not stop in time), and
 * restarts it after a crash. Errors come back as {@link ServiceError} with the worker's code
 * (`internal` when it had none).
 */
export class ComputeClient {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly workerUrl?: URL) {}

  /** Runs a task in the worker; `id` identifies it for {@link cancel}. */
  run<T extends Task['type']>(type: T, input: Extract<Task, { type: T }>['input'], onProgress?: (p: JobInfo['progress']) => void): { id: number; result: Promise<WorkerResults[T]> } {
    if (this.closed) throw new ServiceError('internal', 'compute worker: the service host is closed');
    const id = this.nextId++;
    const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
    const result = new Promise<WorkerResults[T]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress, cancelFlag });
    });
    this.ensure().postMessage({ type, id, cancelFlag, input } as WorkerRequest);
    return { id, result };
  }

  /** Aborts a task; if it has not ended after `graceMs`, terminates the worker (every task in it ends as cancelled). */
  cancel(id: number, graceMs = CANCEL_GRACE_MS): void {
    const p = this.pending.get(id);
    if (!p || !this.worker) return;
    const worker = this.worker;
    Atomics.store(p.cancelFlag, 0, 1);
    worker.postMessage({ type: 'cancel', id } satisfies WorkerRequest);
    const timer = setTimeout(() => {
      if (this.pending.has(id) && this.worker === worker) this.terminate(new ServiceError('cancelled', 'cancelled (the compute worker was stopped)'));
    }, graceMs);
    timer.unref?.();
  }

  /** Stops the worker; pending tasks end as cancelled. */
  async close(): Promise<void> {
    this.closed = true;
    await this.terminate(new ServiceError('cancelled', 'cancelled: the service host closed'));
  }

  /** Whether the worker thread is running. */
  get started(): boolean {
    return this.worker !== null;
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = startComputeWorker(this.workerUrl);
    worker.on('message', (msg: WorkerReply) => this.onMessage(msg));
    worker.on('error', (e) => {
      if (this.worker === worker) this.failAll(new ServiceError('internal', `compute worker crashed: ${e.message}`));
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.failAll(new ServiceError('internal', `compute worker exited (code ${code})`));
    });
    this.worker = worker;
    return worker;
  }

  private onMessage(msg: WorkerReply): void {
    if (msg.type === 'ready') return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') {
      p.onProgress?.(msg.progress);
      return;
    }
    this.pending.delete(msg.id);
    if (msg.type === 'result') p.resolve(msg.result);
    else {
      const e = new ServiceError(msg.error.code ?? 'internal', msg.error.message);
      if (msg.error.name === 'AbortError') e.name = 'AbortError';
      p.reject(e);
    }
  }

  private failAll(error: Error): void {
    this.worker = null;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(error);
  }

  private async terminate(error: Error): Promise<void> {
    const worker = this.worker;
    this.failAll(error);
    if (worker) await worker.terminate();
  }
}
