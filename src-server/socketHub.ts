import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  CLOSE_MESSAGE_TOO_BIG,
  CLOSE_TOO_MANY_CONNECTIONS,
  decodeFrame,
  encodeFrame,
  type WireEvent,
  type WireHello,
  type WireResponse,
} from '../shared/api/binaryCodec';
import { REQUEST_CHANNELS } from '../shared/api/contract';
import { isPart, PartAssembler } from '../shared/api/frameParts';
import type { ServiceConnection, ServiceHost } from '../src-node/app/serviceHost';

const CHANNELS = new Set<string>(REQUEST_CHANNELS);

/** Largest single WebSocket message, and of a request assembled from parts (unless its channel allows more): 64 MiB. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** The WebSocket side of the server: each socket is one page with its own session. */
export interface SocketHub {
  /** The `ws` server (no HTTP server of its own: upgrades are handed to it). */
  wss: WebSocketServer;
  /**
   * Serves a socket whose upgrade and token passed the checks: connects it to the services (its
   * own session, or the one `resume` names) and greets it with a {@link WireHello}; a socket over
   * the connection limit is closed with {@link CLOSE_TOO_MANY_CONNECTIONS} and the reason.
   */
  attach(socket: WebSocket, resume: { sessionId: string; key: string } | null): void;
  /** Closes every socket (1001). */
  close(): Promise<void>;
}

/** Turns any `ws` message payload into one byte view. */
function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/** A close reason that fits a WebSocket close frame (123 bytes). */
function reason(text: string): string {
  const b = Buffer.from(text);
  return b.length <= 123 ? text : `${b.subarray(0, 120).toString('utf8').replace(/\uFFFD$/, '')}…`;
}

/**
 * Creates the hub: frames are {@link encodeFrame} messages; a request `{ id, channel, args }` is
 * answered `{ id, envelope }` with its connection's `handle`; the connection's events go to its
 * socket only as `{ event, payload }`. A message over `maxMessage` bytes (whole, fragmented at the
 * WebSocket level, or announced in parts: see shared/api/frameParts.ts) closes the socket with
 * 1009 and a reason before it is buffered; parts may be bigger only where the connection allows it.
 * @param log where problems that no page can be told about go (stderr by default)
 */
export function createSocketHub(services: ServiceHost, maxMessage: number, log: (message: string) => void): SocketHub {
  // ws refuses (1009) a message, whole or the sum of its fragments, over maxPayload before buffering more of it.
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessage + 4096, perMessageDeflate: false });
  const sockets = new Map<WebSocket, ServiceConnection | null>();

  const send = (socket: WebSocket, frame: Uint8Array) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(frame, { binary: true });
  };

  const answer = async (socket: WebSocket, conn: ServiceConnection, frameBytes: Uint8Array, declared: string | null) => {
    let message: unknown;
    try {
      message = decodeFrame(frameBytes);
    } catch (e) {
      return socket.close(1007, reason((e as Error).message));
    }
    const m = message as Partial<{ id: unknown; channel: unknown; args: unknown }> | null;
    if (typeof m !== 'object' || m === null || typeof m.id !== 'number' || !Number.isSafeInteger(m.id)) {
      return socket.close(1007, 'a request is { id: integer, channel, args }');
    }
    if (declared !== null && m.channel !== declared) return socket.close(1007, reason(`parts announced ${declared}, the request is ${String(m.channel)}`));
    const id = m.id;
    let envelope: WireResponse['envelope'];
    if (typeof m.channel !== 'string' || !CHANNELS.has(m.channel)) {
      envelope = { error: { code: 'bad-request', message: `unknown channel ${JSON.stringify(m.channel)}` } };
    } else {
      try {
        envelope = await conn.handle(m.channel, m.args);
      } catch (e) {
        // handle() must not throw; should it, the page still gets an answer.
        envelope = { error: { code: 'internal', message: `${m.channel}: ${(e as Error)?.message ?? String(e)}` } };
      }
    }
    let frame: Uint8Array;
    try {
      frame = encodeFrame({ id, envelope } satisfies WireResponse);
    } catch (e) {
      frame = encodeFrame({ id, envelope: { error: { code: 'internal', message: `${String(m.channel)}: the result cannot be sent (${(e as Error).message})` } } });
    }
    send(socket, frame);
  };

  return {
    wss,
    attach(socket, resume) {
      let conn: ServiceConnection;
      try {
        conn = services.connect({ role: 'ui', resume });
      } catch (e) {
        sockets.set(socket, null);
        socket.on('close', () => sockets.delete(socket));
        socket.close(CLOSE_TOO_MANY_CONNECTIONS, reason((e as Error).message));
        return;
      }
      sockets.set(socket, conn);
      const unsubscribe = conn.subscribe((event, payload) => {
        let frame: Uint8Array;
        try {
          frame = encodeFrame({ event, payload } satisfies WireEvent);
        } catch (e) {
          log(`socketHub: event ${event} could not be framed: ${(e as Error).message}`);
          return;
        }
        send(socket, frame);
      });
      const parts = new PartAssembler((channel, total) => {
        const allowed = Math.max(maxMessage, conn.messageAllowance(channel) ?? 0);
        return total <= allowed
          ? { ok: true }
          : { ok: false, why: `a ${channel} message of ${total} bytes is over this connection's limit of ${allowed} bytes` };
      });
      socket.on('close', () => {
        sockets.delete(socket);
        unsubscribe();
        // A tab that closed and one that reloads look the same here (1001), as does a dropped
        // connection: the session stays resumable for a while, its page agent goes at once (see
        // ServiceConnection.close).
        conn.close('lost');
      });
      socket.on('error', (e) => log(`socketHub: socket error: ${e.message}`));
      socket.on('message', (data, isBinary) => {
        if (!isBinary) return socket.close(1003, 'binary frames only');
        const bytes = toBytes(data);
        let frame = bytes;
        let declared: string | null = null;
        if (isPart(bytes)) {
          let whole: { frame: Uint8Array; channel: string } | null;
          try {
            whole = parts.accept(bytes);
          } catch (e) {
            const err = e as Error & { tooBig?: boolean };
            return socket.close(err.tooBig ? CLOSE_MESSAGE_TOO_BIG : 1007, reason(err.message));
          }
          if (whole === null) return;
          frame = whole.frame;
          declared = whole.channel;
        }
        answer(socket, conn, frame, declared).catch((e: unknown) => log(`socketHub: ${(e as Error).message}`));
      });
      send(socket, encodeFrame({ hello: { protocol: 1, session: { ...conn.session } } } satisfies WireHello));
    },
    async close() {
      await Promise.all(
        [...sockets.keys()].map(
          (socket) =>
            new Promise<void>((done) => {
              if (socket.readyState === WebSocket.CLOSED) return done();
              socket.once('close', () => done());
              socket.close(1001, 'server closing');
              setTimeout(() => socket.terminate(), 1000).unref();
            }),
        ),
      );
      await new Promise<void>((done) => wss.close(() => done()));
    },
  };
}
