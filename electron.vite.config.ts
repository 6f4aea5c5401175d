import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** Repository root (the folder of this file). */
const root = fileURLToPath(new URL('.', import.meta.url));

/** `@shared/*` -> `shared/*`, the same alias as tsconfig.json, for all three builds. */
const alias = { '@shared': resolve(root, 'shared') };

/**
 * electron-vite build of the three Electron contexts into `out/{main,preload,renderer}`.
 * Entry names are fixed (`index`) because src-main/index.ts refers to the built files by name.
 */
export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      // package.json has "type": "module", so main is emitted as ESM: out/main/index.js.
      rolldownOptions: { input: { index: resolve(root, 'src-main/index.ts') } },
    },
  },
  preload: {
    resolve: { alias },
    build: {
      rolldownOptions: {
        input: { index: resolve(root, 'src-main/preload.ts') },
        // A sandboxed preload cannot be an ES module: force one self-contained CommonJS
        // file. `.cjs` keeps Node from reading it as ESM under "type": "module".
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src-renderer'),
    resolve: { alias },
    plugins: [svelte()],
    // The engine runs in a module Worker (src-renderer/engine/engine.worker.ts).
    worker: { format: 'es' },
    build: {
      rolldownOptions: { input: { index: resolve(root, 'src-renderer/index.html') } },
    },
  },
});
