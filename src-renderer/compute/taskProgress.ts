import type { JobInfo } from '../../shared/api/contract';
import type { ProgressMessage } from '../engine/protocol';

/** A job's progress as the contract carries it. */
export type JobProgress = JobInfo['progress'];

/**
 * The engine worker's progress as the job's progress over the whole run, on the same scale as
 * the Node compute worker's `runInferenceJob`: prepare (inputs, backend, model) up to 0.02,
 * preprocess 0.02, the model's windows 0.05 → 0.9, postprocess 0.9 (main's writing follows).
 * The time left is extrapolated from the time since the task started once a window is done.
 * @param p the engine's progress message
 * @param elapsedMs milliseconds since the task started
 */
export function toJobProgress(p: Omit<ProgressMessage, 'type' | 'id'>, elapsedMs: number): JobProgress {
  if (p.phase === 'prepare') {
    const done = p.total > 0 ? p.done / p.total : 0;
    return { fraction: 0.01 + 0.01 * done, phase: 'prepare', etaMs: null, message: done >= 1 ? 'page: model loaded' : 'page: choosing the backend and loading the model' };
  }
  if (p.phase === 'preprocess') return { fraction: 0.02, phase: 'preprocess', etaMs: null, message: 'preparing the image on the model grid' };
  if (p.phase === 'postprocess') return { fraction: 0.9, phase: 'postprocess', etaMs: null, message: 'labels and maps back onto the image grid' };
  const fraction = 0.05 + (0.85 * p.done) / Math.max(1, p.total);
  return { fraction, phase: 'model', etaMs: p.done > 0 ? (elapsedMs * (1 - fraction)) / fraction : null, message: `model: ${p.done}/${p.total} windows` };
}

/** A rate limit on progress reports. */
export interface ProgressThrottle {
  /** Reports `p` now, or the latest one at the end of the current interval. */
  push(p: JobProgress): void;
  /** Drops a pending report and stops the timer. */
  stop(): void;
}

/**
 * Sends at most one report per `intervalMs` (default 200 ms: 5 a second); a report that comes
 * too soon is held and the newest held one is sent when the interval ends (a trailing send),
 * so the last progress before a pause always arrives.
 * @param send called with each report that goes out
 */
export function throttleProgress(send: (p: JobProgress) => void, intervalMs = 200): ProgressThrottle {
  let last = -Infinity;
  let held: JobProgress | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const flush = () => {
    timer = null;
    if (stopped || !held) return;
    const p = held;
    held = null;
    last = Date.now();
    send(p);
  };
  return {
    push(p) {
      if (stopped) return;
      const wait = last + intervalMs - Date.now();
      if (wait <= 0 && timer === null) {
        last = Date.now();
        send(p);
        return;
      }
      held = p;
      if (timer === null) timer = setTimeout(flush, Math.max(0, wait));
    },
    stop() {
      stopped = true;
      held = null;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
