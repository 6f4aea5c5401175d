/**
 * Whether a navigation target is the app's own page: same scheme, host and path as `appUrl`
 * (query and hash may differ). Anything else, or anything unparsable, is refused.
 *
 * @param target URL the page wants to navigate to
 * @param appUrl URL the window was loaded with (`app://patchlens/…` in production, the dev server in dev)
 */
export function isAppPage(target: string, appUrl: string): boolean {
  let t: URL;
  let a: URL;
  try {
    t = new URL(target);
    a = new URL(appUrl);
  } catch {
    return false;
  }
  // Compare parts rather than `origin`: a file:// URL has the opaque origin "null" (and Node's URL gives
  // app:// one too, as it does not know the scheme is standard).
  return t.protocol === a.protocol && t.host === a.host && t.pathname === a.pathname;
}
