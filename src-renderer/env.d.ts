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
}

declare global {
  interface Window {
    /** Present only inside the Electron shell. */
    patchlens?: PatchLensApi;
  }
}
