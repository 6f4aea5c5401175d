import type { IpcRendererEvent } from 'electron';
import { EVENT_NAMES, REQUEST_CHANNELS } from '../shared/api/contract';
import type { ApiErrorPayload, FileKind } from '../shared/api/contract';

/** Versions shown in the about line; all strings, read in the preload. */
export interface PreloadVersions {
  app: string;
  electron: string;
  chrome: string;
  node: string;
}

/** An answer of the services: the result, or an error that keeps its code. */
export type PreloadEnvelope = { result: unknown } | { error: ApiErrorPayload };

/** What the preload exposes as `window.patchlens` (src-renderer/env.d.ts declares the same shape; a test checks both agree). */
export interface PreloadApi {
  versions: PreloadVersions;
  invoke(channel: string, args: unknown): Promise<PreloadEnvelope>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  openDropped(kind: string, file: File): Promise<PreloadEnvelope>;
  listDroppedDicom(file: File): Promise<PreloadEnvelope>;
}

/** The part of `ipcRenderer` the API uses (a parameter, so tests pass a fake). */
export interface PreloadIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcRendererEvent, ...args: unknown[]) => void): unknown;
}

const requestChannels: ReadonlySet<string> = new Set(REQUEST_CHANNELS);
const eventNames: ReadonlySet<string> = new Set(EVENT_NAMES);
const fileKinds: ReadonlySet<string> = new Set<FileKind>(['image', 'label', 'model']);

/** The channels whose source may be a drop: only the preload's own methods send one. */
const dropChannels: ReadonlySet<string> = new Set(['file:open', 'file:dicomSeries']);

/** Whether `args` is a `file:open` or `file:dicomSeries` whose source claims to be a drop (only {@link PreloadApi.openDropped} and {@link PreloadApi.listDroppedDicom} may send one). */
function isDropOpen(channel: string, args: unknown): boolean {
  if (!dropChannels.has(channel) || typeof args !== 'object' || args === null) return false;
  const source = (args as { source?: unknown }).source;
  return typeof source === 'object' && source !== null && (source as { from?: unknown }).from === 'drop';
}

/**
 * Builds the page's API over `ipcRenderer`: `invoke` and `on` accept only the contract's request
 * channels and event names (shared/api/contract.ts); nothing of `ipcRenderer` or its event
 * objects reaches the page (listeners get the payload alone). `invoke` always resolves to an
 * envelope: an unknown channel answers `bad-request`, a failed IPC call `internal`, and a
 * `file:open` or `file:dicomSeries` from a `drop` source `forbidden`: page script never sends a
 * path. A dropped DICOM folder is listed for a series choice with `listDroppedDicom(file)`
 * (`file:dicomSeries { source: { from: 'drop', path } }`, the path read the same way). A dropped file is
 * opened with `openDropped(kind, file)`, which takes the path from the `File` itself
 * (webUtils.getPathForFile, here in the preload) and sends `file:open { source: { from: 'drop',
 * path } }`; for a model, the folder of the dropped file. A File that has no path on disk (built
 * by page script, dragged from another app's memory) answers `bad-request`, and the page uploads
 * its bytes instead.
 *
 * @param ipc ipcRenderer (or a fake)
 * @param getPathForFile webUtils.getPathForFile
 * @param versions the versions shown in the about line
 */
export function createPreloadApi(ipc: PreloadIpc, getPathForFile: (file: File) => string, versions: PreloadVersions): PreloadApi {
  /** The dropped File's path on disk, read here (null: none, e.g. a File made by page script). */
  const droppedPath = (file: File): string | null => {
    let path: unknown = '';
    try {
      path = getPathForFile(file) || '';
    } catch {
      path = '';
    }
    return typeof path === 'string' && path !== '' ? path : null;
  };
  const noPath = (method: string): PreloadEnvelope => ({ error: { code: 'bad-request', message: `${method}: the dropped file has no path on disk (upload its bytes instead)` } });
  const send = (channel: string, args: unknown): Promise<PreloadEnvelope> =>
    ipc.invoke(channel, args).then(
      (envelope) => envelope as PreloadEnvelope,
      (err: unknown) => ({ error: { code: 'internal', message: `invoke ${channel}: ${err instanceof Error ? err.message : String(err)}` } }),
    );
  return {
    versions: { ...versions },
    invoke(channel: string, args: unknown) {
      if (typeof channel !== 'string' || !requestChannels.has(channel)) {
        return Promise.resolve({ error: { code: 'bad-request', message: `invoke: unknown channel ${JSON.stringify(String(channel))}` } });
      }
      if (isDropOpen(channel, args)) {
        const how = channel === 'file:open' ? 'opened with openDropped(kind, file)' : 'listed with listDroppedDicom(file)';
        return Promise.resolve({ error: { code: 'forbidden', message: `invoke ${channel}: a dropped file is ${how}, never from a path the page sends` } });
      }
      return send(channel, args);
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
    openDropped(kind: string, file: File) {
      if (typeof kind !== 'string' || !fileKinds.has(kind)) {
        return Promise.resolve({ error: { code: 'bad-request', message: `openDropped: kind must be image, label or model, got ${JSON.stringify(String(kind))}` } });
      }
      const path = droppedPath(file);
      if (path === null) return Promise.resolve(noPath('openDropped'));
      // A model is a folder: the dropped file (model.json or a shard) names it.
      const target = kind === 'model' ? path.replace(/[\\/][^\\/]*$/, '') || path.slice(0, 1) : path;
      return send('file:open', { kind, source: { from: 'drop', path: target } });
    },
    listDroppedDicom(file: File) {
      const path = droppedPath(file);
      if (path === null) return Promise.resolve(noPath('listDroppedDicom'));
      return send('file:dicomSeries', { source: { from: 'drop', path } });
    },
  };
}
