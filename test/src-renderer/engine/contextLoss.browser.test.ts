/**
 * End-to-end: a REAL lost WebGL context in Chromium (SwiftShader), in the engine worker.
 *
 * First pins down what tfjs-backend-webgl 4.22 does when its context is lost (it does not throw:
 * ops run on, `dataSync()` gives zeros, `await data()` never settles while a fence poll spins),
 * then loses the engine's own context with the test-only request option
 * `debug.loseWebglContextAfterWindows` (WEBGL_lose_context, on tfjs's context, in the worker) —
 * between two batches and while a batch is read back — and checks that the run finishes on wasm,
 * reports the fallback (from, to, window, error), leaks no tensor, and gives the labels of the
 * Node cpu run; and that the next webgl run in the same worker gets a fresh context.
 *
 * Needs /usr/bin/chromium (Debian's `chromium` package); skipped with a message without it (a
 * failure with PATCHLENS_REQUIRE_ALL=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineInferenceOptions } from '../../../src-renderer/engine/protocol';
import { agreement, brainCube, cubeOptions, nodeCpuRun } from './engineFixtures';
import { requireTools } from '../../helpers/requireTool';
import { chromium, openEnginePage, type EnginePage } from '../../helpers/enginePage';
import type { RunEngineSummary } from './page/runEngineTypes';

/** The input: a 40³ cube of ch2 (8 windows of 24³). */
const CUBE = 40;
const WINDOWS = 8;
/** Windows done on webgl before the context is lost. */
const LOSE_AFTER = 3;

describe.skipIf(!requireTools('contextLoss.test', [chromium]))('a lost WebGL context in the engine worker (Chromium, SwiftShader)', { timeout: 120_000 }, () => {
  let harness: EnginePage | undefined;
  let cube: Uint8Array;
  let options: EngineInferenceOptions;
  const timings: Record<string, number> = {};
  let reference: Promise<Uint8Array> | undefined;

  /** The labels of the same run in Node on the cpu backend (computed once, when first needed). */
  const cpuLabels = () =>
    (reference ??= (async () => {
      const t = performance.now();
      const r = await nodeCpuRun(cube, options);
      timings.nodeCpuRunMs = performance.now() - t;
      expect(r.windows).toBe(WINDOWS);
      expect(r.tensorsLeft).toBeLessThanOrEqual(0);
      return r.labels;
    })());

  beforeAll(async () => {
    cube = brainCube(CUBE);
    options = await cubeOptions(cube);
    harness = await openEnginePage({ '/input/cube.nii.gz': cube });
    Object.assign(timings, harness.timings);
  }, 90_000);

  afterAll(async () => {
    console.log(`contextLoss.test timings: ${JSON.stringify(timings)}`);
    if (harness?.browserLog.length) console.log(`contextLoss.test browser log:\n${harness.browserLog.slice(-30).join('\n')}`);
    await harness?.close();
  });

  /** The checks every run that lost its context must pass. */
  const expectFallback = async (r: RunEngineSummary, name: string) => {
    timings[`${name}RunMs`] = r.pageMs;
    console.log(`contextLoss.test ${name}: backend ${JSON.stringify({ name: r.backend?.name, fallbacks: r.backend?.fallbacks })}; warnings ${JSON.stringify(r.warnings)}; worker ${JSON.stringify(r.worker)}`);
    expect(r.error, JSON.stringify(r.error)).toBeUndefined();
    expect(r.ok).toBe(true);
    // It finished on wasm and says where and why it left webgl.
    expect(r.backend!.name).toBe('wasm');
    expect(r.backend!.reason).toBe('chosen by the user');
    expect(r.backend!.fallbacks).toHaveLength(1);
    const fallback = r.backend!.fallbacks[0];
    expect(fallback).toMatchObject({ from: 'webgl', to: 'wasm' });
    expect(fallback.error).toMatch(/^WebGL context lost \(gl\.isContextLost\(\)\)/);
    expect(r.warnings!.some((w) => w.startsWith(`the webgl backend failed at window ${fallback.atWindow} (WebGL context lost`) && w.endsWith('the run went on with wasm'))).toBe(true);
    expect(r.warnings!.some((w) => w.startsWith('debug.loseWebglContextAfterWindows (test only): lost the WebGL context on purpose'))).toBe(true);
    // Every window was computed, and the model phase reached its end.
    expect(r.windows).toBe(WINDOWS);
    expect(r.progress.filter((p) => p.phase === 'model').at(-1)).toMatchObject({ done: WINDOWS, total: WINDOWS });
    expect(r.labelsShape).toEqual([CUBE, CUBE, CUBE]);
    expect(r.probabilitySumError!).toBeLessThan(1e-4);
    // No tensor leaks: the webgl tensors of the lost context are gone, the wasm ones disposed.
    expect(r.worker!.tensorsAfter).toBe(r.worker!.tensorsBefore);
    // Same labels as Node's cpu backend (windows before the loss from webgl, after it from wasm).
    const match = agreement(r.labels!, await cpuLabels());
    timings[`${name}VsCpuAgreement`] = match;
    expect(match).toBeGreaterThanOrEqual(0.99);
    return fallback;
  };

  it('tfjs-backend-webgl 4.22 does not throw on a lost context: zeros from dataSync, a data() that never settles', async () => {
    const t = performance.now();
    const p = await harness!.page.evaluate((ms) => window.probeLostContext!(ms), 1500);
    timings.probeMs = performance.now() - t;
    console.log(`contextLoss.test probe: ${JSON.stringify(p)}`);
    expect(p.canvas).toBe('OffscreenCanvas');
    // The loss is immediate and visible, but only if one asks.
    expect(p.lostAtOnce).toBe(true);
    expect(p.getError).toBe(p.contextLostWebgl);
    // No op throws; what they give is zeros.
    expect(p.opThrew).toBeNull();
    expect(p.dataSyncThrew).toBeNull();
    expect(p.dataSyncMaxAbs).toBe(0);
    expect(p.newShaderThrew).toBeNull();
    expect(p.newShaderMaxAbs).toBe(0);
    // The asynchronous read waits for a fence that never signals, polling on zero-delay timers.
    expect(p.dataSettled).toBe('pending');
    // (Its rate, timerCallsPerSecondWhileStalled, is printed above: a busy machine lowers it.)
    // `webglcontextlost` reaches tfjs's OffscreenCanvas, as a task (not during loseContext()); tfjs calls preventDefault().
    expect(p.eventsRightAfter).toBe(0);
    expect(p.events).toEqual(['webglcontextlost defaultPrevented=true']);
    // The engine's remedies: releasing the read ends the poll (the read gives zeros), and a replaced backend computes again.
    expect(p.released).toBe(1);
    expect(p.releasedReadMaxAbs).toBe(0);
    expect(p.timerCallsPerSecondAfterRelease).toBeLessThan(5);
    expect(p.timerCallsPerSecondWhileStalled).toBeGreaterThan(p.timerCallsPerSecondAfterRelease);
    expect(p.numTensorsAfterDispose).toBe(0);
    expect(p.replaced).toBe(true);
    expect(p.freshContext).toBe(true);
    expect(p.freshMaxDiff).toBeLessThan(1e-4);
    expect(p.numTensorsAtEnd).toBe(0);
  });

  it(`loses the context between batches after ${LOSE_AFTER} windows: the run goes on with wasm and reports it`, async () => {
    const r = await harness!.run({ backend: 'webgl', options, debug: { loseWebglContextAfterWindows: LOSE_AFTER } });
    const fallback = await expectFallback(r, 'betweenBatches');
    expect(fallback.atWindow).toBe(LOSE_AFTER);
    expect(fallback.error).toMatch(/before the batch was read back/);
    expect(r.warnings).toContain(`debug.loseWebglContextAfterWindows (test only): lost the WebGL context on purpose before window ${LOSE_AFTER}`);
  });

  it('loses the context while a batch is read back: the stalled read is given up, and the run goes on with wasm', async () => {
    const r = await harness!.run({ backend: 'webgl', options, debug: { loseWebglContextAfterWindows: LOSE_AFTER, loseWebglContextDuring: 'read-back' } });
    const fallback = await expectFallback(r, 'readBack');
    expect(fallback.atWindow).toBeGreaterThanOrEqual(LOSE_AFTER);
    expect(fallback.error).toMatch(/while the batch was read back; tfjs would have waited for it forever/);
    expect(r.warnings).toContain(`debug.loseWebglContextAfterWindows (test only): lost the WebGL context on purpose while the batch at window ${fallback.atWindow} was read back`);
  });

  it('the next webgl run in the same worker gets a fresh context and needs no fallback', async () => {
    const r = await harness!.run({ backend: 'webgl', options });
    timings.webglAfterLossRunMs = r.pageMs;
    expect(r.error, JSON.stringify(r.error)).toBeUndefined();
    expect(r.backend).toMatchObject({ name: 'webgl', fallbacks: [], software: true });
    expect(r.backend!.renderer).toMatch(/swiftshader/i);
    expect(r.worker!.tensorsAfter).toBe(r.worker!.tensorsBefore);
    const match = agreement(r.labels!, await cpuLabels());
    timings.webglAfterLossVsCpuAgreement = match;
    expect(match).toBeGreaterThanOrEqual(0.99);
  });

  it('a debug option that does not apply says so instead of failing silently', async () => {
    const r = await harness!.run({ backend: 'wasm', options, debug: { loseWebglContextAfterWindows: 0 } });
    expect(r.error, JSON.stringify(r.error)).toBeUndefined();
    expect(r.backend).toMatchObject({ name: 'wasm', fallbacks: [] });
    expect(r.warnings).toContain('debug.loseWebglContextAfterWindows: the run was on wasm, not webgl, at window 0; no context was lost');
    const bad = await harness!.run({ backend: 'webgl', options, debug: { loseWebglContextAfterWindows: -1 } });
    expect(bad.error).toMatchObject({ code: 'invalid-request', message: expect.stringMatching(/debug\.loseWebglContextAfterWindows must be a non-negative integer, got -1/) });
  });
});
