import type { IpcRendererEvent } from 'electron';
import { EVENT_NAMES, REQUEST_CHANNELS } from '../shared/api/contract';
import type { ApiErrorPayload } from '../shared/api/contract';

/** Versions shown in the about line; all strings, read in the preload. */
export interface PreloadVersions {
  app: string;
  electron: string;
  chrome: string;
  node: string;
}

/** What the preload exposes as `window.patchlens` (src-renderer/env.d.ts declares the same shape; a test checks both agree). */
export interface PreloadApi {
  versions: PreloadVersions;
  invoke(channel: string, args: unknown): Promise<{ result: unknown } | { error: ApiErrorPayload }>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  pathForFile(file: File): string;
}

/** The part of `ipcRenderer` the API uses (a parameter, so tests pass a fake). */
export interface PreloadIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
}

const requestChannels: ReadonlySet<string> = new Set(REQUEST_CHANNELS);
const eventNames: ReadonlySet<string> = new Set(EVENT_NAMES);

/**
 * Builds the page's API over `ipcRenderer`: `invoke` and `on` accept only the contract's request
 * channels and event names (shared/api/contract.ts); nothing of `ipcRenderer` or its event
 * objects reaches the page (listeners get the payload alone). `invoke` always resolves to an
 * envelope: an unknown channel answers `bad-request`, a failed IPC call `internal`.
 *
 * @param ipc ipcRenderer (or a fake)
 * @param getPathForFile webUtils.getPathForFile
 * @param versions the versions shown in the about line
 */
export function createPreloadApi(ipc: PreloadIpc, getPathForFile: (file: File) => string, versions: PreloadVersions): PreloadApi {
  return {
    versions: { ...versions },
    invoke(channel: string, args: unknown) {
      if (typeof channel !== 'string' || !requestChannels.has(channel)) {
        return Promise.resolve({ error: { code: 'bad-request', message: `invoke: unknown channel ${JSON.stringify(String(channel))}` } });
      }
      return ipc.invoke(channel, args).then(
        (envelope) => envelope as { result: unknown } | { error: ApiErrorPayload },
        (err: unknown) => ({ error: { code: 'internal', message: `invoke ${channel}: ${err instanceof Error ? err.message : String(err)}` } }),
      );
    },
    on(event: string, listener: (payload: unknown) => void) {
      if (typeof event !== 'string' || !eventNames.has(event)) throw new Error(`on: unknown event ${JSON.stringify(String(event))}`);
      if (typeof listener !== 'function') throw new Error('on: listener must be a function');
      const relay = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
      ipc.on(event, relay);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipc.removeListener(event, relay);
      };
    },
    pathForFile(file: File) {
      try {
        return getPathForFile(file) || '';
      } catch {
        return '';
      }
    },
  };
}
