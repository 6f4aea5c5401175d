// The CLI's and the app's per-machine backend probe cache (src-node/probeCache.ts): a choice is
// reused on the same machine only when it was measured by the current probe method. Before, a
// choice of the old back-to-back median probe (cpu at 73.8 ms against wasm's 85.8 ms, measured
// under load) was reused for good, and the demo ran on cpu, 2.8× slower.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROBE_METHOD, type BackendChoice } from '../../shared/engine/backend/selectBackend';
import { fileProbeCache } from '../../src-node/probeCache';

const dir = mkdtempSync(join(tmpdir(), 'patchlens-probe-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const choice: BackendChoice = { name: 'wasm', reason: 'fastest', probes: [{ name: 'wasm', ms: 10 }, { name: 'cpu', ms: 28 }], probedAt: '2026-12-07T00:00:00.000Z' };

describe('fileProbeCache', () => {
  it('gives back what it saved, with the probe method beside it', () => {
    const path = join(dir, 'a', 'backend-probe.json');
    const cache = fileProbeCache(path);
    expect(cache.load()).toBeUndefined();
    cache.save(choice);
    expect(cache.load()).toEqual(choice);
    expect(JSON.parse(readFileSync(path, 'utf8')).method).toBe(PROBE_METHOD);
  });

  it('drops a choice measured by another probe method (or by the old probe, which recorded none)', () => {
    const path = join(dir, 'b.json');
    const cache = fileProbeCache(path);
    cache.save(choice);
    const saved = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ machine: saved.machine, choice: { ...choice, name: 'cpu' } }));
    expect(cache.load()).toBeUndefined();
    writeFileSync(path, JSON.stringify({ ...saved, method: 'conv3d-layer median of 3' }));
    expect(cache.load()).toBeUndefined();
  });

  it('drops a choice of another machine', () => {
    const path = join(dir, 'c.json');
    const cache = fileProbeCache(path);
    cache.save(choice);
    const saved = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...saved, machine: 'another | cpu | 64 | v22.0.0 | arm64' }));
    expect(cache.load()).toBeUndefined();
  });
});
