import type { RenderProcessGoneDetails } from 'electron';
import type { EventName } from '../shared/api/contract';
import type { ServiceConnection } from '../src-node/app/serviceHost';
import { forwardEvents } from './ipc';
import { isAppPage } from './navigation';

/** The bits of a WebContents a connection is bound to (a parameter, so tests pass a fake). */
export interface ConnectionContents {
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, ...args: unknown[]): void;
  on(event: 'destroyed', listener: () => void): unknown;
  on(event: 'render-process-gone', listener: (event: unknown, details: RenderProcessGoneDetails) => void): unknown;
  on(event: 'did-navigate', listener: (event: unknown, url: string) => void): unknown;
}

/** How one web contents is served (see {@link WindowConnections.bind}). */
export interface BindOptions {
  /** URL of the page the contents shows (`app://patchlens/index.html`, or the dev server's). */
  pageUrl: string;
  /**
   * Opens the connection of a new document. `previous` is the connection of the document the
   * contents showed before (a reload), already closed as `lost` so its session can be resumed;
   * null for the first document or after a crash.
   */
  connect(previous: ServiceConnection | null): ServiceConnection;
  /** Only these of the connection's events reach the page (default all). */
  events?: readonly EventName[];
  /** After a later document got a new connection (not called for the first). */
  onReplaced?: (connection: ServiceConnection) => void;
}

/** Connections per web contents: every window is its own session. */
export interface WindowConnections {
  /**
   * Serves `contents` with its own connection, opened now (for the document it is about to load):
   * its events go to this contents only (and only while it shows `pageUrl`); the connection is
   * closed (`closed`) when the contents is destroyed or its renderer process is gone; a later
   * document (a reload, or any navigation the guards let through) closes it (`lost` when the new
   * document is the page, so the session can resume; else `closed`) and, when the new document is
   * the page, opens the next one. Returns the first connection, or null when `connect` failed.
   */
  bind(contents: ConnectionContents, options: BindOptions): ServiceConnection | null;
  /** The connection serving `contents` now (null when none). */
  of(contents: unknown): ServiceConnection | null;
  /** How many web contents have a connection now. */
  readonly size: number;
}

/**
 * Creates the per-window connection registry of Electron main (index.ts binds the main window's
 * and the compute window's web contents; registerIpc looks the sender's connection up here).
 *
 * @param log where failures go (default console.error)
 */
export function createWindowConnections(log: (message: string) => void = (m) => console.error(m)): WindowConnections {
  const live = new Map<unknown, ServiceConnection>();

  return {
    get size() {
      return live.size;
    },
    of(contents) {
      return live.get(contents) ?? null;
    },
    bind(contents, options) {
      const { pageUrl, connect, events, onReplaced } = options;
      if (typeof connect !== 'function') throw new Error('WindowConnections.bind: connect must be a function');
      if (live.has(contents)) throw new Error('WindowConnections.bind: this web contents is served already');
      let current: ServiceConnection | null = null;
      let unsubscribe: (() => void) | null = null;
      let documents = 0;
      let gone = false;

      const open = (previous: ServiceConnection | null): ServiceConnection | null => {
        let connection: ServiceConnection;
        try {
          connection = connect(previous);
        } catch (err) {
          log(`PatchLens: cannot connect ${pageUrl} to the services: ${err instanceof Error ? err.message : String(err)}`);
          return null;
        }
        current = connection;
        live.set(contents, connection);
        unsubscribe = forwardEvents(connection, () => contents, pageUrl, events);
        return connection;
      };

      const end = (mode: 'closed' | 'lost'): ServiceConnection | null => {
        const connection = current;
        current = null;
        live.delete(contents);
        unsubscribe?.();
        unsubscribe = null;
        if (connection) {
          try {
            connection.close(mode);
          } catch (err) {
            log(`PatchLens: closing the connection of ${pageUrl} failed: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
        return connection;
      };

      contents.on('destroyed', () => {
        gone = true;
        end('closed');
      });
      contents.on('render-process-gone', () => {
        end('closed');
      });
      // 'did-navigate' is a committed main-frame document (in-page navigations are 'did-navigate-in-page').
      contents.on('did-navigate', (_event, url) => {
        documents++;
        if (gone) return;
        const isPage = isAppPage(url, pageUrl);
        if (documents === 1 && current) return; // the document the first connection was opened for
        const previous = end(isPage ? 'lost' : 'closed');
        if (!isPage) return;
        const next = open(previous);
        if (next) onReplaced?.(next);
      });

      return open(null);
    },
  };
}
