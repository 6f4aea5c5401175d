import type { JobInfo } from '../../shared/api/contract';
import { fail, isAbort, toErrorPayload } from './serviceError';

/**
 * What a job does: `run` gets an AbortSignal, a progress callback and `relabel` (the job's label
 * once it knows more, e.g. where it runs) and answers the id it produced (run / sweep) or null.
 */
export interface JobSpec {
  kind: JobInfo['kind'];
  label: string;
  /** The session that queued it (only it sees and cancels the job). */
  owner: string;
  run(ctx: { id: string; signal: AbortSignal; progress(p: JobInfo['progress']): void; relabel(label: string): void }): Promise<string | null>;
}

/** Finished jobs kept in the state. */
export const FINISHED_JOBS_KEPT = 10;
/** Shortest interval between two `job:progress` events of one job, ms (≤ 10 per second). */
export const PROGRESS_INTERVAL_MS = 100;

interface Entry {
  info: JobInfo;
  spec: JobSpec;
  controller: AbortController;
  settled: Promise<JobInfo>;
  settle(info: JobInfo): void;
  lastProgress: number;
  timer: ReturnType<typeof setTimeout> | null;
}

/**
 * Main's job queue: one job at a time, first in first out, shared by every session (each job
 * has an owner; `list`/`cancel` take it). Every state change calls `onChange` with the owner;
 * progress is forwarded to `onProgress` at most every {@link PROGRESS_INTERVAL_MS} per job (the
 * latest value always arrives). Cancel works for queued jobs (they never start) and running ones
 * (their AbortSignal fires; the job ends `cancelled`).
 */
export class JobQueue {
  private readonly entries: Entry[] = [];
  private counter = 0;
  private active: Entry | null = null;
  private closed = false;

  constructor(
    private readonly onChange: (owner: string) => void,
    private readonly onProgress: (job: JobInfo, owner: string) => void,
  ) {}

  /** Queues a job; it starts when the jobs before it ended. */
  add(spec: JobSpec): JobInfo {
    if (this.closed) throw fail('internal', 'jobs: the service host is closed');
    let settle!: (info: JobInfo) => void;
    const settled = new Promise<JobInfo>((r) => (settle = r));
    const entry: Entry = {
      info: {
        id: `j${++this.counter}`,
        kind: spec.kind,
        label: spec.label,
        state: 'queued',
        progress: { fraction: 0, phase: 'queued', etaMs: null, message: 'waiting for the jobs before it' },
        resultId: null,
        error: null,
        queuedAt: new Date().toISOString(),
        startedAt: null,
        finishedAt: null,
      },
      spec,
      controller: new AbortController(),
      settled,
      settle,
      lastProgress: 0,
      timer: null,
    };
    this.entries.push(entry);
    this.onChange(spec.owner);
    queueMicrotask(() => this.pump());
    return { ...entry.info };
  }

  /** An owner's queued, running and last {@link FINISHED_JOBS_KEPT} finished jobs, newest first (copies); every job without `owner`. */
  list(owner?: string): JobInfo[] {
    return [...this.entries]
      .filter((e) => owner === undefined || e.spec.owner === owner)
      .reverse()
      .map((e) => copy(e.info));
  }

  /** Owners with a queued or running job. */
  activeOwners(): Set<string> {
    return new Set(this.entries.filter((e) => e.info.state === 'queued' || e.info.state === 'running').map((e) => e.spec.owner));
  }

  /** Jobs of other owners queued or running before `id` (to tell a user why theirs waits). */
  ahead(id: string): number {
    const at = this.entries.findIndex((x) => x.info.id === id);
    if (at < 0) return 0;
    const owner = this.entries[at].spec.owner;
    return this.entries.slice(0, at).filter((e) => e.spec.owner !== owner && (e.info.state === 'queued' || e.info.state === 'running')).length;
  }

  /** One job (copy), or null. */
  get(id: string): JobInfo | null {
    const e = this.entries.find((x) => x.info.id === id);
    return e ? copy(e.info) : null;
  }

  /** Resolves when the job ended (done, failed or cancelled). */
  settled(id: string): Promise<JobInfo> {
    const e = this.entries.find((x) => x.info.id === id);
    if (!e) throw fail('not-found', `job:cancel: no job ${id}`);
    return e.settled;
  }

  /**
   * Cancels a job: a queued one at once, a running one through its signal (resolves when it
   * stopped). A job that already ended is answered as it is. With `owner`, another owner's job
   * is answered as if it did not exist.
   */
  async cancel(id: string, owner?: string): Promise<JobInfo> {
    const e = this.entries.find((x) => x.info.id === id && (owner === undefined || x.spec.owner === owner));
    if (!e) throw fail('not-found', `job:cancel: no job ${id}${owner === undefined ? '' : ' in this window'}`);
    if (e.info.state === 'queued') {
      this.finish(e, 'cancelled', null, null);
      return copy(e.info);
    }
    if (e.info.state === 'running') {
      e.controller.abort(Object.assign(new Error('cancelled'), { name: 'AbortError' }));
      return copy(await e.settled);
    }
    return copy(e.info);
  }

  /** Cancels an owner's queued and running jobs (its session ended) and waits for them to stop. */
  async cancelOwner(owner: string): Promise<void> {
    const open = this.entries.filter((e) => e.spec.owner === owner && (e.info.state === 'queued' || e.info.state === 'running'));
    await Promise.all(open.map((e) => this.cancel(e.info.id)));
  }

  /** Cancels every job and waits for the running one to stop. */
  async close(): Promise<void> {
    this.closed = true;
    const open = this.entries.filter((e) => e.info.state === 'queued' || e.info.state === 'running');
    await Promise.all(open.map((e) => this.cancel(e.info.id)));
  }

  private pump(): void {
    if (this.active) return;
    const next = this.entries.find((e) => e.info.state === 'queued');
    if (!next) return;
    this.active = next;
    next.info.state = 'running';
    next.info.startedAt = new Date().toISOString();
    next.info.progress = { fraction: 0, phase: 'starting', etaMs: null, message: 'starting' };
    this.onChange(next.spec.owner);
    const progress = (p: JobInfo['progress']) => {
      if (next.info.state !== 'running') return;
      next.info.progress = { fraction: Math.max(0, Math.min(1, p.fraction)), phase: p.phase, etaMs: p.etaMs, message: p.message };
      const now = Date.now();
      const wait = next.lastProgress + PROGRESS_INTERVAL_MS - now;
      if (wait <= 0) {
        if (next.timer) clearTimeout(next.timer);
        next.timer = null;
        next.lastProgress = now;
        this.onProgress(copy(next.info), next.spec.owner);
      } else if (!next.timer) {
        next.timer = setTimeout(() => {
          next.timer = null;
          if (next.info.state !== 'running') return;
          next.lastProgress = Date.now();
          this.onProgress(copy(next.info), next.spec.owner);
        }, wait);
      }
    };
    const relabel = (label: string) => {
      if (next.info.state !== 'running' || next.info.label === label) return;
      next.info.label = label;
      this.onChange(next.spec.owner);
    };
    let run: Promise<string | null>;
    try {
      run = next.spec.run({ id: next.info.id, signal: next.controller.signal, progress, relabel });
    } catch (e) {
      run = Promise.reject(e);
    }
    run.then(
      (resultId) => {
        if (next.controller.signal.aborted) this.finish(next, 'cancelled', null, null);
        else this.finish(next, 'done', resultId, null);
      },
      (e) => {
        if (next.controller.signal.aborted || isAbort(e)) this.finish(next, 'cancelled', null, null);
        else this.finish(next, 'failed', null, toErrorPayload(e));
      },
    );
  }

  private finish(e: Entry, state: 'done' | 'failed' | 'cancelled', resultId: string | null, error: JobInfo['error']): void {
    if (e.timer) clearTimeout(e.timer);
    e.timer = null;
    e.info.state = state;
    e.info.resultId = resultId;
    e.info.error = state === 'cancelled' ? { code: 'cancelled', message: `${e.info.label}: cancelled` } : error;
    e.info.finishedAt = new Date().toISOString();
    if (state === 'done') e.info.progress = { ...e.info.progress, fraction: 1, etaMs: 0, message: 'done' };
    else e.info.progress = { ...e.info.progress, etaMs: null, message: state };
    if (this.active === e) this.active = null;
    // Keep each owner's last finished jobs only.
    const finished = this.entries.filter((x) => x.info.finishedAt !== null && x.spec.owner === e.spec.owner);
    for (const old of finished.slice(0, Math.max(0, finished.length - FINISHED_JOBS_KEPT))) this.entries.splice(this.entries.indexOf(old), 1);
    e.settle(copy(e.info));
    this.onChange(e.spec.owner);
    queueMicrotask(() => this.pump());
  }
}

function copy(info: JobInfo): JobInfo {
  return { ...info, progress: { ...info.progress }, error: info.error ? { ...info.error } : null };
}
