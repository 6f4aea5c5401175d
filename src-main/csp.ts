import type { OnHeadersReceivedListenerDetails, WebRequest } from 'electron';

/**
 * The app page's policy as its `<meta>` tag carries it (src-renderer/index.html; a test compares
 * it with the built page). It has no `frame-ancestors`: Chromium ignores that directive in a
 * `<meta>` CSP and logs an error for it, so it is sent only in the response header
 * ({@link APP_CSP}).
 */
export const PAGE_META_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'";

/** The directive only a response header can carry: no page may frame the app. */
export const FRAME_ANCESTORS = "frame-ancestors 'none'";

/**
 * The app page's Content Security Policy as a response header: the meta tag's policy plus
 * `frame-ancestors 'none'`. Main sends it with the page from the `app://` protocol
 * (appProtocol.ts) and, in development, adds it to the dev server's response (installCspHeader).
 */
export const APP_CSP = `${PAGE_META_CSP}; ${FRAME_ANCESTORS}`;

/**
 * `policy` with `'wasm-unsafe-eval'` added to its `script-src` (a `script-src 'self'
 * 'wasm-unsafe-eval'` is appended when it has none). The same rule as src-server/readCsp.ts
 * `workerScriptCsp`: WebAssembly may compile only where the engine's Worker runs.
 */
export function withWasmEval(policy: string): string {
  const directives = policy.split(';').map((d) => d.trim()).filter(Boolean);
  const i = directives.findIndex((d) => /^script-src\b/i.test(d));
  if (i < 0) return [...directives, "script-src 'self' 'wasm-unsafe-eval'"].join('; ');
  if (!/'wasm-unsafe-eval'/.test(directives[i])) directives[i] = `${directives[i]} 'wasm-unsafe-eval'`;
  return directives.join('; ');
}

/**
 * The hidden compute window's meta policy (src-renderer/compute.html): the page's plus
 * `'wasm-unsafe-eval'`, because its engine Worker compiles the tfjs wasm backend (its fallback
 * when WebGL is lost) and a Worker may inherit the page's policy.
 */
export const COMPUTE_META_CSP = withWasmEval(PAGE_META_CSP);

/** The compute page's header policy: {@link COMPUTE_META_CSP} plus `frame-ancestors 'none'`. */
export const COMPUTE_CSP = `${COMPUTE_META_CSP}; ${FRAME_ANCESTORS}`;

/**
 * The header policy of JavaScript files served by the `app://` protocol. A script the page loads
 * runs under the page's policy (its own header is ignored); the header matters only for a Worker's
 * top-level script, and the engine's module Worker compiles the tfjs wasm backend.
 */
export const WORKER_SCRIPT_CSP = withWasmEval(APP_CSP);

/**
 * Response headers with `Content-Security-Policy` set to `csp`; any CSP header the response
 * had (whatever its case) is replaced. Never mutates `headers`.
 *
 * @param headers response headers as Electron passes them (may be undefined)
 * @param csp the policy
 */
export function withCspHeader(headers: Record<string, string[]> | undefined, csp: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}

/**
 * Adds a CSP header to the app's documents (main and sub frames; scripts, styles and workers
 * keep their headers) through `session.webRequest.onHeadersReceived`. It matters for the dev
 * server (http); the `app://` protocol sets the same header itself.
 *
 * @param webRequest the session's webRequest
 * @param policyFor the policy of a document URL, or null for a URL that is none of the app's pages
 */
export function installCspHeader(webRequest: Pick<WebRequest, 'onHeadersReceived'>, policyFor: (url: string) => string | null): void {
  if (typeof policyFor !== 'function') throw new Error('installCspHeader: policyFor must be a function');
  webRequest.onHeadersReceived((details: OnHeadersReceivedListenerDetails, callback) => {
    const document = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame';
    let policy: string | null = null;
    try {
      policy = document ? policyFor(details.url) : null;
    } catch {
      policy = null;
    }
    if (policy) callback({ responseHeaders: withCspHeader(details.responseHeaders, policy) });
    else callback({});
  });
}
