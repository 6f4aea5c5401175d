// Runs sandboxed: only `electron`'s renderer modules can be required, so this file is
// bundled into one CommonJS script (see electron.vite.config.ts).
import { contextBridge } from 'electron';
import { version } from '../package.json';

// The only object the page sees. No ipcRenderer, no functions: plain data.
// Its type is declared for the renderer in src-renderer/env.d.ts (PatchLensApi).
const api = {
  versions: {
    app: version,
    electron: process.versions.electron,
    chrome: process.versions.chrome,
    node: process.versions.node,
  },
};

contextBridge.exposeInMainWorld('patchlens', api);
