/// <reference types="svelte" />
/// <reference types="vite/client" />

/** Versions shown in the about line; all strings, read in the preload. */
export interface PatchLensVersions {
  app: string;
  electron: string;
  chrome: string;
  node: string;
}

/**
 * What the preload (src-main/preload.ts) exposes as `window.patchlens`.
 * Keep in step with the preload; test/src-main/electronBuild.slow.test.ts checks the built preload's shape.
 */
export interface PatchLensApi {
  versions: PatchLensVersions;
  /** Sends a request of the contract (shared/api/contract.ts); resolves to its envelope (never rejects for API errors). */
  invoke(channel: string, args: unknown): Promise<{ result: unknown } | { error: { code: string; message: string } }>;
  /** Listens to a contract event; returns the unsubscribe function. */
  on(event: string, listener: (payload: unknown) => void): () => void;
  /**
   * Opens a dropped file as an image, label map or model (a model: the folder of the dropped
   * model.json or shard). The preload reads the file's path itself (webUtils.getPathForFile) and
   * sends `file:open { source: { from: 'drop', path } }`; page script never sees or sends the
   * path (`invoke('file:open', { source: { from: 'drop' } })` answers `forbidden`). A file with no
   * path on disk (dragged from another app's memory) answers `bad-request` with a message starting
   * `openDropped:`: upload its bytes instead. Other errors are the services' answer to `file:open`.
   */
  openDropped(kind: 'image' | 'label' | 'model', file: File): Promise<{ result: unknown } | { error: { code: string; message: string } }>;
  /**
   * Lists a dropped DICOM folder (or DICOMDIR, or a file of a series: its folder) for a series
   * choice: the preload reads its path the same way and sends `file:dicomSeries { source: { from:
   * 'drop', path } }` (page script sending that answers `forbidden`). The result is a
   * `DicomChoice`; a File without a path on disk answers `bad-request` starting `listDroppedDicom:`.
   */
  listDroppedDicom(file: File): Promise<{ result: unknown } | { error: { code: string; message: string } }>;
}

declare global {
  interface Window {
    /** Present only inside the Electron shell. */
    patchlens?: PatchLensApi;
  }
}
