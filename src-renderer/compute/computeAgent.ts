/**
 * The page compute agent: offers this page's engine worker (tfjs webgl on OffscreenCanvas, wasm,
 * cpu in a module Worker) to main for inference runs, and runs the tasks main gives it. All the
 * tensor work happens in the worker; this side only moves bytes and messages, so the page's UI
 * never blocks.
 *
 * Protocol (shared/api/contract.ts): probe the worker's backends → `compute:attach` with the
 * offer → for each `compute:task` of this agent: `compute:input`, run in the worker with
 * `compute:progress` (≤ 5 a second), then `compute:done` with the result or `compute:failed`
 * (`cancelled` after `compute:cancel`). One task at a time, the others wait in arrival order.
 */
import type { ApiErrorPayload, ComputeAgentOffer } from '../../shared/api/contract';
import type { Api } from '../../shared/api/transport';
import { createEngineWorker } from '../engine/createEngineWorker';
import { createEngineClient, type EngineClient } from '../engine/engineClient';
import { EngineError } from '../engine/EngineError';
import { throttleProgress, toJobProgress } from './taskProgress';
import { toApiErrorPayload } from './toApiErrorPayload';
import { toComputeTaskResult } from './toComputeTaskResult';
import { toEngineRunInput } from './toEngineRunInput';

/** Where the agent lives (the offer's `host`). */
export type ComputeAgentHost = ComputeAgentOffer['host'];

/** What the agent needs from a Worker (the engine client does the rest). */
export type AgentWorker = Pick<Worker, 'addEventListener' | 'terminate'>;

/** Replaceable parts (tests pass fakes; the app uses the defaults). */
export interface ComputeAgentDeps {
  /** Starts an engine worker (default `createEngineWorker()`). */
  createWorker?: () => AgentWorker;
  /** Wraps it in a client (default `createEngineClient`). */
  createClient?: (worker: AgentWorker) => EngineClient;
  /** Calls the listener whenever the transport reconnected (the agent then attaches again). */
  onReconnect?: (listener: () => void) => () => void;
  /** Where problems no one else hears about go (default `console.warn`). */
  log?: (message: string) => void;
  /** Smallest interval between progress reports (default 200 ms). */
  progressIntervalMs?: number;
}

/** A running agent. */
export interface ComputeAgent {
  /** Stops: aborts the running task, stops listening, terminates the worker. */
  stop(): void;
  /** Resolves with the agent id of the first attach (rejects when the probe or the attach failed). */
  readonly attached: Promise<string>;
  /** The current agent id (null before the attach). */
  readonly agentId: string | null;
  /** The task running now (null when idle). */
  readonly running: string | null;
}

interface Task {
  agentId: string;
  taskId: string;
}

/**
 * Starts the page compute agent on `api`.
 * @param api the connected API (Electron preload or the WebSocket transport)
 * @param host `ui-page` (the UI page in a browser) or `compute-window` (Electron's hidden window)
 */
export function startComputeAgent(api: Api, host: ComputeAgentHost, deps: ComputeAgentDeps = {}): ComputeAgent {
  if (host !== 'ui-page' && host !== 'compute-window') throw new Error(`startComputeAgent: host must be "ui-page" or "compute-window", got ${JSON.stringify(host)}`);
  const where = `page compute (${host})`;
  const log = deps.log ?? ((message: string) => console.warn(message));
  const newWorker = deps.createWorker ?? (() => createEngineWorker('patchlens-compute-agent'));
  const newClient = deps.createClient ?? ((w: AgentWorker) => createEngineClient(w as Worker));

  let stopped = false;
  let agentId: string | null = null;
  let offer: ComputeAgentOffer | null = null;
  let worker!: AgentWorker;
  let client!: EngineClient;
  /** Set when the worker reported an error: it is replaced before the next task. */
  let broken = false;
  const queue: Task[] = [];
  /**
   * Tasks that came while an attach was in flight: main may hand the new agent a waiting job
   * before its answer to `compute:attach` arrives here. Taken over once the id is known.
   */
  let early: Task[] = [];
  let attaching = 0;
  let current: (Task & { controller: AbortController }) | null = null;

  const startEngine = () => {
    const w = newWorker();
    w.addEventListener('error', () => {
      if (w === worker) broken = true;
    });
    worker = w;
    client = newClient(w);
    broken = false;
  };
  const stopEngine = () => {
    client.close();
    worker.terminate();
  };
  const restartEngine = () => {
    log(`${where}: the engine worker failed; starting a new one`);
    stopEngine();
    startEngine();
  };
  startEngine();

  const report = (what: string, p: Promise<unknown>) => p.catch((e: unknown) => log(`${where}: ${what} failed: ${(e as Error).message}`));

  const attach = async (): Promise<string> => {
    if (!offer) {
      // Quick: without a hardware WebGL the page has nothing to offer over main's worker, and
      // measuring SwiftShader would take the CPU (and the compositor's GPU process) from the UI.
      const probe = await client.probe({ quick: true });
      offer = { probes: probe.probes, choice: probe.choice, host };
    }
    attaching++;
    try {
      const { agentId: id } = await api.call('compute:attach', { offer });
      if (typeof id !== 'string' || id.length === 0) throw new Error(`${where}: compute:attach answered no agent id`);
      if (!stopped) {
        agentId = id;
        for (const task of early) if (task.agentId === id) enqueue(task);
      }
      return id;
    } finally {
      if (--attaching === 0) early = [];
    }
  };

  const enqueue = (task: Task) => {
    if (current?.taskId === task.taskId || queue.some((t) => t.taskId === task.taskId)) return;
    queue.push(task);
    pump();
  };

  const fail = (task: Task, error: ApiErrorPayload) => report(`compute:failed of task ${task.taskId}`, api.call('compute:failed', { ...task, error }));

  const runTask = async (task: Task, controller: AbortController): Promise<void> => {
    const t0 = Date.now();
    const progress = throttleProgress(
      (p) => void report(`compute:progress of task ${task.taskId}`, api.call('compute:progress', { ...task, progress: p })),
      deps.progressIntervalMs,
    );
    try {
      progress.push({ fraction: 0, phase: 'prepare', etaMs: null, message: `${where}: fetching the inputs` });
      const input = await api.call('compute:input', task);
      if (controller.signal.aborted) throw new EngineError('aborted', `task ${task.taskId} was cancelled`);
      const result = await client.run(toEngineRunInput(input), {
        signal: controller.signal,
        onProgress: (p) => progress.push(toJobProgress(p, Date.now() - t0)),
      });
      progress.stop();
      await api.call('compute:done', { ...task, result: toComputeTaskResult(result) });
    } catch (e) {
      progress.stop();
      if (e instanceof EngineError && e.code === 'worker-failed') broken = true;
      // A cancel wins over whatever the abort made fail.
      await fail(task, controller.signal.aborted ? { code: 'cancelled', message: `${where}: task ${task.taskId} was cancelled` } : toApiErrorPayload(e, where));
    }
  };

  const pump = () => {
    if (stopped || current) return;
    const task = queue.shift();
    if (!task) return;
    if (broken) restartEngine();
    const controller = new AbortController();
    current = { ...task, controller };
    void runTask(task, controller).finally(() => {
      current = null;
      if (broken && !stopped) restartEngine();
      pump();
    });
  };

  const offTask = api.on('compute:task', (payload) => {
    if (stopped || !payload || typeof payload.agentId !== 'string' || typeof payload.taskId !== 'string') return;
    const task = { agentId: payload.agentId, taskId: payload.taskId };
    if (payload.agentId === agentId) enqueue(task);
    else if (attaching > 0) early.push(task);
  });
  const offCancel = api.on('compute:cancel', (payload) => {
    if (stopped || !payload) return;
    if (current && current.taskId === payload.taskId && current.agentId === payload.agentId) {
      current.controller.abort();
      return;
    }
    early = early.filter((t) => t.taskId !== payload.taskId || t.agentId !== payload.agentId);
    const at = queue.findIndex((t) => t.taskId === payload.taskId && t.agentId === payload.agentId);
    if (at >= 0) {
      const [task] = queue.splice(at, 1);
      void fail(task, { code: 'cancelled', message: `${where}: task ${task.taskId} was cancelled before it started` });
    }
  });
  const offReconnect =
    deps.onReconnect?.(() => {
      if (stopped) return;
      // Main may have forgotten this agent with the old connection: offer it again.
      attach().catch((e: unknown) => log(`${where}: attaching again after the reconnect failed: ${(e as Error).message}`));
    }) ?? (() => undefined);

  const attached = attach();
  attached.catch((e: unknown) => log(`${where}: not attached, inference stays in main's worker: ${(e as Error).message}`));

  return {
    attached,
    get agentId() {
      return agentId;
    },
    get running() {
      return current?.taskId ?? null;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      offTask();
      offCancel();
      offReconnect();
      current?.controller.abort();
      queue.length = 0;
      early = [];
      stopEngine();
    },
  };
}
