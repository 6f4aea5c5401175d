/**
 * A read-only static HTTP server on 127.0.0.1 (random port) for browser tests: folders mounted
 * under URL prefixes, plus in-memory files. Correct MIME types (application/wasm included, so
 * that WebAssembly.instantiateStreaming works), GET/HEAD only, no path may leave its folder.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { resolve, sep } from 'node:path';
import { mimeType } from '../../src-server/mimeType';

/** What {@link startStaticServer} serves. */
export interface StaticServerOptions {
  /** URL prefix (`/`, `/models/`) → folder; the longest matching prefix wins. */
  mounts: Record<string, string>;
  /** Exact URL path → bytes (served as `application/octet-stream` unless the extension says otherwise). */
  files?: Record<string, Uint8Array>;
  /** Extra headers on every answer (e.g. COOP/COEP for cross-origin isolation). */
  headers?: Record<string, string>;
}

/** A running server. */
export interface StaticServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  origin: string;
  /** Paths requested so far, in order (with status), for diagnostics. */
  log: string[];
  close(): Promise<void>;
}

/** Starts the server and resolves once it listens. */
export async function startStaticServer(options: StaticServerOptions): Promise<StaticServer> {
  const mounts = Object.entries(options.mounts)
    .map(([prefix, dir]) => [prefix.endsWith('/') ? prefix : `${prefix}/`, resolve(dir)] as const)
    .sort((a, b) => b[0].length - a[0].length);
  const log: string[] = [];
  const server: Server = createServer((req, res) => {
    const answer = (status: number, body: Uint8Array | string, type = 'text/plain; charset=utf-8') => {
      log.push(`${status} ${req.method} ${req.url}`);
      res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...options.headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') return answer(405, 'method not allowed');
      let path: string;
      try {
        path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      } catch {
        return answer(400, 'bad path');
      }
      if (path.includes('\0')) return answer(400, 'bad path');
      const mem = options.files?.[path];
      if (mem) return answer(200, mem, mimeType(path));
      const mount = mounts.find(([prefix]) => path.startsWith(prefix) || `${path}/` === prefix);
      if (!mount) return answer(404, 'not found');
      const [prefix, dir] = mount;
      let file = resolve(dir, `.${sep}${path.slice(prefix.length)}`);
      if (file !== dir && !file.startsWith(dir + sep)) return answer(403, 'outside the served folder');
      try {
        if ((await stat(file)).isDirectory()) file = resolve(file, 'index.html');
        return answer(200, await readFile(file), mimeType(file));
      } catch {
        return answer(404, 'not found');
      }
    })().catch((e: unknown) => answer(500, String(e)));
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    log,
    close: () => new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    }),
  };
}
