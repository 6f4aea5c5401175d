import { timingSafeEqual } from 'node:crypto';
import { resolve, join } from 'node:path';
import { statSync } from 'node:fs';
import type { EventName, Events, FileKind, RequestChannel } from '../../shared/api/contract';
import { validateArgs } from '../../shared/api/validateArgs';
import { appRoot } from './appPackage';
import { ComputeClient } from './computeClient';
import type { HostContext } from './hostContext';
import { JobQueue } from './jobQueue';
import { OpenFiles } from './openFiles';
import { PAGE_COMPUTE_LIMITS, PageCompute } from './pageCompute';
import { ProjectRecords } from './projectRecords';
import { ProjectStore } from './projectStore';
import { fail, toErrorPayload } from './serviceError';
import type { ConnectOptions, ServiceConnection, ServiceHost, ServiceHostOptions } from './serviceHost';
import { Session, type SessionListener } from './session';
import { openDemo, sessionHandlers } from './sessionRequests';

export { RUN_INPUTS_FILE, caseIdOf } from './runJobs';

/** The bundled demo: `demo/data/cases.json` and `demo/model`. */
export function defaultDemoDir(): string {
  return join(appRoot(), 'demo');
}

/** Default most connections at once. */
export const DEFAULT_MAX_CONNECTIONS = 8;
/** Default time a session whose page went away stays resumable. */
export const DEFAULT_SESSION_GRACE_MS = 30_000;

interface Connection extends ServiceConnection {
  readonly role: 'ui' | 'compute';
  readonly sessionRef: Session;
  readonly listeners: Set<SessionListener>;
  open: boolean;
}

/** Constant-time comparison of two hex keys. */
function keyMatches(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Creates the main-side services behind the contract (shared by Electron IPC and the HTTP +
 * WebSocket transport): opens (or creates) the project folder, lists its finished runs and
 * sweeps, and serves every page (tab or window) as its own session (`connect`): its files, the
 * runs it shows, its jobs and its page compute agent. Inference runs, sweeps and the patch
 * inspector run in one compute worker thread, one job at a time, first in first out; inference
 * runs may instead go to the session's own page compute context (tfjs WebGL in the UI page or
 * Electron's compute window, see `pageCompute.ts` and `options.compute`).
 */
export async function createServiceHost(options: ServiceHostOptions): Promise<ServiceHost> {
  const store = new ProjectStore(options.projectDir);
  const log = options.log ?? ((m: string) => console.warn(`patchlens: ${m}`));
  const sessions = new Map<string, Session>();
  const connections = new Map<string, Connection>();
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const graceMs = options.sessionGraceMs ?? DEFAULT_SESSION_GRACE_MS;
  let closed = false;
  /** Aborted by close(): a model being checked stops at once (its worker is terminated). */
  const closing = new AbortController();
  let sessionCounter = 0;
  let connectionCounter = 0;

  const pageCompute = new PageCompute((agent, event, payload) => {
    const conn = connections.get(agent.connectionId);
    if (!conn?.open) return;
    for (const l of [...conn.listeners]) l(event, payload);
  }, PAGE_COMPUTE_LIMITS);
  const queue = new JobQueue(
    (owner) => {
      // The owner's state changed; other sessions with queued jobs see their place in the queue move.
      for (const id of new Set([owner, ...queue.activeOwners()])) sessions.get(id)?.changed();
    },
    (job, owner) => sessions.get(owner)?.emit('job:progress', job),
  );
  const ctx: HostContext = {
    options,
    store,
    records: new ProjectRecords(store),
    demoDir: resolve(options.demoDir ?? defaultDemoDir()),
    log,
    compute: new ComputeClient(options.workerUrl),
    computeMode: options.compute ?? 'auto',
    queue,
    pageCompute,
    files: new OpenFiles(options.maxImageBytes, closing.signal),
    nodeProbes: null,
    isClosed: () => closed,
  };

  /**
   * What new sessions open: the command line's files (`openInitial(paths)`); else the project's
   * last files; else, once `openInitial([])` asked for it, the bundled demo.
   */
  let initial: { kind: FileKind; path: string }[] | null = null;
  let demoWhenEmpty = false;
  const projectCurrent = (): { kind: FileKind; path: string }[] => {
    const current = store.current;
    return (['image', 'label', 'model'] as const).filter((k) => current[k]).map((k) => ({ kind: k, path: current[k]! }));
  };

  /** Opens a new session's first files; failures are logged (and forgotten from project.json), never fatal. */
  async function openFirstFiles(session: Session): Promise<void> {
    const files = initial ?? projectCurrent();
    await session.exclusive(async () => {
      if (files.length === 0 && demoWhenEmpty) {
        try {
          await openDemo(ctx, session);
        } catch (e) {
          log(`could not open the bundled demo: ${toErrorPayload(e).message}`);
        }
      }
      for (const f of files) {
        try {
          await session.openPath(f.kind, f.path);
        } catch (e) {
          log(`could not open the ${f.kind} ${f.path}: ${toErrorPayload(e).message}`);
          if (!initial && !store.readOnly) store.setCurrent({ [f.kind]: null });
        }
      }
    });
    session.changed();
  }

  function endSession(session: Session): void {
    sessions.delete(session.id);
    session.end().catch((e: unknown) => log(`ending session ${session.id}: ${toErrorPayload(e).message}`));
  }

  function connect(connectOptions: ConnectOptions): ServiceConnection {
    if (closed) throw fail('internal', 'connect: the service host is closed');
    const open = [...connections.values()].filter((c) => c.open).length;
    if (open >= maxConnections) {
      throw fail('forbidden', `PatchLens serves at most ${maxConnections} windows or tabs at once (${open} are open): close one, then reload this page`);
    }
    let session: Session | undefined;
    let resumed = false;
    if (connectOptions.role === 'compute') {
      const of = connectOptions.computeFor ? connections.get(connectOptions.computeFor.id) : undefined;
      if (!of) throw fail('bad-request', 'connect: a compute connection must name the open ui connection it computes for');
      session = of.sessionRef;
    } else if (connectOptions.resume) {
      const candidate = sessions.get(connectOptions.resume.sessionId);
      // A session another page serves right now (a duplicated tab copies sessionStorage) is not shared: that tab gets its own.
      if (candidate && !candidate.ended && (candidate.listeners.size === 0 || connectOptions.share === true) && keyMatches(candidate.key, connectOptions.resume.key)) {
        session = candidate;
        resumed = true;
        if (session.graceTimer) clearTimeout(session.graceTimer);
        session.graceTimer = null;
      }
    }
    const fresh = !session;
    if (!session) {
      session = new Session(ctx, `s${++sessionCounter}`);
      sessions.set(session.id, session);
    }
    const s = session;
    const id = `c${++connectionCounter}`;
    const listeners = new Set<SessionListener>();
    const role = connectOptions.role;
    const conn: Connection = {
      id,
      role,
      sessionRef: s,
      listeners,
      open: true,
      session: { id: s.id, key: s.key, resumed },
      async handle(channel, args) {
        try {
          if (closed) throw fail('internal', `${channel}: the service host is closed`);
          if (!conn.open) throw fail('internal', `${channel}: this connection was closed`);
          const checked = validateArgs(channel, args);
          // Requests see the session with its first files open.
          await s.ready;
          if (role === 'compute' && !channel.startsWith('compute:')) throw fail('forbidden', `${channel}: a compute page may call the compute:* channels only`);
          const handlers = sessionHandlers(ctx, s, { connectionId: id, role });
          const result = await (handlers[channel as RequestChannel] as (a: unknown) => Promise<unknown>)(checked);
          return { result };
        } catch (e) {
          return { error: toErrorPayload(e) };
        }
      },
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      messageAllowance(channel) {
        return channel === 'compute:done' ? pageCompute.resultAllowance(id) : null;
      },
      close(mode = 'lost') {
        if (!conn.open) return;
        conn.open = false;
        connections.delete(id);
        listeners.clear();
        s.listeners.delete(id);
        // The page is gone: its agent and the agent's tasks go at once.
        pageCompute.detach(id, `its page (connection ${id}) went away`);
        if (role !== 'ui' || s.ended) return;
        const othersServe = [...connections.values()].some((c) => c.open && c.role === 'ui' && c.sessionRef === s);
        if (othersServe) return;
        if (mode === 'closed' || closed) endSession(s);
        else {
          s.graceTimer = setTimeout(() => endSession(s), graceMs);
          s.graceTimer.unref?.();
        }
      },
    };
    connections.set(id, conn);
    if (role === 'ui') s.listeners.set(id, (event, payload) => {
      for (const l of [...listeners]) l(event, payload);
    });
    if (fresh) s.ready = openFirstFiles(s).catch((e: unknown) => log(`opening the first files of session ${s.id}: ${toErrorPayload(e).message}`));
    return conn;
  }

  return {
    connect,
    connections: () => [...connections.values()].filter((c) => c.open).length,
    command(command) {
      for (const c of connections.values()) if (c.open && c.role === 'ui') for (const l of [...c.listeners]) l('app:command', { command });
    },
    async openInitial(paths) {
      const files: { kind: FileKind; path: string }[] = [];
      let sawImage = false;
      for (const p of paths) {
        const path = resolve(p);
        let kind: FileKind;
        try {
          kind = statSync(path).isDirectory() ? 'model' : sawImage ? 'label' : 'image';
        } catch {
          log(`${p}: no such file or folder`);
          continue;
        }
        if (kind === 'image') sawImage = true;
        files.push({ kind, path });
      }
      if (paths.length > 0) initial = files;
      else demoWhenEmpty = true;
      const live = [...sessions.values()].filter((s) => !s.ended && s.listeners.size > 0);
      await Promise.all(
        live.map((session) =>
          session.exclusive(async () => {
            if (files.length === 0 && !session.image) {
              try {
                await openDemo(ctx, session);
              } catch (e) {
                log(`could not open the bundled demo: ${toErrorPayload(e).message}`);
              }
            }
            for (const f of files) {
              try {
                await session.openPath(f.kind, f.path);
              } catch (e) {
                log(`could not open ${f.path} as the ${f.kind}: ${toErrorPayload(e).message}`);
              }
            }
            session.changed();
          }),
        ),
      );
    },
    resolveDownload(path) {
      if (typeof path !== 'string') return null;
      const base = (options.downloadBase ?? '').replace(/\/+$/, '');
      let rel: string;
      if (base && path.startsWith(`${base}/`)) rel = path.slice(base.length + 1);
      else if (path.startsWith('/')) return null;
      else rel = path;
      return store.resolveRelative(rel);
    },
    async close() {
      if (closed) return;
      closing.abort();
      pageCompute.close();
      await queue.close();
      closed = true;
      for (const c of [...connections.values()]) c.close('closed');
      for (const s of [...sessions.values()]) endSession(s);
      await ctx.compute.close();
      store.close();
    },
  };
}

// Re-exported for the transports.
export { computeWorkerUrl } from './computeWorkerUrl';
/** Events a connection receives (re-exported for the transports). */
export type { EventName, Events };
