/**
 * The relative file path a URL path names below a prefix, or null when it tries to leave it:
 * each segment is percent-decoded on its own and refused when it is `.`/`..`, empty in the middle,
 * or holds a slash, a backslash, a NUL or a drive colon after decoding (`/..%2f`, `%2e%2e`, `..\`).
 * @param rawPath the request's path as sent, without the query (`/assets/index-1.js`)
 * @param prefix the mount prefix with its trailing slash (`/`, `/files/`)
 * @returns segments joined with `/` (`''` for the prefix itself), or null when refused
 */
export function safeUrlPath(rawPath: string, prefix: string): string | null {
  if (!rawPath.startsWith(prefix)) return null;
  const rest = rawPath.slice(prefix.length);
  if (rest === '') return '';
  const raw = rest.split('/');
  // A trailing slash names a folder: keep it as an empty last segment.
  const segments: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw[i]);
    } catch {
      return null;
    }
    if (segment === '') {
      if (i === raw.length - 1) break;
      return null;
    }
    if (segment === '.' || segment === '..' || /[/\\\0:]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments.join('/');
}
