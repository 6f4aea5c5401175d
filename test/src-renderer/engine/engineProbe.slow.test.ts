/**
 * The engine worker's `probe` request without a browser: the real client and message loop over a
 * MessageChannel (cpu only in Node). The same request in Chromium's Worker is exercised by
 * test/e2e/pageCompute.e2e.test.ts (the page's offer).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from '../../helpers/sharedData';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineClient, type EngineClient } from '../../../src-renderer/engine/engineClient';
import { EngineError } from '../../../src-renderer/engine/EngineError';
import type { EngineResponse } from '../../../src-renderer/engine/protocol';
import { validateRequest } from '../../../src-renderer/engine/validateRequest';
import { engineChannel } from '../compute/engineChannel';

const demo = resolve(repoRoot, 'demo');

describe('engine probe request', { timeout: 60_000 }, () => {
  let worker: Worker;
  let client: EngineClient;

  beforeAll(() => {
    worker = engineChannel();
    client = createEngineClient(worker);
  });
  afterAll(() => {
    client.close();
    worker.terminate();
  });

  it('validates the probe request', () => {
    expect(validateRequest({ type: 'probe', id: 3 })).toEqual({ type: 'probe', id: 3 });
    expect(validateRequest({ type: 'probe', id: 3, fresh: true })).toEqual({ type: 'probe', id: 3, fresh: true });
    expect(() => validateRequest({ type: 'probe', id: 3, fresh: 'yes' })).toThrow(/validateRequest: fresh must be a boolean/);
    expect(() => validateRequest({ type: 'probe', id: -1 })).toThrow(/id must be a non-negative integer/);
    expect(() => validateRequest({ type: 'measure', id: 1 })).toThrow(/type must be "run", "cancel" or "probe"/);
    expect(validateRequest({ type: 'probe', id: 4, quick: true })).toEqual({ type: 'probe', id: 4, quick: true });
    expect(() => validateRequest({ type: 'probe', id: 4, quick: 1 })).toThrow(/validateRequest: quick must be a boolean/);
  });

  it('quick: without a hardware WebGL it answers at once, measuring nothing', async () => {
    // Node has no OffscreenCanvas, so no WebGL: the answer comes from that alone.
    const p = await client.probe({ quick: true });
    expect(p.choice).toBe('wasm');
    expect(p.probes).toEqual([{ name: 'webgl', error: 'no WebGL in this worker' }]);
    expect(p.reason).toBe('no WebGL in this worker; wasm assumed (not measured)');
  });

  it('measures every backend without a model and answers the auto choice', async () => {
    const p = await client.probe();
    expect(p.probes.map((x) => x.name)).toEqual(['webgl', 'wasm', 'cpu']);
    expect(p.probes[0].error).toMatch(/webgl backend is not registered/);
    expect(p.probes[1].error).toMatch(/wasm backend is not registered/);
    expect(p.probes[2].ms).toBeGreaterThan(0);
    expect(p.choice).toBe('cpu');
    expect(p.reason).toMatch(/fastest in a Conv3D-layer probe \(best of 5 interleaved runs\): cpu \d/);
    expect(Date.parse(p.probedAt!)).toBeGreaterThan(Date.now() - 60_000);
    // The worker keeps its probe (a run's auto reuses it) unless asked for a fresh one.
    const again = await client.probe();
    expect(again.probedAt).toBe(p.probedAt);
    expect(again.reason).toMatch(/cached probe/);
    const fresh = await client.probe({ fresh: true });
    expect(fresh.reason).not.toMatch(/cached/);
    expect(fresh.probes[2].ms).toBeGreaterThan(0);
    expect(client.pending).toBe(0);
  });

  it('queues a probe behind a run (a probe switches the backend)', async () => {
    const model = join(demo, 'model');
    const order: string[] = [];
    const run = client
      .run({
        image: readFileSync(join(demo, 'data/ch2-2mm_t1.nii.gz')).buffer.slice(0) as ArrayBuffer,
        model: {
          modelJson: Uint8Array.from(readFileSync(join(model, 'model.json'))).buffer,
          weights: { 'group1-shard1of1.bin': Uint8Array.from(readFileSync(join(model, 'group1-shard1of1.bin'))).buffer },
          sidecar: JSON.parse(readFileSync(join(model, 'patchlens.json'), 'utf8')),
        },
        backend: 'cpu',
        options: { patchSize: 48, overlap: 0, blend: 'constant' },
        outputs: { probabilities: false, coverage: false },
      })
      .then((r) => order.push(`run ${r.backend.name}`));
    const probe = client.probe().then((p) => order.push(`probe ${p.choice}`));
    await Promise.all([run, probe]);
    expect(order).toEqual(['run cpu', 'probe cpu']);
  });

  it('answers a bad probe with an invalid-request error of its id, and the client rejects a closed probe', async () => {
    const got = new Promise<EngineResponse>((done) => worker.addEventListener('message', (e) => (e as MessageEvent<EngineResponse>).data.id === 999 && done((e as MessageEvent<EngineResponse>).data)));
    worker.postMessage({ type: 'probe', id: 999, fresh: 1 });
    const msg = await got;
    expect(msg).toMatchObject({ type: 'error', id: 999, error: { code: 'invalid-request' } });
    const closed = createEngineClient(engineChannel());
    closed.close();
    await expect(closed.probe()).rejects.toBeInstanceOf(EngineError);
  });
});
