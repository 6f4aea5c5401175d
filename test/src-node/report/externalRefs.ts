/**
 * Everything in an HTML file that could make a browser reach outside the file: absolute URLs,
 * protocol-relative `//host` references, `src`/`href`/… attributes that are not `data:` or a
 * `#fragment`, CSS `@import` and `url(…)` not pointing at `data:` or `#`, and elements that load
 * something by nature (`<script src>`, `<link>`, `<iframe>`, `<object>`, `<embed>`, `<base>`).
 * @returns the offending snippets (empty when the file is self-contained)
 */
export function externalRefs(html: string): string[] {
  const found: string[] = [];
  const add = (re: RegExp) => {
    for (const m of html.matchAll(re)) found.push(m[0].slice(0, 120));
  };
  add(/\b(?:https?|ftp|wss?|file):\/\//gi);
  add(/\b(?:src|href|xlink:href|action|formaction|poster|srcset|background|data|ping|cite|longdesc|manifest|icon)\s*=\s*(["']?)\s*(?!data:|#|\1)[^"'\s>]*/gi);
  add(/["'(=]\s*\/\/[a-z0-9]/gi);
  add(/@import\b/gi);
  add(/url\(\s*(["']?)\s*(?!data:|#)[^)]*\)/gi);
  add(/<(?:script|link|iframe|object|embed|base|meta\s+http-equiv="refresh")\b[^>]*>/gi);
  return found;
}
