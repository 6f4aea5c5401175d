/**
 * Vite build of the renderer alone, for the browser transport (`npm run serve`): the renderer
 * section of electron.vite.config.ts (root, alias, Svelte, module Worker, entry), built for a
 * plain browser into out/renderer, where electron-vite puts it too.
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { defineConfig, type UserConfig } from 'vite';
import electronConfig from './electron.vite.config.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const renderer = (electronConfig as { renderer: UserConfig }).renderer;

export default defineConfig({
  ...renderer,
  base: './',
  logLevel: 'warn',
  build: {
    ...renderer.build,
    outDir: resolve(root, 'out/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    chunkSizeWarningLimit: 10_000,
  },
});
