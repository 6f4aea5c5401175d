import { resolve } from 'node:path';
import { defaultDemoDir } from './bundledDemo';
import { ComputeClient } from './computeClient';
import { Connections } from './connections';
import { dispatchRequest } from './handlers/dispatchRequest';
import { requestHandlers } from './handlers/requestHandlers';
import type { HostContext } from './hostContext';
import { InitialFiles } from './initialFiles';
import { JobQueue } from './jobQueue';
import { OpenFiles } from './openFiles';
import { PAGE_COMPUTE_LIMITS, PageCompute } from './pageCompute';
import { ProjectRecords } from './projectRecords';
import { ProjectStore } from './projectStore';
import type { ServiceHost, ServiceHostOptions } from './serviceHost';

/**
 * Creates the main-side services behind the contract (shared by Electron IPC and the HTTP +
 * WebSocket transport): opens (or creates) the project folder, lists its finished runs and
 * sweeps, and serves every page (tab or window) as its own session (`connect`): its files, the
 * runs it shows, its jobs and its page compute agent. Inference runs, sweeps and the patch
 * inspector run in one compute worker thread, one job at a time, first in first out; inference
 * runs may instead go to the session's own page compute context (tfjs WebGL in the UI page or
 * Electron's compute window, see `pageCompute.ts` and `options.compute`).
 *
 * This is the composition root: the shared parts (HostContext), the connections and their
 * sessions (connections.ts), what sessions open first (initialFiles.ts), and the request
 * handlers of each domain (handlers/), each called with its caller's context.
 */
export async function createServiceHost(options: ServiceHostOptions): Promise<ServiceHost> {
  const store = new ProjectStore(options.projectDir);
  let closed = false;
  /** Aborted by close(): a model being checked stops at once (its worker is terminated). */
  const closing = new AbortController();
  const pageCompute = new PageCompute((agent, event, payload) => connections.emitTo(agent.connectionId, event, payload), PAGE_COMPUTE_LIMITS);
  const queue = new JobQueue(
    (owner) => {
      // The owner's state changed; other sessions with queued jobs see their place in the queue move.
      for (const id of new Set([owner, ...queue.activeOwners()])) connections.session(id)?.changed();
    },
    (job, owner) => connections.session(owner)?.emit('job:progress', job),
  );
  const ctx: HostContext = {
    options,
    store,
    records: new ProjectRecords(store),
    demoDir: resolve(options.demoDir ?? defaultDemoDir()),
    log: options.log ?? ((m: string) => console.warn(`patchlens: ${m}`)),
    compute: new ComputeClient(options.workerUrl),
    computeMode: options.compute ?? 'auto',
    queue,
    pageCompute,
    files: new OpenFiles(options.maxImageBytes, closing.signal),
    nodeProbes: null,
    isClosed: () => closed,
  };
  const handlers = requestHandlers(ctx);
  const initialFiles = new InitialFiles(ctx);
  const connections = new Connections(ctx, {
    maxConnections: options.maxConnections,
    sessionGraceMs: options.sessionGraceMs,
    dispatch: (call, channel, args) => dispatchRequest(handlers, call, channel, args),
    openFirst: (session) => initialFiles.openFirst(session),
  });

  return {
    connect: (connectOptions) => connections.connect(connectOptions),
    connections: () => connections.count(),
    command: (command) => connections.emitToUi('app:command', { command }),
    openInitial: (paths) => initialFiles.openInitial(paths, connections.liveSessions()),
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
      // Every session's annotation is autosaved before the project's lock goes.
      await connections.closeAll();
      await ctx.compute.close();
      store.close();
    },
  };
}
