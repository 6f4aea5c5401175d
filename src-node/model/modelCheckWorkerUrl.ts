import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/** Whether a module URL is a TypeScript source (running under tsx or vitest, not bundled). */
function isTypeScript(url: string | URL): boolean {
  return /\.[cm]?ts$/.test(new URL(url).pathname);
}

/**
 * Where the model check worker's entry is: `modelCheckWorker.ts` beside this module when running
 * from sources (tsx, vitest), `modelCheckWorker.js` beside the bundle when bundled (an entry of
 * electron-vite's main build, `out/main/modelCheckWorker.js`). The file name is built at run time
 * on purpose: a literal `new URL('./x', import.meta.url)` would be rewritten by Vite.
 */
export function modelCheckWorkerUrl(): URL {
  const file = `modelCheckWorker${isTypeScript(import.meta.url) ? '.ts' : '.js'}`;
  const here = new URL(file, import.meta.url);
  // Bundled into a shared chunk (out/main/chunks/…): the entry is one folder up.
  const up = new URL(`../${file}`, import.meta.url);
  return existsSync(fileURLToPath(here)) || !existsSync(fileURLToPath(up)) ? here : up;
}

/**
 * Starts a worker thread at `url`; a `.ts` entry is loaded through `tsWorkerBootstrap.mjs`, which
 * registers tsx's loader in the worker first.
 * @throws naming the file when the entry does not exist (a build without the worker entry).
 */
export function startTsWorker(url: URL, resourceLimits?: ResourceLimits): Worker {
  if (url.protocol === 'file:' && !existsSync(fileURLToPath(url)))
    throw new Error(`startTsWorker: the worker entry ${fileURLToPath(url)} does not exist (is it an entry of the build?)`);
  if (!isTypeScript(url)) return new Worker(url, { resourceLimits });
  const bootstrap = new URL(['tsWorkerBootstrap', 'mjs'].join('.'), import.meta.url);
  return new Worker(bootstrap, { workerData: { entry: url.href }, resourceLimits });
}
