/**
 * The fuzzer's worker thread (started by `CaseRunner`): runs one case at a time through its
 * target's executor and answers a verdict. Anything a case throws past its executor, and any
 * rejection or exception that surfaces later, is a crash of that case.
 */
import { parentPort } from 'node:worker_threads';
import type { CaseInput, FromWorker, TargetName, ToWorker, Verdict } from './types';

/** What every target's executor module exports. */
export interface TargetExecutor {
  execute(input: CaseInput): Promise<Verdict>;
}

const port = parentPort;
if (!port) throw new Error('fuzzWorker: must run in a worker thread');

const loaders: Record<TargetName, () => Promise<TargetExecutor>> = {
  nifti: () => import('./run/nifti'),
  gzip: () => import('./run/gzip'),
  model: () => import('./run/model'),
  cli: () => import('./run/cli'),
  frames: () => import('./run/frames'),
};
const loaded = new Map<TargetName, Promise<TargetExecutor>>();

/** The case now running, so that a late rejection is charged to it. */
let current: ((v: Verdict) => void) | null = null;

const asCrash = (what: string) => (e: unknown) => {
  const v: Verdict = { outcome: 'crash', message: `${what}: ${e instanceof Error ? e.message : String(e)}`, stack: e instanceof Error ? e.stack : undefined };
  if (current) current(v);
};
process.on('unhandledRejection', asCrash('an unhandled rejection'));
process.on('uncaughtException', asCrash('an uncaught exception'));

function memoryMb(): number {
  const m = process.memoryUsage();
  return Math.round((m.heapUsed + m.arrayBuffers) / 2 ** 20);
}

function executor(target: TargetName): Promise<TargetExecutor> {
  let x = loaded.get(target);
  if (!x) {
    x = loaders[target]();
    loaded.set(target, x);
  }
  return x;
}

port.on('message', (m: ToWorker) => {
  if (m?.type === 'load') {
    Promise.all(m.targets.map(executor)).then(
      () => port.postMessage({ type: 'loaded' } satisfies FromWorker),
      (e: unknown) => port.postMessage({ type: 'loaded', error: e instanceof Error ? (e.stack ?? e.message) : String(e) } satisfies FromWorker),
    );
    return;
  }
  if (m?.type !== 'run') return;
  const { id, fuzzCase } = m;
  let answered = false;
  const answer = (verdict: Verdict) => {
    if (answered) return;
    answered = true;
    current = null;
    port.postMessage({ type: 'verdict', id, verdict, memoryMb: memoryMb() } satisfies FromWorker);
  };
  current = answer;
  executor(fuzzCase.target)
    .then((x) => x.execute(fuzzCase.input))
    .then(answer, (e: unknown) => answer({ outcome: 'crash', message: `the executor threw: ${e instanceof Error ? e.message : String(e)}`, stack: e instanceof Error ? e.stack : undefined }));
});
port.postMessage({ type: 'ready' } satisfies FromWorker);
