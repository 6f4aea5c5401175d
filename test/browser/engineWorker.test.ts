/**
 * End-to-end: the engine worker in real Chromium (SwiftShader WebGL on the CPU), against the
 * same engine in Node. Builds test/browser/page with Vite, serves it and ../shared's models from
 * 127.0.0.1, and drives `window.runEngine` with playwright-core.
 *
 * Needs /usr/bin/chromium (Debian's `chromium` package); skipped with a message without it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { runInference } from '../../shared/engine/inference/runInference';
import type { Box } from '../../shared/engine/inference/domain';
import { prepareModel } from '../../shared/engine/prepareModel';
import { readNifti } from '../../shared/io/nifti';
import { readModelFolder } from '../../src-node/readModelFolder';
import type { EngineInferenceOptions } from '../../src-renderer/engine/protocol';
import { sharedDir } from '../helpers/sharedData';
import { brainCube, inputBoxOnModelGrid, model5Dir } from './engineFixtures';
import type { RunEngineArgs, RunEngineSummary } from './page/runEngineTypes';
import { startStaticServer, type StaticServer } from './staticServer';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];
const here = fileURLToPath(new URL('.', import.meta.url));

/** The input: a 40³ cube of ch2 around the brain's centre. */
const CUBE = 40;

if (!hasChromium) {
  console.warn(`engineWorker.test: SKIPPED — ${CHROMIUM} is missing. Install Debian's Chromium (apt-get install -y chromium); never download a browser.`);
}

describe.skipIf(!hasChromium)(`engine worker in Chromium (${hasChromium ? CHROMIUM : `skipped: ${CHROMIUM} missing, apt-get install -y chromium`})`, { timeout: 180_000 }, () => {
  let outDir = '';
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let cube: Uint8Array;
  let options: EngineInferenceOptions;
  const browserLog: string[] = [];
  const timings: Record<string, number> = {};
  const runs: Record<string, RunEngineSummary> = {};

  /** Runs `window.runEngine` in the page. */
  const runInPage = (args: Omit<RunEngineArgs, 'imageUrl' | 'modelUrl'> & Partial<Pick<RunEngineArgs, 'imageUrl' | 'modelUrl'>>) =>
    page.evaluate((a) => window.runEngine!(a), { imageUrl: '/input/cube.nii.gz', modelUrl: '/models/brainchop/model5_gw_ae', ...args });

  beforeAll(async () => {
    let t = performance.now();
    outDir = mkdtempSync(join(tmpdir(), 'patchlens-engine-page-'));
    const { build } = await import('vite');
    await build({ configFile: resolve(here, 'vite.config.ts'), build: { outDir } });
    timings.viteBuildMs = performance.now() - t;

    cube = brainCube(CUBE);
    const artifacts = await readModelFolder(model5Dir);
    const { resolveSpec } = await import('../../shared/engine/model/resolveSpec');
    const box: Box = inputBoxOnModelGrid(cube, resolveSpec(artifacts));
    // The whole cube, in 8 windows of 24³ (overlap 0.25): quick even under SwiftShader.
    options = { region: box, patchSize: 24, overlap: 0.25, blend: 'gaussian', batchSize: 1 };

    server = await startStaticServer({
      mounts: { '/': outDir, '/models/': resolve(sharedDir, 'models'), '/data/': resolve(sharedDir, 'data') },
      files: { '/input/cube.nii.gz': cube },
    });
    t = performance.now();
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    page = await browser.newPage();
    page.on('console', (m) => browserLog.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => browserLog.push(`[pageerror] ${e.message}`));
    page.on('worker', (w) => browserLog.push(`[worker] ${w.url()}`));
    await page.goto(`${server.origin}/index.html`);
    await page.waitForFunction(() => typeof window.runEngine === 'function', null, { timeout: 30_000 });
    timings.browserStartMs = performance.now() - t;
  }, 120_000);

  afterAll(async () => {
    console.log(`engineWorker.test timings: ${JSON.stringify(timings)}`);
    const failed = server?.log.filter((l) => !l.startsWith('200')) ?? [];
    if (failed.length) console.log(`engineWorker.test: requests that failed:\n${failed.join('\n')}`);
    if (browserLog.length) console.log(`engineWorker.test browser log:\n${browserLog.slice(-40).join('\n')}`);
    await browser?.close();
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('runs model5_gw_ae on forced webgl (SwiftShader) in the worker, with progress and transferred buffers', async () => {
    const r = await runInPage({ backend: 'webgl', options });
    runs.webgl = r;
    timings.webglRunMs = r.pageMs;
    console.log(`engineWorker.test webgl: ${r.backend?.renderer}; windows ${r.windows}; engine timing ${JSON.stringify(r.timing)}; worker ${JSON.stringify(r.worker)}`);
    expect(r.error, JSON.stringify(r.error)).toBeUndefined();
    expect(r.ok).toBe(true);
    // Transferred, not copied: the page's buffers are detached right after postMessage.
    expect(r.detached).toEqual({ image: true, modelJson: true, weights: true });
    expect(r.backend!.name).toBe('webgl');
    expect(r.backend!.reason).toBe('chosen by the user');
    expect(r.backend!.renderer).toMatch(/\S/);
    expect(r.backend!.renderer).toMatch(/swiftshader/i); // this machine has no GPU
    expect(r.backend!.software).toBe(true);
    expect(r.backend!.fallbacks).toEqual([]);
    expect(r.labelsShape).toEqual([CUBE, CUBE, CUBE]);
    expect(r.labels).toHaveLength(CUBE ** 3);
    expect(r.probabilitiesShape).toEqual([CUBE, CUBE, CUBE, 3]);
    expect(r.probabilitySumError!).toBeLessThan(1e-4);
    expect(r.coverageShape).toEqual([CUBE, CUBE, CUBE]);
    expect(r.labelsNiftiBytes!).toBeGreaterThan(0);
    expect(r.labelsNiftiShape).toEqual([CUBE, CUBE, CUBE]);
    expect(r.windows).toBe(8);
    expect(r.consistency).toMatchObject({ shape: [24, 24, 24], count: 8, mapLength: 24 ** 3, accumulatorShape: [24, 24, 24, 2] });
    expect(r.model!.source).toBe('known-model');
    // Progress: prepare, then every window of the model phase with done/total.
    const model = r.progress.filter((p) => p.phase === 'model');
    expect(r.progress[0].phase).toBe('prepare');
    expect(model.length).toBeGreaterThanOrEqual(2);
    expect(model.every((p) => p.total === 8 && p.done >= 0 && p.done <= 8)).toBe(true);
    expect(model[model.length - 1].done).toBe(8);
    expect(r.progress.some((p) => p.phase === 'postprocess')).toBe(true);
    // No tensor leaks in the worker.
    expect(r.worker!.tensorsAfter).toBe(r.worker!.tensorsBefore);
    expect(new Set(r.labels).size).toBeGreaterThan(1); // not all background
  });

  it('cancels a run that has started: it rejects with code aborted and leaks nothing', async () => {
    const r = await runInPage({ backend: 'webgl', options, cancelInModelPhase: true });
    runs.cancelled = r;
    timings.cancelledRunMs = r.pageMs;
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ name: 'EngineError', code: 'aborted' });
    expect(r.detached).toEqual({ image: true, modelJson: true, weights: true });
    // It was cancelled mid-run: the model phase had begun and did not finish.
    const model = r.progress.filter((p) => p.phase === 'model');
    expect(model.length).toBeGreaterThan(0);
    expect(model.every((p) => p.done < p.total)).toBe(true);
  });

  it("'auto' measures the backends and does not choose the software WebGL over wasm", async () => {
    const r = await runInPage({ backend: 'auto', probe: 'fresh', options });
    runs.auto = r;
    timings.autoRunMs = r.pageMs;
    expect(r.error, JSON.stringify(r.error)).toBeUndefined();
    const probes = r.backend!.probes;
    console.log(`engineWorker.test auto: chose ${r.backend!.name}; ${r.backend!.reason}; probes ${JSON.stringify(probes)}`);
    const webgl = probes.find((p) => p.name === 'webgl');
    const wasm = probes.find((p) => p.name === 'wasm');
    expect(wasm?.ms, `wasm probe: ${JSON.stringify(wasm)}`).toBeGreaterThan(0);
    expect(webgl?.software, `webgl probe: ${JSON.stringify(webgl)}`).toBe(true);
    expect(r.backend!.name).not.toBe('webgl');
    expect(['wasm', 'cpu']).toContain(r.backend!.name);
    expect(r.labelsShape).toEqual([CUBE, CUBE, CUBE]);
    expect(r.probabilitySumError!).toBeLessThan(1e-4);
    // The wasm binary came from the URL Vite emitted (`?url` import), as application/wasm; never the threaded build.
    expect(server!.log.some((l) => /^200 GET \/assets\/tfjs-backend-wasm-simd-[\w-]+\.wasm$/.test(l)), server!.log.join('\n')).toBe(true);
    expect(server!.log.some((l) => l.includes('threaded'))).toBe(false);
    // Same tensor count as after the first run: the cancelled run disposed everything too.
    expect(r.worker!.tensorsBefore).toBe(runs.webgl.worker!.tensorsAfter);
    expect(r.worker!.tensorsAfter).toBe(r.worker!.tensorsBefore);
  });

  it('reports bytes that are not NIfTI as invalid-input', async () => {
    const r = await runInPage({ backend: 'cpu', options, imageUrl: '/data/mricron/aal.nii.txt' });
    expect(r.ok).toBe(false);
    expect(r.error).toMatchObject({ name: 'EngineError', code: 'invalid-input' });
    expect(r.error!.message).toMatch(/readNifti/);
  });

  it('gives the labels of the same run in Node with the cpu backend', async () => {
    expect(runs.webgl?.labels, 'the webgl run must have succeeded').toBeDefined();
    const t = performance.now();
    const prepared = await prepareModel(await readModelFolder(model5Dir), { backend: 'cpu' });
    const tensorsBefore = tf.memory().numTensors;
    let labels: Uint8Array;
    try {
      const r = await runInference({ image: readNifti(cube), runner: prepared.runner, spec: prepared.model.spec, options: { ...options } });
      labels = r.labels.data;
      expect(r.windows).toBe(8);
    } finally {
      prepared.runner.dispose();
    }
    timings.nodeCpuRunMs = performance.now() - t;
    expect(tf.memory().numTensors).toBeLessThanOrEqual(tensorsBefore);
    const agree = (other: number[]) => other.reduce((n, v, i) => n + (v === labels[i] ? 1 : 0), 0) / labels.length;
    const webglAgreement = agree(runs.webgl.labels!);
    timings.webglVsCpuAgreement = webglAgreement;
    expect(webglAgreement).toBeGreaterThanOrEqual(0.99);
    if (runs.auto?.labels) {
      timings.autoVsCpuAgreement = agree(runs.auto.labels);
      expect(timings.autoVsCpuAgreement).toBeGreaterThanOrEqual(0.99);
    }
  });
});
