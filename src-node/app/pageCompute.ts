/**
 * Main's bookkeeping of page compute contexts: agents (the UI page's module Worker with
 * OffscreenCanvas, or Electron's hidden compute window) that run inference with tfjs WebGL and
 * hand the result back for main to write (see the contract's `compute:*` requests and events).
 * Agents belong to a session (a tab or window, see serviceHost.ts) and are reached only through
 * the connection they attached on: a session's jobs run only on its own agent, and a connection
 * that goes away takes its agents (and their tasks) with it at once.
 */
import type { ApiErrorPayload, ComputeAgentOffer, ComputeMode, ComputeTaskInput, ComputeTaskResult, Events, JobInfo } from '../../shared/api/contract';
import type { BackendProbe } from '../../shared/engine/backend/selectBackend';
import { fail, ServiceError } from './serviceError';

/** Timing of page compute tasks (tests shorten them). */
export interface PageComputeLimits {
  /** How long a `page` job waits for an agent to attach before it fails. */
  attachWaitMs: number;
  /** A task whose agent sent nothing (input, progress, result) for this long fails. */
  stallMs: number;
  /** After `compute:cancel`, how long the job waits for the agent's `compute:failed` before it ends cancelled anyway. */
  cancelGraceMs: number;
}

/** The defaults: 10 s to attach, 60 s of silence, 5 s to stop. */
export const PAGE_COMPUTE_LIMITS: PageComputeLimits = { attachWaitMs: 10_000, stallMs: 60_000, cancelGraceMs: 5_000 };

/** `auto` runs on the page only when its WebGL probe takes less than this share of the compute worker's best probe. */
export const AUTO_PAGE_SPEEDUP = 0.8;

/** An attached agent. */
export interface PageAgent {
  id: string;
  offer: ComputeAgentOffer;
  /** ISO date. */
  attachedAt: string;
  /** The session whose jobs it runs. */
  sessionId: string;
  /** The connection it attached on (its requests must come from there; its events go there). */
  connectionId: string;
}

/** What a task runs and what becomes of its result. */
export interface PageTaskSpec {
  /** One line naming the job, for messages. */
  label: string;
  /** The task's inputs (`compute:input`). */
  input(): Promise<ComputeTaskInput>;
  /** Writes the result (`compute:done`); answers the run id. A failure fails the job and is answered to the agent. */
  finish(result: ComputeTaskResult): Promise<string>;
  /** The largest `compute:done` message this task's result can need, bytes (the transport refuses bigger ones before buffering). */
  resultBytes: number;
}

interface Task {
  id: string;
  agentId: string;
  spec: PageTaskSpec;
  state: 'running' | 'cancelling' | 'finishing';
  lastSeen: number;
  progress(p: JobInfo['progress']): void;
  settle(error: Error | null, runId?: string): void;
  graceTimer: ReturnType<typeof setTimeout> | null;
}

const abortError = (message: string) => Object.assign(new Error(message), { name: 'AbortError' });

/**
 * Whether an inference job runs on the page agent (else in the compute worker). `node`: never;
 * `page`: whenever an agent is attached; `auto`: only when the agent chose WebGL on a hardware
 * renderer (its webgl probe says `software: false`) and that probe took less than
 * {@link AUTO_PAGE_SPEEDUP} × the compute worker's best probe (unknown worker probes: the worker).
 */
export function routeToPage(mode: ComputeMode, agent: PageAgent | null, nodeProbes: readonly BackendProbe[] | null): { page: boolean; why: string } {
  if (mode === 'node') return { page: false, why: 'compute mode node' };
  if (!agent) return { page: false, why: 'no page compute context is attached' };
  if (mode === 'page') return { page: true, why: 'compute mode page' };
  const { offer } = agent;
  if (offer.choice !== 'webgl') return { page: false, why: `the page chose ${offer.choice}, not webgl` };
  const webgl = offer.probes.find((p) => p.name === 'webgl');
  if (!webgl || webgl.software !== false || typeof webgl.ms !== 'number') return { page: false, why: 'the page has no hardware WebGL probe' };
  const times = (nodeProbes ?? []).filter((p) => !p.error && typeof p.ms === 'number' && Number.isFinite(p.ms)).map((p) => p.ms!);
  if (times.length === 0) return { page: false, why: 'the compute worker has not probed its backends' };
  const best = Math.min(...times);
  return webgl.ms < AUTO_PAGE_SPEEDUP * best
    ? { page: true, why: `page webgl ${webgl.ms.toFixed(1)} ms < ${AUTO_PAGE_SPEEDUP} × worker ${best.toFixed(1)} ms` }
    : { page: false, why: `page webgl ${webgl.ms.toFixed(1)} ms is not below ${AUTO_PAGE_SPEEDUP} × worker ${best.toFixed(1)} ms` };
}

/**
 * The agents and their tasks. `attach` registers an agent for a session (a new one of the same
 * host in the same session replaces the old); `run` gives an agent a task and resolves with the
 * run id once the agent's result is written; the `compute:*` requests land in `input` /
 * `progress` / `done` / `failed` and are accepted only from the agent's own connection;
 * `detach` removes a connection's agents (their tasks end cancelled at once).
 */
export class PageCompute {
  private readonly agents: PageAgent[] = [];
  private readonly tasks = new Map<string, Task>();
  private readonly waiters = new Set<() => void>();
  private agentCounter = 0;
  private taskCounter = 0;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  constructor(
    private readonly emit: <E extends 'compute:task' | 'compute:cancel'>(agent: PageAgent, event: E, payload: Events[E]) => void,
    private readonly limits: PageComputeLimits = PAGE_COMPUTE_LIMITS,
  ) {}

  /** Registers an agent of a session, attached on `connectionId`; answers its id (`a<n>`). */
  attach(offer: ComputeAgentOffer, owner: { sessionId: string; connectionId: string }): { agentId: string } {
    if (this.closed) throw fail('internal', 'compute:attach: the service host is closed');
    const agent: PageAgent = { id: `a${++this.agentCounter}`, offer, attachedAt: new Date().toISOString(), ...owner };
    for (const old of this.agents.filter((a) => a.sessionId === owner.sessionId && a.offer.host === offer.host)) {
      this.remove(old, (t) => fail('internal', `${t.spec.label}: the page compute context ${old.id} went away (a new ${offer.host} context, ${agent.id}, attached: was the page reloaded?)`));
    }
    this.agents.push(agent);
    for (const w of [...this.waiters]) w();
    return { agentId: agent.id };
  }

  /**
   * Removes the agents that attached on `connectionId` (its page went away): their tasks end
   * cancelled at once. Answers how many agents were removed.
   */
  detach(connectionId: string, why: string): number {
    const gone = this.agents.filter((a) => a.connectionId === connectionId);
    for (const agent of gone) this.remove(agent, (t) => abortError(`${t.spec.label}: cancelled: ${why}`));
    return gone.length;
  }

  /** The session's most recently attached agent, or null. */
  latest(sessionId: string): PageAgent | null {
    for (let i = this.agents.length - 1; i >= 0; i--) if (this.agents[i].sessionId === sessionId) return this.agents[i];
    return null;
  }

  /** Agents attached now (all sessions). */
  count(): number {
    return this.agents.length;
  }

  /** The largest `compute:done` message `connectionId` may send now: its running tasks' result size (null: none running). */
  resultAllowance(connectionId: string): number | null {
    let most: number | null = null;
    for (const t of this.tasks.values()) {
      const agent = this.agents.find((a) => a.id === t.agentId);
      if (agent?.connectionId === connectionId && t.state === 'running') most = Math.max(most ?? 0, t.spec.resultBytes);
    }
    return most;
  }

  /** The session's latest agent, waiting up to `ms` for one to attach; null when none did. */
  waitForAgent(sessionId: string, ms: number, signal: AbortSignal): Promise<PageAgent | null> {
    const now = this.latest(sessionId);
    if (now || ms <= 0) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const done = (error: Error | null) => {
        clearTimeout(timer);
        this.waiters.delete(onAttach);
        signal.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve(this.latest(sessionId));
      };
      const onAttach = () => {
        if (this.latest(sessionId)) done(null);
      };
      const onAbort = () => done(abortError('cancelled'));
      const timer = setTimeout(() => done(null), ms);
      this.waiters.add(onAttach);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Gives `agent` a task (`compute:task`) and resolves with the run id when its result was
   * written. Cancel (`signal`) sends `compute:cancel`; the promise rejects as aborted when the
   * agent confirms, or after `cancelGraceMs` anyway. Rejects with the agent's error on
   * `compute:failed`, and when the agent goes silent for `stallMs` or is replaced.
   */
  run(agent: PageAgent, spec: PageTaskSpec, ctx: { signal: AbortSignal; progress(p: JobInfo['progress']): void }): Promise<string> {
    if (this.closed) return Promise.reject(fail('internal', `${spec.label}: the service host is closed`));
    if (ctx.signal.aborted) return Promise.reject(abortError('cancelled'));
    if (!this.agents.includes(agent)) return Promise.reject(abortError(`${spec.label}: cancelled: the page compute context ${agent.id} went away`));
    return new Promise<string>((resolve, reject) => {
      const task: Task = {
        id: `t${++this.taskCounter}`,
        agentId: agent.id,
        spec,
        state: 'running',
        lastSeen: Date.now(),
        progress: ctx.progress,
        graceTimer: null,
        settle: (error, runId) => {
          if (!this.tasks.has(task.id)) return;
          this.tasks.delete(task.id);
          if (task.graceTimer) clearTimeout(task.graceTimer);
          ctx.signal.removeEventListener('abort', onAbort);
          if (this.tasks.size === 0) this.stopWatchdog();
          if (error) reject(error);
          else resolve(runId!);
        },
      };
      const onAbort = () => {
        if (task.state !== 'running') return; // a result being written finishes first; the job then ends cancelled
        task.state = 'cancelling';
        this.emit(agent, 'compute:cancel', { agentId: task.agentId, taskId: task.id });
        task.graceTimer = setTimeout(() => task.settle(abortError(`${spec.label}: cancelled (the page did not confirm within ${this.limits.cancelGraceMs} ms)`)), this.limits.cancelGraceMs);
      };
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      this.tasks.set(task.id, task);
      this.startWatchdog();
      this.emit(agent, 'compute:task', { agentId: agent.id, taskId: task.id });
    });
  }

  /** `compute:input`: the task's inputs. */
  async input(connectionId: string, agentId: string, taskId: string): Promise<ComputeTaskInput> {
    const task = this.taskOf('compute:input', connectionId, agentId, taskId);
    task.lastSeen = Date.now();
    return task.spec.input();
  }

  /** `compute:progress`: the job's progress (throttled by the job queue). */
  progress(connectionId: string, agentId: string, taskId: string, progress: JobInfo['progress']): null {
    const task = this.taskOf('compute:progress', connectionId, agentId, taskId);
    task.lastSeen = Date.now();
    if (task.state === 'running') task.progress(progress);
    return null;
  }

  /** `compute:done`: writes the result; the agent's answer waits for it (and carries its error). */
  async done(connectionId: string, agentId: string, taskId: string, result: ComputeTaskResult): Promise<null> {
    const task = this.taskOf('compute:done', connectionId, agentId, taskId);
    if (task.state === 'cancelling') {
      task.settle(abortError(`${task.spec.label}: cancelled`));
      throw fail('cancelled', `compute:done: task ${taskId} was cancelled; its result is dropped`);
    }
    if (task.state === 'finishing') throw fail('bad-request', `compute:done: task ${taskId} already handed in its result`);
    task.state = 'finishing';
    task.lastSeen = Date.now();
    task.progress({ fraction: 0.97, phase: 'write', etaMs: null, message: 'writing the run folder' });
    try {
      const runId = await task.spec.finish(result);
      task.settle(null, runId);
      return null;
    } catch (e) {
      task.settle(e as Error);
      throw e;
    }
  }

  /** `compute:failed`: the job fails with the agent's error (ends cancelled for `cancelled`). */
  failed(connectionId: string, agentId: string, taskId: string, error: ApiErrorPayload): null {
    const task = this.taskOf('compute:failed', connectionId, agentId, taskId);
    if (task.state === 'finishing') throw fail('bad-request', `compute:failed: task ${taskId} already handed in its result`);
    task.settle(error.code === 'cancelled' ? abortError(error.message || 'cancelled') : new ServiceError(error.code, error.message));
    return null;
  }

  /** Ends every task as cancelled (the host closes). */
  close(): void {
    this.closed = true;
    for (const t of [...this.tasks.values()]) t.settle(abortError(`${t.spec.label}: cancelled: the service host closed`));
    this.stopWatchdog();
    this.agents.length = 0;
  }

  private tasksOf(agentId: string): Task[] {
    return [...this.tasks.values()].filter((t) => t.agentId === agentId);
  }

  private remove(agent: PageAgent, why: (t: Task) => Error): void {
    const at = this.agents.indexOf(agent);
    if (at >= 0) this.agents.splice(at, 1);
    for (const t of this.tasksOf(agent.id)) t.settle(why(t));
  }

  private taskOf(ch: string, connectionId: string, agentId: string, taskId: string): Task {
    // Another connection's agent is answered as if it did not exist.
    if (!this.agents.some((a) => a.id === agentId && a.connectionId === connectionId)) throw fail('not-found', `${ch}: no page compute agent ${agentId} is attached on this connection (attach again with compute:attach)`);
    const task = this.tasks.get(taskId);
    if (!task || task.agentId !== agentId) throw fail('not-found', `${ch}: agent ${agentId} has no task ${taskId} (it ended, or it is another agent's)`);
    return task;
  }

  private startWatchdog(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => {
      const now = Date.now();
      for (const t of [...this.tasks.values()]) {
        if (t.state === 'finishing' || now - t.lastSeen <= this.limits.stallMs) continue;
        t.settle(fail('internal', `${t.spec.label}: the page compute context ${t.agentId} stopped answering (nothing for ${Math.round(this.limits.stallMs / 1000)} s): was the page closed or reloaded? Run again, or start with --compute node`));
      }
    }, Math.max(50, Math.min(5000, this.limits.stallMs / 4)));
    this.watchdog.unref?.();
  }

  private stopWatchdog(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
  }
}
