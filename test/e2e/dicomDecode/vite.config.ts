/**
 * Vite build of the DICOM decode test page (test/e2e/dicomDecode/page) with the renderer's own
 * settings from electron.vite.config.ts (aliases, plugins, module Worker format, dependency
 * optimizer), so the page bundles the loader's decode worker and the codecs' .wasm as the app
 * does. openDecodePage.ts builds it programmatically into a temporary folder.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type UserConfig } from 'vite';
import electronConfig from '../../../electron.vite.config.ts';

const page = fileURLToPath(new URL('./page', import.meta.url));
const renderer = (electronConfig as { renderer: UserConfig }).renderer;

export default defineConfig({
  resolve: renderer.resolve,
  plugins: renderer.plugins,
  worker: renderer.worker,
  optimizeDeps: renderer.optimizeDeps,
  root: page,
  base: './',
  logLevel: 'warn',
  build: {
    target: 'es2022',
    emptyOutDir: true,
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    chunkSizeWarningLimit: 10_000,
  },
});
