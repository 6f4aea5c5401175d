import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/** Repository root (the folder of this file). */
const root = fileURLToPath(new URL('.', import.meta.url));

/** `@shared/*` -> `shared/*`, the same alias as tsconfig.json, for all three builds. */
const alias = { '@shared': resolve(root, 'shared') };

/**
 * Main's entries: the app (out/main/index.js) and the services' worker_threads modules the
 * service host starts beside the bundle: the compute worker (out/main/computeWorker.js) and the
 * model check worker (out/main/modelCheckWorker.js: parses and builds a model off the services'
 * thread, with a time limit) and the re-evaluation worker (out/main/reevaluateWorker.js: an
 * edited reference against a run's prediction cache, off the services' thread). A worker entry is added only once its source exists, so the shell
 * builds without it.
 */
const workers = {
  computeWorker: resolve(root, 'src-node/app/computeWorker.ts'),
  modelCheckWorker: resolve(root, 'src-node/model/modelCheckWorker.ts'),
  reevaluateWorker: resolve(root, 'src-node/annotation/reevaluateWorker.ts'),
};
const mainInput: Record<string, string> = {
  index: resolve(root, 'src-main/index.ts'),
  ...Object.fromEntries(Object.entries(workers).filter(([, path]) => existsSync(path))),
};

/**
 * electron-vite build of the three Electron contexts into `out/{main,preload,renderer}`.
 * Entry names are fixed (`index`, `computeWorker`, `modelCheckWorker`, `reevaluateWorker`) because main refers to the built files by name.
 */
export default defineConfig({
  main: {
    resolve: { alias },
    build: {
      // package.json has "type": "module", so main is emitted as ESM: out/main/index.js (+ the workers).
      rolldownOptions: { input: mainInput },
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
    // dcmjs and xmlbuilder2 come in through cornerstone3D / vtk.js for DICOM parsing and XML
    // writing, which the viewer never uses; both need `new Function`, which the CSP forbids.
    // @cornerstonejs/dicom-image-loader's decode worker module, which its export map leaves out:
    // src-renderer/viewer/dicom/decodeWorker.ts starts it as a module Worker (the loader's init()
    // would purge the viewer's cornerstone cache). The version is pinned exactly in package.json.
    resolve: {
      alias: {
        ...alias,
        dcmjs: resolve(root, 'src-renderer/stubs/dcmjs.ts'),
        xmlbuilder2: resolve(root, 'src-renderer/stubs/xmlbuilder2.ts'),
        '@cornerstonejs/dicom-image-loader/decodeImageFrameWorker': resolve(root, 'node_modules/@cornerstonejs/dicom-image-loader/dist/esm/decodeImageFrameWorker.js'),
      },
    },
    plugins: [svelte()],
    // The engine runs in a module Worker (src-renderer/engine/engine.worker.ts), and so does the
    // DICOM decode worker (its codecs' .wasm files are emitted beside it through
    // `new URL('<codec>/decodewasm', import.meta.url)`).
    worker: { format: 'es' },
    // What cornerstone3D's Vite set-up asks for in development (`electron-vite dev`): the loader
    // unbundled by the dependency optimizer, so its worker and wasm URLs stay relative to its
    // files; dicom-parser (CommonJS) pre-bundled.
    optimizeDeps: { exclude: ['@cornerstonejs/dicom-image-loader'], include: ['dicom-parser'] },
    build: {
      // index: the app page; compute: Electron's hidden compute window (src-main/computeWindow.ts).
      rolldownOptions: { input: { index: resolve(root, 'src-renderer/index.html'), compute: resolve(root, 'src-renderer/compute.html') } },
    },
  },
});
