import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Whether a module URL is a TypeScript source (running under tsx or vitest, not bundled). */
function isTypeScript(url: string | URL): boolean {
  return /\.[cm]?ts$/.test(new URL(url).pathname);
}

/**
 * Where the compute worker's entry is: `computeWorker.ts` beside this module when running from
 * sources (tsx, vitest), `computeWorker.js` beside the bundle when bundled (electron-vite builds
 * it as the main build's second entry, `out/main/computeWorker.js`). The file name is built at run
 * time on purpose: a literal `new URL('./x', import.meta.url)` would be rewritten by Vite.
 */
export function computeWorkerUrl(): URL {
  const file = `computeWorker${isTypeScript(import.meta.url) ? '.ts' : '.js'}`;
  const here = new URL(file, import.meta.url);
  // Bundled into a shared chunk (out/main/chunks/…): the entry is one folder up.
  const up = new URL(`../${file}`, import.meta.url);
  return existsSync(fileURLToPath(here)) || !existsSync(fileURLToPath(up)) ? here : up;
}

/**
 * Starts the compute worker at `url`. A `.ts` entry is loaded through `computeWorkerBootstrap.mjs`,
 * which registers tsx's loader in the worker first.
 */
export function startComputeWorker(url: URL = computeWorkerUrl()): Worker {
  if (!isTypeScript(url)) return new Worker(url);
  const bootstrap = new URL(['computeWorkerBootstrap', 'mjs'].join('.'), import.meta.url);
  return new Worker(bootstrap, { workerData: { entry: url.href } });
}
