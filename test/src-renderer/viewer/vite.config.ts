/**
 * Vite build of the viewer's test page (test/src-renderer/viewer/page): ViewerWorkspace (Svelte 5)
 * with cornerstone3D, as the app bundles it. viewer.browser.test.ts builds it into a temporary folder.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: `${here}page`,
  base: './',
  logLevel: 'warn',
  plugins: [svelte()],
  resolve: { alias: { '@shared': fileURLToPath(new URL('../../../shared', import.meta.url)) } },
  worker: { format: 'es' },
  build: { target: 'es2022', emptyOutDir: true, reportCompressedSize: false, chunkSizeWarningLimit: 20_000 },
});
