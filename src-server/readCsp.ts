import { readFileSync } from 'node:fs';

/** The renderer's Content-Security-Policy (the same as src-renderer/index.html's meta tag). */
export const DEFAULT_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The Content-Security-Policy of an HTML file's `<meta http-equiv="Content-Security-Policy">`,
 * so that the header the server sends is the policy the page was built with; {@link DEFAULT_CSP}
 * when the file or the meta tag is missing.
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
    if (policy) return policy;
  }
  return DEFAULT_CSP;
}
