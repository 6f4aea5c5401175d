import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import type { CustomScheme } from 'electron';

/** The app's own scheme: pages load from `app://patchlens/…` instead of `file://`. */
export const APP_SCHEME = 'app';

/** The one host of the scheme (a standard scheme needs one; it names nothing on the network). */
export const APP_HOST = 'patchlens';

/** `app://patchlens`: the origin of the app's pages (what `'self'` means in their CSP). */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * The scheme's registration for `protocol.registerSchemesAsPrivileged` (before `ready`):
 * `standard` (URLs with a host and relative resolution, a real origin for `'self'`, storage),
 * `secure` (a secure context, like https), `supportFetchAPI` (fetch of the engine's .wasm and
 * module Workers), `codeCache`. Not `corsEnabled` (other origins cannot read it), not
 * `bypassCSP`, no service workers, no streaming.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/** The `app://` URL of a file in the renderer folder (`index.html` → `app://patchlens/index.html`). */
export function appUrl(file: string): string {
  return `${APP_ORIGIN}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/** Content types by extension (lower case, with the dot); anything else is application/octet-stream. */
export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/** What {@link createAppProtocolHandler} serves. */
export interface AppProtocolOptions {
  /** The built renderer folder (out/renderer): nothing outside it is ever served. */
  root: string;
  /** The CSP header of an HTML document, by its path inside `root` (`index.html`, `compute.html`). */
  documentCsp: (file: string) => string;
  /** The CSP header of JavaScript files (only a Worker's top-level script obeys it). */
  scriptCsp: string;
}

/** The request fields the handler reads (a fetch `Request` in Electron). */
export interface AppRequest {
  url: string;
  method: string;
}

/**
 * The path inside the renderer folder that an `app://patchlens/…` URL names, or null when the URL
 * must be refused: another scheme or host, credentials or a port, an empty path, encoded slashes,
 * backslashes or NUL bytes, `.`/`..`/empty segments, a `:` (drive letters, alternate streams), or
 * undecodable escapes. Pure; the file system checks (symlinks) come after it.
 */
export function appPathOf(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.hostname.toLowerCase() !== APP_HOST || u.port || u.username || u.password) return null;
  const raw = u.pathname;
  if (!raw.startsWith('/') || raw === '/') return null;
  // Checked before decoding: an encoded separator must not become one.
  if (/%2f|%5c|%00|\\/i.test(raw)) return null;
  const segments: string[] = [];
  for (const part of raw.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return null;
    }
    if (segment === '' || segment === '.' || segment === '..' || /[\\/:\0]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments.join('/');
}

/** Whether `target` is `root` itself or inside it (both absolute, already resolved). */
function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/** A plain response with the headers every answer carries. */
function plain(status: number, text: string, extra: Record<string, string> = {}): Response {
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': "default-src 'none'", ...extra },
  });
}

/**
 * The `protocol.handle('app', …)` handler: serves the files of the built renderer folder and
 * nothing else. Refused with 404: any URL {@link appPathOf} refuses, a missing file, a folder,
 * and a path whose real location (symlinks resolved) is outside the folder; 405 for methods other
 * than GET and HEAD. Every response has `X-Content-Type-Options: nosniff` and its type from
 * {@link MIME_TYPES} (`.wasm` is application/wasm, which `WebAssembly.instantiateStreaming` needs);
 * HTML documents get their CSP header (with `frame-ancestors`, which a meta tag cannot carry),
 * JavaScript files the Worker policy. Never throws: a failure is a 404.
 */
export function createAppProtocolHandler(options: AppProtocolOptions): (request: AppRequest) => Promise<Response> {
  const { root, documentCsp, scriptCsp } = options;
  if (typeof root !== 'string' || !isAbsolute(root)) throw new Error(`createAppProtocolHandler: root must be an absolute path, got ${String(root)}`);
  if (typeof documentCsp !== 'function') throw new Error('createAppProtocolHandler: documentCsp must be a function');
  if (typeof scriptCsp !== 'string' || scriptCsp.length === 0) throw new Error('createAppProtocolHandler: scriptCsp must be a non-empty string');
  let realRoot: Promise<string> | null = null;

  return async (request) => {
    const method = String(request?.method ?? 'GET').toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return plain(405, 'Method not allowed', { Allow: 'GET, HEAD' });
    const path = appPathOf(String(request?.url ?? ''));
    if (path === null) return plain(404, 'Not found');
    try {
      realRoot ??= realpath(root);
      const base = await realRoot;
      const real = await realpath(join(base, ...path.split('/')));
      if (!isInside(base, real)) return plain(404, 'Not found');
      const info = await stat(real);
      if (!info.isFile()) return plain(404, 'Not found');
      const ext = extname(path).toLowerCase();
      const body = method === 'HEAD' ? null : new Uint8Array(await readFile(real));
      const headers: Record<string, string> = {
        'Content-Type': MIME_TYPES[ext] ?? 'application/octet-stream',
        'Content-Length': String(body ? body.byteLength : info.size),
        'X-Content-Type-Options': 'nosniff',
      };
      if (ext === '.html') headers['Content-Security-Policy'] = documentCsp(path);
      else if (ext === '.js' || ext === '.mjs') headers['Content-Security-Policy'] = scriptCsp;
      return new Response(body, { status: 200, headers });
    } catch {
      realRoot = null; // the folder may have been missing; look again next time
      return plain(404, 'Not found');
    }
  };
}
