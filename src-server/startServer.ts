/**
 * The HTTP + WebSocket transport of the contract, on 127.0.0.1 only: serves the built renderer,
 * `/ws` for requests and events (frames of shared/api/binaryCodec.ts), `/files/...` for
 * downloads. Everything but the static renderer needs the random token; every request must name
 * this server in its Host header (DNS rebinding), a WebSocket must come from this origin.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { basename, join, resolve, sep } from 'node:path';
import { CLOSE_TOKEN_REFUSED } from '../shared/api/binaryCodec';
import type { ServiceHost } from '../src-node/app/serviceHost';
import { mimeType } from './mimeType';
import { readCsp, workerScriptCsp } from './readCsp';
import { hostAllowed, originAllowed } from './requestGuards';
import { safeUrlPath } from './safeUrlPath';
import { createSocketHub, DEFAULT_MAX_MESSAGE_BYTES } from './socketHub';
import { createToken, tokenMatches } from './token';

/** URL path prefix of downloads (pass it as `downloadBase` when creating the services). */
export const DOWNLOAD_BASE = '/files';

/** What {@link startServer} serves. */
export interface StartServerOptions {
  services: ServiceHost;
  /** The built renderer (e.g. `out/renderer`, with index.html). */
  staticDir: string;
  /** Only the loopback address is allowed. */
  host?: '127.0.0.1';
  /** 0 (default): a free port. */
  port?: number;
  /** Access token (default: 32 random bytes, hex); at least 16 URL-safe characters. */
  token?: string;
  /**
   * Largest WebSocket message in bytes, whole or in fragments (default 64 MiB); uploads come in
   * chunks, and a larger request travels in parts only where its connection allows it
   * (src-server/socketHub.ts).
   */
  maxMessageBytes?: number;
  /** Where problems no page can be told about go (default: stderr). */
  log?: (message: string) => void;
}

/** `<session id>.<key>` of a page that wants its session back (null when absent or malformed). */
export function parseResume(value: string | null): { sessionId: string; key: string } | null {
  const m = value ? /^(s\d{1,9})\.([0-9a-f]{32})$/.exec(value) : null;
  return m ? { sessionId: m[1], key: m[2] } : null;
}

/** A running server. */
export interface RunningServer {
  /** The page's address with the token: `http://127.0.0.1:PORT/?token=…`. */
  url: string;
  token: string;
  port: number;
  /** Closes the sockets and the HTTP server (not the services). */
  close(): Promise<void>;
}

/**
 * Starts the server and resolves once it listens.
 * @throws Error naming the option when an option is wrong or the port cannot be bound
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error(`startServer: host must be 127.0.0.1, got ${JSON.stringify(host)}`);
  const requestedPort = options.port ?? 0;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) throw new Error(`startServer: port must be an integer in 0..65535, got ${requestedPort}`);
  const token = options.token ?? createToken();
  if (!/^[A-Za-z0-9_-]{16,}$/.test(token)) throw new Error('startServer: token must be at least 16 URL-safe characters (A-Z a-z 0-9 _ -)');
  const staticDir = resolve(options.staticDir);
  const staticReal = await realpath(staticDir).catch(() => {
    throw new Error(`startServer: staticDir ${staticDir} does not exist`);
  });
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const csp = readCsp(join(staticDir, 'index.html'));
  const scriptCsp = workerScriptCsp(csp);
  const hub = createSocketHub(options.services, options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES, log);
  let port = requestedPort;

  const baseHeaders = {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  };

  const plain = (req: IncomingMessage, res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...baseHeaders, 'Content-Security-Policy': csp, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...extra });
    res.end(req.method === 'HEAD' ? undefined : text);
  };

  const sendFile = async (req: IncomingMessage, res: ServerResponse, file: string, extra: Record<string, string>) => {
    const info = await stat(file);
    const policy = /\.m?js$/i.test(file) ? scriptCsp : csp;
    res.writeHead(200, { ...baseHeaders, 'Content-Security-Policy': policy, 'Content-Type': mimeType(file), 'Content-Length': info.size, ...extra });
    if (req.method === 'HEAD') return void res.end();
    await new Promise<void>((done, fail) => {
      const stream = createReadStream(file);
      stream.on('error', fail);
      res.on('close', () => {
        stream.destroy();
        done();
      });
      stream.pipe(res);
    });
  };

  /** A regular file inside `root` (symlinks resolved), or null. */
  const fileInside = async (root: string, relative: string): Promise<string | null> => {
    const candidate = resolve(root, relative);
    try {
      const real = await realpath(candidate);
      if (real !== root && !real.startsWith(root + sep)) return null;
      return (await stat(real)).isFile() ? real : null;
    } catch {
      return null;
    }
  };

  const serveStatic = async (req: IncomingMessage, res: ServerResponse, rawPath: string) => {
    const relative = safeUrlPath(rawPath, '/');
    if (relative === null) return plain(req, res, 400, 'bad path');
    // No folder listings: a folder is only ever the root's index.html.
    if (rawPath.endsWith('/') && relative !== '') return plain(req, res, 404, 'not found');
    const file = await fileInside(staticReal, relative === '' ? 'index.html' : relative);
    if (!file) return plain(req, res, 404, 'not found');
    await sendFile(req, res, file, {});
  };

  const serveDownload = async (req: IncomingMessage, res: ServerResponse, rawPath: string, url: URL) => {
    if (!tokenMatches(url.searchParams.get('token'), token)) return plain(req, res, 401, 'token required');
    const relative = safeUrlPath(rawPath, `${DOWNLOAD_BASE}/`);
    if (!relative) return plain(req, res, 400, 'bad path');
    const resolved = options.services.resolveDownload(relative);
    if (!resolved) return plain(req, res, 404, 'not found');
    const info = await stat(resolved).catch(() => null);
    if (!info?.isFile()) return plain(req, res, 404, 'not found');
    const name = basename(resolved);
    const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
    await sendFile(req, res, resolved, { 'Content-Disposition': `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}` });
  };

  const server = createServer((req, res) => {
    void (async () => {
      if (!hostAllowed(req.headers.host, port)) return plain(req, res, 403, 'forbidden host');
      if (req.method !== 'GET' && req.method !== 'HEAD') return plain(req, res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      const rawUrl = req.url ?? '/';
      if (!rawUrl.startsWith('/')) return plain(req, res, 400, 'bad path');
      const rawPath = rawUrl.split('?')[0];
      const url = new URL(rawUrl, `http://127.0.0.1:${port}`);
      if (rawPath === '/ws') {
        if (!tokenMatches(url.searchParams.get('token'), token)) return plain(req, res, 401, 'token required');
        return plain(req, res, 426, 'WebSocket upgrade required', { Upgrade: 'websocket' });
      }
      if (rawPath === DOWNLOAD_BASE || rawPath.startsWith(`${DOWNLOAD_BASE}/`)) return serveDownload(req, res, rawPath, url);
      return serveStatic(req, res, rawPath);
    })().catch((e: unknown) => {
      log(`startServer: ${req.method} ${req.url}: ${(e as Error).message}`);
      if (!res.headersSent) plain(req, res, 500, 'internal error');
      else res.destroy();
    });
  });

  const refuse = (socket: Duplex, status: number, text: string) => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const rawUrl = req.url ?? '/';
    if (!hostAllowed(req.headers.host, port)) return refuse(socket, 403, 'forbidden host');
    if (rawUrl.split('?')[0] !== '/ws') return refuse(socket, 404, 'not found');
    if (!originAllowed(req.headers.origin, req.headers.host, port)) return refuse(socket, 403, 'forbidden origin');
    const params = new URL(rawUrl, `http://127.0.0.1:${port}`).searchParams;
    const presented = params.get('token');
    hub.wss.handleUpgrade(req, socket, head, (ws) => {
      // A page cannot read an HTTP status of a refused upgrade: close with a code it can see.
      if (!tokenMatches(presented, token)) return ws.close(CLOSE_TOKEN_REFUSED, 'token refused');
      hub.attach(ws, parseResume(params.get('session')));
    });
  });

  await new Promise<void>((done, fail) => {
    server.once('error', (e) => fail(new Error(`startServer: cannot listen on ${host}:${requestedPort}: ${e.message}`)));
    server.listen(requestedPort, host, () => done());
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host}:${port}/?token=${token}`,
    token,
    port,
    close() {
      closing ??= (async () => {
        await hub.close();
        await new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
