/**
 * End-to-end: the engine worker in real Chromium (SwiftShader WebGL on the CPU), against the
 * same engine in Node. Builds test/src-renderer/engine/page with Vite, serves it and ../shared's models from
 * 127.0.0.1, and drives `window.runEngine` with playwright-core.
 *
 * Needs /usr/bin/chromium (Debian's `chromium` package); skipped with a message without it (a
 * failure with PATCHLENS_REQUIRE_ALL=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineInferenceOptions } from '../../../src-renderer/engine/protocol';
import { agreement, brainCube, cubeOptions, nodeCpuRun } from './engineFixtures';
import { requireTools } from '../../helpers/requireTool';
import { CHROMIUM, chromium, openEnginePage, type EnginePage, type RunInPageArgs } from '../../helpers/enginePage';
import type { RunEngineSummary } from './page/runEngineTypes';

/** The input: a 40³ cube of ch2 around the brain's centre. */
const CUBE = 40;

const hasChromium = requireTools('engineWorker.test', [chromium]);

describe.skipIf(!hasChromium)(`engine worker in Chromium (${hasChromium ? CHROMIUM : `skipped: ${CHROMIUM} missing, apt-get install -y chromium`})`, { timeout: 180_000 }, () => {
  let harness: EnginePage | undefined;
  let cube: Uint8Array;
  let options: EngineInferenceOptions;
  const timings: Record<string, number> = {};
  const runs: Record<string, RunEngineSummary> = {};

  /** Runs `window.runEngine` in the page. */
  const runInPage = (args: RunInPageArgs) => harness!.run(args);

  beforeAll(async () => {
    cube = brainCube(CUBE);
    // The whole cube, in 8 windows of 24³ (overlap 0.25): quick even under SwiftShader.
    options = await cubeOptions(cube);
    harness = await openEnginePage({ '/input/cube.nii.gz': cube });
    Object.assign(timings, harness.timings);
  }, 120_000);

  afterAll(async () => {
    console.log(`engineWorker.test timings: ${JSON.stringify(timings)}`);
    const failed = harness?.server.log.filter((l) => !l.startsWith('200')) ?? [];
    if (failed.length) console.log(`engineWorker.test: requests that failed:\n${failed.join('\n')}`);
    if (harness?.browserLog.length) console.log(`engineWorker.test browser log:\n${harness.browserLog.slice(-40).join('\n')}`);
    await harness?.close();
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
    expect(harness!.server.log.some((l) => /^200 GET \/assets\/tfjs-backend-wasm-simd-[\w-]+\.wasm$/.test(l)), harness!.server.log.join('\n')).toBe(true);
    expect(harness!.server.log.some((l) => l.includes('threaded'))).toBe(false);
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
    const cpu = await nodeCpuRun(cube, options);
    timings.nodeCpuRunMs = performance.now() - t;
    expect(cpu.windows).toBe(8);
    expect(cpu.tensorsLeft).toBeLessThanOrEqual(0);
    const webglAgreement = agreement(runs.webgl.labels!, cpu.labels);
    timings.webglVsCpuAgreement = webglAgreement;
    expect(webglAgreement).toBeGreaterThanOrEqual(0.99);
    if (runs.auto?.labels) {
      timings.autoVsCpuAgreement = agreement(runs.auto.labels, cpu.labels);
      expect(timings.autoVsCpuAgreement).toBeGreaterThanOrEqual(0.99);
    }
  });
});
