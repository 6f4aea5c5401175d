/**
 * The browser transport's access token: read once from the address (`?token=…`), removed from
 * the address bar, kept in sessionStorage so that a reload of the tab still works.
 */

/** sessionStorage key of the token. */
export const TOKEN_KEY = 'patchlens.token';

let current: string | null = null;

/** What {@link takePageToken} reads and writes (the page's own objects by default). */
export interface PageTokenEnv {
  location: Pick<Location, 'search' | 'pathname' | 'hash'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
}

/** The page's own location, history and sessionStorage (null when storage is disabled). */
function pageEnv(): PageTokenEnv {
  let storage: Storage | null = null;
  try {
    storage = window.sessionStorage;
  } catch {
    storage = null;
  }
  return { location: window.location, history: window.history, storage };
}

/**
 * Takes the token from `?token=` (then rewrites the address without it) or else from
 * sessionStorage; null when neither has one.
 */
export function takePageToken(env: PageTokenEnv = pageEnv()): string | null {
  const params = new URLSearchParams(env.location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    try {
      env.storage?.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // Storage full or disabled: the token still lives in memory for this page.
    }
    params.delete('token');
    const search = params.toString();
    env.history.replaceState(env.history.state, '', `${env.location.pathname}${search ? `?${search}` : ''}${env.location.hash}`);
    current = fromUrl;
    return fromUrl;
  }
  let stored: string | null = null;
  try {
    stored = env.storage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    stored = null;
  }
  current = stored || current;
  return current;
}

/** The token this page uses (null in Electron or before {@link takePageToken}). */
export function pageToken(): string | null {
  return current;
}
