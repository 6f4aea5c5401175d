/**
 * The renderer's side of the HTTP + WebSocket transport: requests `{ id, channel, args }` and
 * their answers `{ id, envelope }`, pushed events `{ event, payload }`, each one binary frame
 * (shared/api/binaryCodec.ts); the connection counts as open from the server's `{ hello }`. Reconnects with backoff when the socket drops (calls pending
 * then are rejected), and re-syncs the session after a reconnect; stops for good when the server
 * refuses the token (close code 4401) or serves too many pages already (4429). The server's
 * greeting names this tab's session; it is kept in the tab's sessionStorage and named again on
 * every reconnect and reload, so the tab gets its own session back (files, runs, jobs). Requests
 * bigger than one part travel in parts (shared/api/frameParts.ts).
 */
import {
  CLOSE_MESSAGE_TOO_BIG,
  CLOSE_TOKEN_REFUSED,
  CLOSE_TOO_MANY_CONNECTIONS,
  decodeFrame,
  encodeFrame,
  type WireEvent,
  type WireHello,
  type WireRequest,
  type WireResponse,
} from '../../shared/api/binaryCodec';
import { splitFrame } from '../../shared/api/frameParts';
import type { Envelope, EventName, RequestChannel } from '../../shared/api/contract';
import type { Transport } from '../../shared/api/transport';

/** Where the connection stands. */
export type WsStatus = 'connecting' | 'open' | 'reconnecting' | 'refused' | 'closed';

/** A failure of the transport itself (not an answer of the services). */
export class TransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransportError';
  }
}

/** The WebSocket constructor's shape this transport needs (the page's own by default). */
export type WebSocketLike = new (url: string) => WebSocket;

/** How {@link createWsTransport} connects. */
export interface WsTransportOptions {
  /** `ws(s)://host/ws?token=…`. */
  url: string;
  /** First reconnect delay and the largest (doubling in between); default 250 ms and 5 s. */
  backoffMs?: { initial: number; max: number };
  /** The WebSocket class (tests); default `globalThis.WebSocket`. */
  WebSocket?: WebSocketLike;
  /** Where this tab keeps its session (`<id>.<key>`); default the tab's sessionStorage. */
  sessionStore?: { get(): string | null; set(value: string): void };
}

/** sessionStorage key of this tab's session. */
export const SESSION_KEY = 'patchlens.session';

/** The tab's sessionStorage as a session store (a no-op store when storage is disabled). */
function tabSessionStore(): { get(): string | null; set(value: string): void } {
  return {
    get() {
      try {
        return globalThis.sessionStorage?.getItem(SESSION_KEY) ?? null;
      } catch {
        return null;
      }
    },
    set(value) {
      try {
        globalThis.sessionStorage?.setItem(SESSION_KEY, value);
      } catch {
        // storage disabled: a reload starts a new session
      }
    },
  };
}

/** The transport with its connection controls. */
export interface WsTransport extends Transport {
  /** Resolves when the first connection opens; rejects when it fails or the token is refused. */
  readonly ready: Promise<void>;
  status(): WsStatus;
  /** Listens to status changes (returns the unsubscribe function). */
  onStatus(listener: (status: WsStatus) => void): () => void;
  /** Closes the socket for good (pending calls are rejected). */
  close(): void;
}

/** Creates the transport and starts connecting. */
export function createWsTransport(options: WsTransportOptions): WsTransport {
  const Socket = options.WebSocket ?? globalThis.WebSocket;
  if (typeof Socket !== 'function') throw new TransportError('createWsTransport: this page has no WebSocket');
  const backoff = options.backoffMs ?? { initial: 250, max: 5000 };
  const sessions = options.sessionStore ?? tabSessionStore();
  const pending = new Map<number, { channel: string; resolve: (e: Envelope<unknown>) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const statusListeners = new Set<(status: WsStatus) => void>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let state: WsStatus = 'connecting';
  let attempt = 0;
  let everOpened = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let settleReady: { resolve: () => void; reject: (e: Error) => void } | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    settleReady = { resolve, reject };
  });
  // An unobserved first-connect failure must not surface as an unhandled rejection.
  ready.catch(() => undefined);

  const setStatus = (next: WsStatus) => {
    if (next === state) return;
    state = next;
    for (const l of statusListeners) l(next);
  };

  const dispatch = (event: string, payload: unknown) => {
    for (const l of listeners.get(event) ?? []) {
      try {
        l(payload);
      } catch (e) {
        // One broken listener must not stop the others; report it as an uncaught error.
        setTimeout(() => {
          throw e;
        });
      }
    }
  };

  const rejectPending = (why: string) => {
    for (const [id, p] of pending) {
      pending.delete(id);
      p.reject(new TransportError(`${p.channel}: ${why}`));
    }
  };

  const onMessage = (data: unknown, onHello: (hello: WireHello['hello']) => void) => {
    let message: Partial<WireResponse & WireEvent & WireHello>;
    try {
      message = decodeFrame(data as ArrayBuffer) as Partial<WireResponse & WireEvent & WireHello>;
    } catch (e) {
      console.error(`wsTransport: dropped a frame: ${(e as Error).message}`);
      return;
    }
    if (message.hello) {
      onHello(message.hello);
    } else if (typeof message.id === 'number') {
      const p = pending.get(message.id);
      if (!p) return;
      pending.delete(message.id);
      p.resolve(message.envelope as Envelope<unknown>);
    } else if (typeof message.event === 'string') {
      dispatch(message.event, message.payload);
    }
  };

  const resync = () => {
    // Events may have been missed while disconnected: hand the listeners the current session.
    if (!listeners.get('session:changed')?.size) return;
    transport.invoke('session:get', {}).then(
      (envelope) => {
        if ('result' in envelope) dispatch('session:changed', envelope.result);
      },
      () => undefined,
    );
  };

  const connect = () => {
    timer = null;
    const resume = sessions.get();
    const ws = new Socket(resume && /^[\w.-]+$/.test(resume) ? `${options.url}&session=${encodeURIComponent(resume)}` : options.url);
    socket = ws;
    ws.binaryType = 'arraybuffer';
    // The server greets a socket whose token it accepted; only then is the connection open
    // (a refused token also completes the handshake, then closes with 4401).
    const onHello = (hello: WireHello['hello']) => {
      if (hello.session) sessions.set(`${hello.session.id}.${hello.session.key}`);
      attempt = 0;
      const reopened = everOpened;
      everOpened = true;
      setStatus('open');
      settleReady?.resolve();
      settleReady = null;
      if (reopened) resync();
    };
    ws.addEventListener('message', (ev: MessageEvent) => {
      if (socket === ws) onMessage(ev.data, onHello);
    });
    // Failures arrive as a close event too; listening here keeps Node's `ws` from throwing them.
    ws.addEventListener('error', () => undefined);
    ws.addEventListener('close', (ev: CloseEvent) => {
      if (socket !== ws) return;
      socket = null;
      if (ev.code === CLOSE_TOKEN_REFUSED) {
        const why = 'the PatchLens server refused the access token: open the address `npm run serve` printed again';
        rejectPending(why);
        setStatus('refused');
        settleReady?.reject(new TransportError(`connectApi: ${why}`));
        settleReady = null;
        return;
      }
      if (ev.code === CLOSE_TOO_MANY_CONNECTIONS) {
        const why = ev.reason || 'the PatchLens server serves as many windows or tabs as it may: close one, then reload this page';
        rejectPending(why);
        setStatus('refused');
        settleReady?.reject(new TransportError(`connectApi: ${why}`));
        settleReady = null;
        return;
      }
      if (ev.code === CLOSE_MESSAGE_TOO_BIG) console.error(`wsTransport: the server closed the connection: ${ev.reason || 'a message was too big'}`);
      rejectPending(`the connection to the PatchLens server closed (code ${ev.code}) before it answered`);
      if (state === 'closed') return;
      if (!everOpened && attempt >= 2) {
        // The first connection never opened: report it and stop, rather than retry forever behind a blank page.
        setStatus('closed');
        settleReady?.reject(new TransportError(`connectApi: cannot connect to ${options.url.replace(/token=[^&]*/, 'token=…')} (code ${ev.code})`));
        settleReady = null;
        return;
      }
      setStatus(everOpened ? 'reconnecting' : 'connecting');
      const delay = Math.min(backoff.max, backoff.initial * 2 ** attempt);
      attempt++;
      timer = setTimeout(connect, delay);
    });
  };

  const transport: WsTransport = {
    kind: 'http',
    ready,
    status: () => state,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    invoke(channel: RequestChannel, args: unknown) {
      const ws = socket;
      if (!ws || state !== 'open' || ws.readyState !== 1) {
        return Promise.reject(new TransportError(`${channel}: not connected to the PatchLens server (${state})`));
      }
      const id = nextId++;
      let frame: Uint8Array;
      try {
        frame = encodeFrame({ id, channel, args } satisfies WireRequest);
      } catch (e) {
        return Promise.reject(new TransportError(`${channel}: ${(e as Error).message}`));
      }
      return new Promise<Envelope<unknown>>((resolve, reject) => {
        pending.set(id, { channel, resolve, reject });
        for (const message of splitFrame(frame, id, channel)) ws.send(message);
      });
    },
    on(event: EventName, listener: (payload: unknown) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    close() {
      setStatus('closed');
      if (timer) clearTimeout(timer);
      timer = null;
      const ws = socket;
      socket = null;
      rejectPending('the transport was closed');
      settleReady?.reject(new TransportError('connectApi: the transport was closed'));
      settleReady = null;
      ws?.close(1000, 'closed by the page');
    },
  };
  connect();
  return transport;
}
