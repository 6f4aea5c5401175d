/**
 * The engine worker's protocol without a browser: the real client (engineClient) and the real
 * message loop (serveEngine) on the two ends of a Node MessageChannel, running model5_gw_ae on
 * the cpu backend. Checks transfers, progress, cancellation, error codes and tensor hygiene;
 * engineWorker.browser.test.ts checks the same in Chromium's Worker with webgl and wasm.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '@tensorflow/tfjs-backend-cpu';
import type { Box } from '../../../shared/engine/inference/domain';
import { resolveSpec } from '../../../shared/engine/model/resolveSpec';
import { readNifti } from '../../../shared/io/nifti';
import { readModelFolder } from '../../../src-node/readModelFolder';
import { createEngineClient, type EngineClient, type EngineRunInput } from '../../../src-renderer/engine/engineClient';
import { EngineError, isAbortError } from '../../../src-renderer/engine/EngineError';
import type { EngineInferenceOptions, EngineModelFiles, EngineResponse } from '../../../src-renderer/engine/protocol';
import { serveEngine, type EngineScope } from '../../../src-renderer/engine/serveEngine';
import { brainCube, inputBoxOnModelGrid, model5Dir } from './engineFixtures';

const CUBE = 24;

describe('engine protocol over a MessageChannel (Node, cpu backend)', { timeout: 60_000 }, () => {
  let port1: MessagePort;
  let port2: MessagePort;
  let client: EngineClient;
  let cube: Uint8Array;
  let files: { modelJson: Uint8Array; weights: Map<string, ArrayBuffer> };
  let options: EngineInferenceOptions;

  /** Fresh copies of the input and the model files (a run transfers and so detaches them). */
  const input = (overrides: Partial<EngineRunInput> = {}): EngineRunInput => {
    const model: EngineModelFiles = {
      modelJson: files.modelJson.slice().buffer,
      weights: Object.fromEntries([...files.weights].map(([path, bytes]) => [path, bytes.slice(0)])),
      name: 'model5_gw_ae',
    };
    return { image: cube.slice().buffer, model, backend: 'cpu', options, ...overrides };
  };

  beforeAll(async () => {
    ({ port1, port2 } = new MessageChannel());
    serveEngine(port2 as unknown as EngineScope, { crossOriginIsolated: false, wasmThreads: false });
    client = createEngineClient(port1 as unknown as Worker);
    port1.start();
    port2.start();
    cube = brainCube(CUBE);
    const artifacts = await readModelFolder(model5Dir);
    files = { modelJson: Uint8Array.from(artifacts.modelJsonBytes!), weights: artifacts.weights }; // a copy: a Node Buffer's slice() is a view
    const box: Box = inputBoxOnModelGrid(cube, resolveSpec(artifacts));
    options = { region: box, patchSize: 16, overlap: 0.25, blend: 'gaussian' };
  });

  afterAll(() => {
    client.close();
    port1.close();
    port2.close();
  });

  it('runs, transfers the buffers both ways, reports progress and leaks no tensor', async () => {
    const req = input({ outputs: { labelsNifti: true } });
    const progress: { phase: string; done: number; total: number }[] = [];
    const running = client.run(req, { onProgress: (p) => progress.push(p) });
    expect(req.image.byteLength).toBe(0);
    expect((req.model.modelJson as ArrayBuffer).byteLength).toBe(0);
    expect(Object.values(req.model.weights).every((b) => b.byteLength === 0)).toBe(true);
    const r = await running;
    expect(r.backend).toMatchObject({ name: 'cpu', reason: 'chosen by the user', fallbacks: [], probes: [] });
    expect(r.model.source).toBe('known-model'); // recognised by its full hash: model.json went as bytes
    expect(r.labels.shape).toEqual([CUBE, CUBE, CUBE]);
    expect(r.labels.data).toBeInstanceOf(Uint8Array);
    expect(r.probabilities!.shape).toEqual([CUBE, CUBE, CUBE, 3]);
    expect(r.probabilities!.data).toBeInstanceOf(Float32Array);
    expect(r.coverage!.count.shape).toEqual([CUBE, CUBE, CUBE]);
    expect(readNifti(r.labelsNifti!).shape).toEqual([CUBE, CUBE, CUBE]);
    expect(r.windows).toBe(8);
    expect(r.consistency!.accumulator.shape).toEqual([16, 16, 16, 2]);
    expect(r.consistency!.accumulator.sum).toBeInstanceOf(Float64Array);
    expect(r.worker.tensorsAfter).toBe(r.worker.tensorsBefore);
    expect(progress[0]).toMatchObject({ phase: 'prepare', done: 0, total: 1 });
    expect(progress.filter((p) => p.phase === 'model').at(-1)).toMatchObject({ done: 8, total: 8 });
    expect(client.pending).toBe(0);
  });

  it('keeps the buffers with transfer: false', async () => {
    const req = input({ outputs: { probabilities: false, coverage: false } });
    const r = await client.run(req, { transfer: false });
    expect(req.image.byteLength).toBeGreaterThan(0);
    expect(r.probabilities).toBeNull();
    expect(r.coverage).toBeNull();
  });

  it('cancels a run right after it started, and one in its model phase, with code aborted', async () => {
    const a = new AbortController();
    const first = client.run(input(), { signal: a.signal });
    a.abort();
    await expect(first).rejects.toMatchObject({ name: 'EngineError', code: 'aborted' });

    const b = new AbortController();
    const seen: number[] = [];
    const second = client.run(input(), {
      signal: b.signal,
      onProgress: (p) => {
        if (p.phase !== 'model') return;
        seen.push(p.done);
        b.abort();
      },
    });
    const error = await second.catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect(Math.max(...seen)).toBeLessThan(8);
    // The worker goes on serving, and the cancelled runs disposed their tensors.
    const after = await client.run(input());
    expect(after.worker.tensorsAfter).toBe(after.worker.tensorsBefore);
  });

  it('rejects an already aborted signal without posting', async () => {
    const req = input();
    await expect(client.run(req, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'aborted' });
    expect(req.image.byteLength).toBeGreaterThan(0);
  });

  it('reports failures with their codes', async () => {
    await expect(client.run(input({ image: new ArrayBuffer(64) }))).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(client.run(input({ backend: 'webgl' }))).rejects.toMatchObject({ code: 'backend-unavailable' });
    const bad = input();
    bad.model.modelJson = '{ not json';
    await expect(client.run(bad)).rejects.toMatchObject({ code: 'invalid-model' });
    const noShard = input();
    noShard.model.weights = {};
    await expect(client.run(noShard)).rejects.toMatchObject({ code: 'invalid-model' });
    await expect(client.run(input({ options: { ...options, patchSize: [16, 16] } }))).rejects.toMatchObject({ code: 'inference-failed' });
    const e = await client.run(input({ backend: 'tpu' as never })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EngineError);
    expect(e).toMatchObject({ code: 'invalid-request', message: expect.stringMatching(/backend must be one of/) });
  });

  it('validates the test-only debug options; off webgl, a context-loss fault only warns', async () => {
    const invalid = async (debug: unknown, message: RegExp) =>
      expect(client.run(input({ debug: debug as never }))).rejects.toMatchObject({ code: 'invalid-request', message: expect.stringMatching(message) });
    await invalid('lose', /debug must be an object, got "lose"/);
    await invalid({ loseWebglContextAfterWindows: -1 }, /debug\.loseWebglContextAfterWindows must be a non-negative integer, got -1/);
    await invalid({ loseWebglContextAfterWindows: 1.5 }, /must be a non-negative integer, got 1\.5/);
    await invalid({ loseWebglContextAfterWindows: 1, loseWebglContextDuring: 'upload' }, /debug\.loseWebglContextDuring must be "between-batches" or "read-back", got "upload"/);
    await invalid({ loseWebglContextDuring: 'read-back' }, /debug\.loseWebglContextDuring needs debug\.loseWebglContextAfterWindows/);
    await invalid({ crashAfter: 1 }, /debug\.crashAfter is not a debug option \(loseWebglContextAfterWindows, loseWebglContextDuring\)/);
    const r = await client.run(input({ debug: { loseWebglContextAfterWindows: 2 }, outputs: { probabilities: false, coverage: false } }));
    expect(r.backend).toMatchObject({ name: 'cpu', fallbacks: [] });
    expect(r.warnings).toContain('debug.loseWebglContextAfterWindows: the run was on cpu, not webgl, at window 2; no context was lost');
    expect(r.worker.tensorsAfter).toBe(r.worker.tensorsBefore);
  });

  it('answers a malformed message with invalid-request', async () => {
    const answer = new Promise<EngineResponse>((resolve) => {
      const listener = (event: MessageEvent<EngineResponse>) => {
        if (event.data.id !== 777) return;
        port1.removeEventListener('message', listener as never);
        resolve(event.data);
      };
      port1.addEventListener('message', listener as never);
    });
    port1.postMessage({ type: 'run', id: 777, protocol: 1, image: 'not bytes' });
    expect(await answer).toMatchObject({ type: 'error', id: 777, error: { code: 'invalid-request', message: expect.stringMatching(/image must be an ArrayBuffer/) } });
  });
});
