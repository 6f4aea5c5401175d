import { timingSafeEqual } from 'node:crypto';
import type { Envelope, EventName, Events } from '../../shared/api/contract';
import type { CallContext } from './handlers/callContext';
import type { HostContext } from './hostContext';
import { fail, toErrorPayload } from './serviceError';
import type { ConnectOptions, ServiceConnection } from './serviceHost';
import { Session, type SessionListener } from './session';

/** Default most connections at once. */
export const DEFAULT_MAX_CONNECTIONS = 8;
/** Default time a session whose page went away stays resumable. */
export const DEFAULT_SESSION_GRACE_MS = 30_000;

/** How {@link Connections} serves pages. */
export interface ConnectionsOptions {
  /** Most connections open at once (default {@link DEFAULT_MAX_CONNECTIONS}). */
  maxConnections?: number;
  /** How long a session whose last ui page went away stays resumable (default {@link DEFAULT_SESSION_GRACE_MS}). */
  sessionGraceMs?: number;
  /** Answers one request of an open connection (never throws; see handlers/dispatchRequest.ts). */
  dispatch(call: CallContext, channel: string, args: unknown): Promise<Envelope<unknown>>;
  /** Opens a new session's first files (see initialFiles.ts); requests wait for it. */
  openFirst(session: Session): Promise<void>;
}

interface Connection extends ServiceConnection {
  readonly role: ConnectOptions['role'];
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
 * The pages the services serve and their sessions: connecting (at most `maxConnections` at once;
 * a compute page joins its ui page's session), resuming a session by its id and key, keeping a
 * session whose page went away resumable for `sessionGraceMs`, ending sessions, and sending
 * events to connections.
 */
export class Connections {
  private readonly sessions = new Map<string, Session>();
  private readonly connections = new Map<string, Connection>();
  /** Sessions being ended (closeAll waits for them). */
  private readonly ending = new Set<Promise<void>>();
  private readonly maxConnections: number;
  private readonly graceMs: number;
  private sessionCounter = 0;
  private connectionCounter = 0;

  constructor(
    private readonly ctx: HostContext,
    private readonly options: ConnectionsOptions,
  ) {
    this.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    this.graceMs = options.sessionGraceMs ?? DEFAULT_SESSION_GRACE_MS;
  }

  /**
   * Serves a new page (see ServiceHost.connect).
   * @throws ServiceError `forbidden` when `maxConnections` pages are connected, `bad-request` for a
   * compute page without its open ui connection, `internal` once the services are closed
   */
  connect(connectOptions: ConnectOptions): ServiceConnection {
    const { ctx, connections, sessions } = this;
    const { dispatch } = this.options;
    if (ctx.isClosed()) throw fail('internal', 'connect: the service host is closed');
    const open = this.count();
    if (open >= this.maxConnections) {
      throw fail('forbidden', `PatchLens serves at most ${this.maxConnections} windows or tabs at once (${open} are open): close one, then reload this page`);
    }
    const joined = this.joinedSession(connectOptions);
    const resumed = joined?.resumed ?? false;
    const fresh = !joined;
    const s = joined?.session ?? new Session(ctx, `s${++this.sessionCounter}`);
    if (fresh) sessions.set(s.id, s);
    const id = `c${++this.connectionCounter}`;
    const listeners = new Set<SessionListener>();
    const role = connectOptions.role;
    const call: CallContext = { connectionId: id, role, transport: ctx.options.transport, session: s };
    const conn: Connection = {
      id,
      role,
      sessionRef: s,
      listeners,
      open: true,
      session: { id: s.id, key: s.key, resumed },
      handle(channel, args) {
        const refused = ctx.isClosed() ? 'the service host is closed' : conn.open ? null : 'this connection was closed';
        if (refused) return Promise.resolve({ error: toErrorPayload(fail('internal', `${channel}: ${refused}`)) });
        return dispatch(call, channel, args);
      },
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      messageAllowance(channel) {
        return channel === 'compute:done' ? ctx.pageCompute.resultAllowance(id) : null;
      },
      close: (mode = 'lost') => {
        if (!conn.open) return;
        conn.open = false;
        connections.delete(id);
        listeners.clear();
        s.listeners.delete(id);
        // The page is gone: its agent and the agent's tasks go at once.
        ctx.pageCompute.detach(id, `its page (connection ${id}) went away`);
        if (role !== 'ui' || s.ended) return;
        const othersServe = [...connections.values()].some((c) => c.open && c.role === 'ui' && c.sessionRef === s);
        if (othersServe) return;
        if (mode === 'closed' || ctx.isClosed()) this.endSession(s);
        else {
          s.graceTimer = setTimeout(() => this.endSession(s), this.graceMs);
          s.graceTimer.unref?.();
        }
      },
    };
    connections.set(id, conn);
    if (role === 'ui') s.listeners.set(id, (event, payload) => {
      for (const l of [...listeners]) l(event, payload);
    });
    if (fresh) s.ready = this.options.openFirst(s).catch((e: unknown) => ctx.log(`opening the first files of session ${s.id}: ${toErrorPayload(e).message}`));
    return conn;
  }

  /** Connections open now. */
  count(): number {
    return [...this.connections.values()].filter((c) => c.open).length;
  }

  /** Sends an event to one open connection (a page compute agent's tasks go to the connection that attached it). */
  emitTo<E extends EventName>(connectionId: string, event: E, payload: Events[E]): void {
    const conn = this.connections.get(connectionId);
    if (!conn?.open) return;
    for (const l of [...conn.listeners]) l(event, payload);
  }

  /** Sends an event to every open ui connection. */
  emitToUi<E extends EventName>(event: E, payload: Events[E]): void {
    for (const c of this.connections.values()) if (c.open && c.role === 'ui') for (const l of [...c.listeners]) l(event, payload);
  }

  /** A session by id (undefined once it ended). */
  session(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /** The sessions a page serves now. */
  liveSessions(): Session[] {
    return [...this.sessions.values()].filter((s) => !s.ended && s.listeners.size > 0);
  }

  /** Closes every connection for good and ends every session (the services are closing); resolves once every session ended (its annotation autosaved). */
  async closeAll(): Promise<void> {
    for (const c of [...this.connections.values()]) c.close('closed');
    for (const s of [...this.sessions.values()]) this.endSession(s);
    await Promise.all([...this.ending]);
  }

  /**
   * The session a new connection joins: a compute page its ui page's; a ui page the session its
   * `resume` names when the key matches and no other page serves it (unless `share`); else none.
   */
  private joinedSession(connectOptions: ConnectOptions): { session: Session; resumed: boolean } | null {
    if (connectOptions.role === 'compute') {
      const of = connectOptions.computeFor ? this.connections.get(connectOptions.computeFor.id) : undefined;
      if (!of) throw fail('bad-request', 'connect: a compute connection must name the open ui connection it computes for');
      return { session: of.sessionRef, resumed: false };
    }
    if (!connectOptions.resume) return null;
    const candidate = this.sessions.get(connectOptions.resume.sessionId);
    // A session another page serves right now (a duplicated tab copies sessionStorage) is not shared: that tab gets its own.
    if (!candidate || candidate.ended || (candidate.listeners.size > 0 && connectOptions.share !== true) || !keyMatches(candidate.key, connectOptions.resume.key)) return null;
    if (candidate.graceTimer) clearTimeout(candidate.graceTimer);
    candidate.graceTimer = null;
    return { session: candidate, resumed: true };
  }

  /** Forgets a session and ends it (its jobs are cancelled, its uploads deleted, its annotation autosaved). */
  private endSession(session: Session): void {
    this.sessions.delete(session.id);
    const ended = session.end().catch((e: unknown) => this.ctx.log(`ending session ${session.id}: ${toErrorPayload(e).message}`));
    this.ending.add(ended);
    void ended.finally(() => this.ending.delete(ended));
  }
}
