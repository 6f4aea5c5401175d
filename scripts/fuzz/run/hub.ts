/**
 * The socket-level fixed case of the `frames` target: a real `createSocketHub` (src-server/socketHub.ts)
 * on a local HTTP server with a stand-in service that echoes, and a `ws` client that sends a
 * message over the limit whole, the same size fragmented, and parts announcing 1 GiB: each must
 * close its socket with 1009 before the message is buffered; a message within the limit must be
 * answered.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket } from 'ws';
import { decodeFrame, encodeFrame } from '../../../shared/api/binaryCodec';
import { PART_MAGIC } from '../../../shared/api/frameParts';
import type { ServiceConnection, ServiceHost } from '../../../src-node/app/serviceHost';
import { createSocketHub } from '../../../src-server/socketHub';
import type { Verdict } from '../types';

/** A service that echoes every request's arguments. */
function echoServices(): ServiceHost {
  let n = 0;
  const connect = (): ServiceConnection => {
    n++;
    return {
      id: `c${n}`,
      session: { id: `s${n}`, key: 'k'.repeat(32), resumed: false },
      handle: async (_channel, args) => ({ result: args }),
      subscribe: () => () => undefined,
      messageAllowance: () => null,
      close: () => undefined,
    };
  };
  return {
    connect,
    command: () => undefined,
    openInitial: async () => undefined,
    resolveDownload: () => null,
    connections: () => n,
    close: async () => undefined,
  } as unknown as ServiceHost;
}

/** Opens a client, runs `send` once the hello came, and resolves with the close code (or the first answer). */
function session(url: string, send: (ws: WebSocket) => void): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    let greeted = false;
    const timer = setTimeout(() => {
      ws.terminate();
      resolve('no close within 5 s');
    }, 5000);
    ws.on('message', (data) => {
      if (!greeted) {
        greeted = true;
        send(ws);
        return;
      }
      const reply = decodeFrame(data as Buffer) as { id?: number };
      clearTimeout(timer);
      ws.close();
      resolve(`answered ${reply.id}`);
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolve(`closed ${code}`);
    });
    ws.on('error', () => undefined);
  });
}

/** Runs the socket case with a hub whose message limit is `maxMessage` bytes. */
export async function hubCase(maxMessage: number): Promise<Verdict> {
  const hub = createSocketHub(echoServices(), maxMessage, () => undefined);
  const server = createServer();
  server.on('upgrade', (req, socket, head) => hub.wss.handleUpgrade(req, socket, head, (ws) => hub.attach(ws, null)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const big = encodeFrame({ id: 1, channel: 'app:info', args: new Uint8Array(maxMessage + 8192) });
    const whole = await session(url, (ws) => ws.send(big));
    const fragmented = await session(url, (ws) => {
      const step = 64 * 1024;
      for (let at = 0; at < big.length; at += step) ws.send(big.subarray(at, at + step), { fin: at + step >= big.length, binary: true });
    });
    const header = new TextEncoder().encode(JSON.stringify({ id: 2, channel: 'app:info', index: 0, count: 2, total: 2 ** 30 }));
    const part = new Uint8Array(8 + header.length + 16);
    part.set(PART_MAGIC, 0);
    new DataView(part.buffer).setUint32(4, header.length, true);
    part.set(header, 8);
    const parts = await session(url, (ws) => ws.send(part));
    const fine = await session(url, (ws) => ws.send(encodeFrame({ id: 3, channel: 'app:info', args: new Uint8Array(1000) })));
    const message = `whole: ${whole}; fragmented: ${fragmented}; parts of 1 GiB: ${parts}; within the limit: ${fine}`;
    const ok = [whole, fragmented, parts].every((r) => r === 'closed 1009') && fine === 'answered 3';
    return ok ? { outcome: 'clean', message } : { outcome: 'garbage', message: `socketHub: ${message}` };
  } finally {
    await hub.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
}
