import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { decodeFrame, encodeFrame, type WireEvent, type WireHello, type WireResponse } from '../shared/api/binaryCodec';
import { REQUEST_CHANNELS } from '../shared/api/contract';
import type { ServiceHost } from '../src-node/app/serviceHost';

const CHANNELS = new Set<string>(REQUEST_CHANNELS);

/** The WebSocket side of the server: requests to the services, their events to every socket. */
export interface SocketHub {
  /** The `ws` server (no HTTP server of its own: upgrades are handed to it). */
  wss: WebSocketServer;
  /** Serves a socket whose upgrade and token passed the checks (and greets it with a {@link WireHello}). */
  attach(socket: WebSocket): void;
  /** Closes every socket (1001) and stops listening to the services. */
  close(): Promise<void>;
}

/** Turns any `ws` message payload into one byte view. */
function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/**
 * Creates the hub: frames are {@link encodeFrame} messages; a socket is greeted with
 * `{ hello: { protocol: 1 } }` (the page's sign that the token was accepted); a request `{ id, channel, args }` is
 * answered `{ id, envelope }` with `services.handle`'s envelope; every event of
 * `services.subscribe` goes to every open socket as `{ event, payload }`.
 * @param log where problems that no page can be told about go (stderr by default)
 */
export function createSocketHub(services: ServiceHost, maxPayload: number, log: (message: string) => void): SocketHub {
  const wss = new WebSocketServer({ noServer: true, maxPayload, perMessageDeflate: false });
  const sockets = new Set<WebSocket>();

  const send = (socket: WebSocket, frame: Uint8Array) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(frame, { binary: true });
  };

  const unsubscribe = services.subscribe((event, payload) => {
    let frame: Uint8Array;
    try {
      frame = encodeFrame({ event, payload } satisfies WireEvent);
    } catch (e) {
      log(`socketHub: event ${event} could not be framed: ${(e as Error).message}`);
      return;
    }
    for (const socket of sockets) send(socket, frame);
  });

  const answer = async (socket: WebSocket, data: RawData, isBinary: boolean) => {
    if (!isBinary) return socket.close(1003, 'binary frames only');
    let message: unknown;
    try {
      message = decodeFrame(toBytes(data));
    } catch (e) {
      return socket.close(1007, (e as Error).message.slice(0, 120));
    }
    const m = message as Partial<{ id: unknown; channel: unknown; args: unknown }> | null;
    if (typeof m !== 'object' || m === null || typeof m.id !== 'number' || !Number.isSafeInteger(m.id)) {
      return socket.close(1007, 'a request is { id: integer, channel, args }');
    }
    const id = m.id;
    let envelope: WireResponse['envelope'];
    if (typeof m.channel !== 'string' || !CHANNELS.has(m.channel)) {
      envelope = { error: { code: 'bad-request', message: `unknown channel ${JSON.stringify(m.channel)}` } };
    } else {
      try {
        envelope = await services.handle(m.channel, m.args);
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
    attach(socket) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', (e) => log(`socketHub: socket error: ${e.message}`));
      socket.on('message', (data, isBinary) => {
        answer(socket, data, isBinary).catch((e: unknown) => log(`socketHub: ${(e as Error).message}`));
      });
      send(socket, encodeFrame({ hello: { protocol: 1 } } satisfies WireHello));
    },
    async close() {
      unsubscribe();
      await Promise.all(
        [...sockets].map(
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
