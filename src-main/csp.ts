import type { OnHeadersReceivedListenerDetails, WebRequest } from 'electron';

/**
 * The app page's Content Security Policy. The same text is the `<meta>` CSP of
 * src-renderer/index.html (a test compares it with the built page): the meta tag covers
 * `file://` (which has no response headers), the header below covers the dev server and any
 * http(s) load of the page.
 */
export const APP_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

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
 * Adds the CSP header to every response for the app's page (its document; scripts, styles and
 * workers keep their headers), through `session.webRequest.onHeadersReceived`.
 *
 * @param webRequest the session's webRequest
 * @param isAppUrl whether a URL is the app's page (see navigation.ts isAppPage)
 * @param csp the policy (default {@link APP_CSP})
 */
export function installCspHeader(webRequest: Pick<WebRequest, 'onHeadersReceived'>, isAppUrl: (url: string) => boolean, csp: string = APP_CSP): void {
  webRequest.onHeadersReceived((details: OnHeadersReceivedListenerDetails, callback) => {
    const document = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame';
    if (document && isAppUrl(details.url)) callback({ responseHeaders: withCspHeader(details.responseHeaders, csp) });
    else callback({});
  });
}
