/**
 * Vite build of the WebSocket transport's test page (test/src-renderer/api/page): the renderer's
 * src-renderer/api bundled as the app bundles it. wsTransport.browser.test.ts builds it
 * programmatically into a temporary folder.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: `${here}page`,
  base: './',
  logLevel: 'warn',
  resolve: { alias: { '@shared': fileURLToPath(new URL('../../../shared', import.meta.url)) } },
  build: { target: 'es2022', emptyOutDir: true, reportCompressedSize: false, modulePreload: { polyfill: false } },
});
