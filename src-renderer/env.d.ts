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
 * Keep in step with the preload; test/app/electron-build.test.ts checks the built preload's shape.
 */
export interface PatchLensApi {
  versions: PatchLensVersions;
  /** Sends a request of the contract (shared/api/contract.ts); resolves to its envelope (never rejects for API errors). */
  invoke(channel: string, args: unknown): Promise<{ result: unknown } | { error: { code: string; message: string } }>;
  /** Listens to a contract event; returns the unsubscribe function. */
  on(event: string, listener: (payload: unknown) => void): () => void;
  /** Absolute path of a dropped file (Electron's webUtils.getPathForFile); '' when it has none. */
  pathForFile(file: File): string;
}

declare global {
  interface Window {
    /** Present only inside the Electron shell. */
    patchlens?: PatchLensApi;
  }
}
