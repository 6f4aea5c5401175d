/**
 * Vite build of the engine worker's test page (test/src-renderer/engine/page): the page, the engine client
 * and the module Worker with its tfjs backends and `.wasm` assets, as the app bundles them.
 * engineWorker.browser.test.ts builds it programmatically into a temporary folder.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: `${here}page`,
  base: './',
  logLevel: 'warn',
  resolve: { alias: { '@shared': fileURLToPath(new URL('../../../shared', import.meta.url)) } },
  // A module Worker (`new Worker(url, { type: 'module' })`) with its own chunks.
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    emptyOutDir: true,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 10_000,
  },
});
