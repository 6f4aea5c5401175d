// Runs sandboxed: only `electron`'s renderer modules can be required, so this file is
// bundled into one CommonJS script (see electron.vite.config.ts).
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { version } from '../package.json';
import { createPreloadApi } from './preloadApi';

// The only object the page sees: versions, invoke/on restricted to the contract, openDropped and
// listDroppedDicom (the path of a dropped file is read here, never handed to page script). No ipcRenderer and no
// IPC event objects. Its type is declared for the renderer in src-renderer/env.d.ts
// (PatchLensApi); test/src-main/preloadApi.test.ts checks both agree.
const api = createPreloadApi(ipcRenderer, (file) => webUtils.getPathForFile(file), {
  app: version,
  electron: process.versions.electron,
  chrome: process.versions.chrome,
  node: process.versions.node,
});

contextBridge.exposeInMainWorld('patchlens', api);
