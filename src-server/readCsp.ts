import { readFileSync } from 'node:fs';

/** The renderer's Content-Security-Policy (the same as src-renderer/index.html's meta tag). */
export const DEFAULT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * A policy as a response header: the meta tag's, plus `frame-ancestors 'none'` when it lacks it.
 * Browsers ignore `frame-ancestors` in a `<meta>` CSP (and log an error for it), so the pages'
 * meta tags leave it out and only the header carries it.
 */
export function headerCsp(policy: string): string {
  return /(^|;)\s*frame-ancestors\b/i.test(policy) ? policy : `${policy.replace(/;\s*$/, '')}; frame-ancestors 'none'`;
}

/**
 * The Content-Security-Policy header for the built renderer: the policy of an HTML file's
 * `<meta http-equiv="Content-Security-Policy">` (so the header is the policy the page was built
 * with) with `frame-ancestors` added ({@link headerCsp}); {@link DEFAULT_CSP} when the file or the
 * meta tag is missing.
 */
export function readCsp(htmlPath: string): string {
  let html: string;
  try {
    html = readFileSync(htmlPath, 'utf8');
  } catch {
    return DEFAULT_CSP;
  }
  for (const tag of html.match(/<meta\b[^>]*>/gis) ?? []) {
    if (!/http-equiv\s*=\s*["']?content-security-policy["']?/i.test(tag)) continue;
    const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
    const policy = (content?.[1] ?? content?.[2] ?? '').replace(/\s+/g, ' ').trim();
    if (policy) return headerCsp(policy);
  }
  return DEFAULT_CSP;
}

/**
 * The policy sent with JavaScript files: the page's, plus `'wasm-unsafe-eval'` in `script-src`.
 * A script the page loads runs under the page's policy (its own header is ignored); the header
 * matters only for a Worker's top-level script, and the engine's module Worker compiles the
 * tfjs wasm backend. So WebAssembly may compile in the Worker, never in the page.
 */
export function workerScriptCsp(pagePolicy: string): string {
  const directives = pagePolicy.split(';').map((d) => d.trim()).filter(Boolean);
  const i = directives.findIndex((d) => /^script-src\b/i.test(d));
  if (i < 0) return [...directives, "script-src 'self' 'wasm-unsafe-eval'"].join('; ');
  if (!/'wasm-unsafe-eval'/.test(directives[i])) directives[i] = `${directives[i]} 'wasm-unsafe-eval'`;
  return directives.join('; ');
}
