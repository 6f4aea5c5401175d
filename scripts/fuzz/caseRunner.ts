/**
 * Runs cases one at a time in a worker thread with a time limit: a case that hangs is stopped by
 * terminating its worker (that stops even a loop that never yields), a worker that dies is a
 * crash, and either way the next case gets a fresh worker. The worker's start-up (loading tsx
 * and the targets' modules) does not count against a case's time.
 */
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../../src-node/model/modelCheckWorkerUrl';
import type { FromWorker, FuzzCase, TargetName, TimedVerdict, ToWorker } from './types';

/** Options of {@link CaseRunner}. */
export interface CaseRunnerOptions {
  /** Time limit of one case in milliseconds. */
  caseMs: number;
  /** Old-generation heap of the worker in MiB (default 1024): a case that runs it out of memory kills the worker, not the fuzzer. */
  heapMb?: number;
  /** A worker whose heap and array buffers grow past this many MiB is replaced before the next case (default 768). */
  recycleMb?: number;
}

/** Time the worker may take to start (tsx compiles the sources first). */
const START_MS = 120_000;

/** The worker thread's entry. */
const WORKER_URL = new URL(['fuzzWorker', 'ts'].join('.'), import.meta.url);

/** One worker at a time, one case at a time. */
export class CaseRunner {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 1;
  private memoryMb = 0;
  /** Workers started so far (the first, and one after every hang, crash or recycle). */
  starts = 0;

  /**
   * @param targets the targets whose executors the worker loads before its first case (a case
   *   of another target loads its own on first use, inside its time limit)
   */
  constructor(
    private readonly targets: readonly TargetName[],
    private readonly options: CaseRunnerOptions,
  ) {}

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = startTsWorker(WORKER_URL, { maxOldGenerationSizeMb: this.options.heapMb ?? 1024 });
    this.worker = worker;
    this.starts++;
    this.memoryMb = 0;
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`fuzz: the worker did not start within ${START_MS / 1000} s`)), START_MS);
      const onMessage = (m: FromWorker) => {
        if (m.type === 'ready') {
          worker.postMessage({ type: 'load', targets: [...this.targets] } satisfies ToWorker);
          return;
        }
        if (m.type !== 'loaded') return;
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        if (m.error) reject(new Error(`fuzz: the worker could not load the targets: ${m.error}`));
        else resolve();
      };
      const onError = (e: Error) => {
        clearTimeout(timer);
        reject(new Error(`fuzz: the worker failed to start: ${e.message}`));
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
    });
    return this.ready;
  }

  private async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.ready = null;
    if (w) await w.terminate().catch(() => undefined);
  }

  /** Runs one case; never throws for anything the case does. */
  async run(fuzzCase: FuzzCase): Promise<TimedVerdict> {
    if (this.memoryMb > (this.options.recycleMb ?? 768)) await this.stop();
    await this.start();
    const worker = this.worker!;
    const id = this.nextId++;
    const t0 = performance.now();
    const ms = () => Math.round((performance.now() - t0) * 10) / 10;
    const verdict = await new Promise<TimedVerdict>((resolve) => {
      let done = false;
      const finish = (v: TimedVerdict) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        resolve(v);
      };
      const onMessage = (m: FromWorker) => {
        if (m.type === 'verdict' && m.id === id) {
          this.memoryMb = m.memoryMb;
          finish({ ...m.verdict, ms: ms() });
        }
      };
      const onError = (e: Error) => finish({ outcome: 'crash', message: `the worker died: ${e.message}`, stack: e.stack, ms: ms() });
      const onExit = (code: number) => finish({ outcome: 'crash', message: `the worker exited (code ${code}) during the case`, ms: ms() });
      const timer = setTimeout(() => finish({ outcome: 'hang', message: `no answer within ${this.options.caseMs} ms`, ms: ms() }), this.options.caseMs);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ type: 'run', id, fuzzCase } satisfies ToWorker);
    });
    // A fresh worker after a hang or a crash: whatever state the case left behind goes with it.
    if (verdict.outcome === 'hang' || verdict.outcome === 'crash') await this.stop();
    return verdict;
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    await this.stop();
  }
}
