import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planWindows } from '../../../shared/stitching/planWindows';
import { decodeValues, defaultCacheEncoding, PredictionCollector } from '../../../shared/reevaluate/predictionCache';
import { decodePredictionCache, encodePredictionCache } from '../../../shared/reevaluate/cacheCodec';
import { runWithCache, scene3d } from './fakeRun';

describe('PredictionCollector (fills a cache as runOnGrid predicts)', () => {
  it('stores every window before stitching, in plan order, in the chosen encoding', async () => {
    const { image, labels } = await scene3d([10, 9, 8]);
    const exact = await runWithCache(image, labels, 'float32', { patchSize: 6, overlap: 0.5, batchSize: 3 });
    const u8 = await runWithCache(image, labels, 'uint8', { patchSize: 6, overlap: 0.5, batchSize: 3 });
    const f16 = await runWithCache(image, labels, 'float16', { patchSize: 6, overlap: 0.5, batchSize: 3 });
    const windows = exact.run.plan.windows.length;
    expect(exact.cache.probabilities).toBeInstanceOf(Float32Array);
    expect(exact.cache.probabilities).toHaveLength(windows * 216 * 3);
    expect(u8.cache.probabilities).toBeInstanceOf(Uint8Array);
    expect(f16.cache.probabilities).toBeInstanceOf(Uint16Array);
    expect(exact.cache.geometry).toEqual({ shape: [10, 9, 8], patchSize: [6, 6, 6], paddedShape: [10, 9, 8], padLow: [0, 0, 0], starts: exact.run.plan.starts });
    expect(exact.cache.classes).toBe(3);
    // uint8 is round(p·255); float16 within half a unit in the last place (2⁻¹² relative)
    const n = exact.cache.probabilities.length;
    const q = new Float32Array(n);
    const h = new Float32Array(n);
    decodeValues(u8.cache, 0, n, q);
    decodeValues(f16.cache, 0, n, h);
    for (let i = 0; i < n; i += 97) {
      const p = exact.cache.probabilities[i] as number;
      expect(u8.cache.probabilities[i]).toBe(Math.round(p * 255));
      expect(Math.abs(q[i] - p)).toBeLessThanOrEqual(1 / 510 + 1e-7);
      expect(Math.abs(h[i] - p)).toBeLessThanOrEqual(Math.max(p * 2 ** -11, 2 ** -25));
    }
    // the stitched labels are the run's argmax
    expect(exact.cache.labels).toHaveLength(720);
    expect(Math.max(...exact.cache.labels)).toBeLessThan(3);
  });

  it('picks float16 for cross-entropy and uint8 for the linear measures', () => {
    expect(defaultCacheEncoding('crossEntropy')).toBe('float16');
    expect(defaultCacheEncoding('absoluteError')).toBe('uint8');
    expect(defaultCacheEncoding('diceError')).toBe('uint8');
    expect(new PredictionCollector({ measure: 'crossEntropy' }).encoding).toBe('float16');
    expect(new PredictionCollector().encoding).toBe('uint8');
  });

  it('names what is wrong', () => {
    const plan = planWindows([4, 4], { patchSize: 2, overlap: 0 });
    const c = new PredictionCollector();
    expect(() => c.finish(new Uint8Array(16))).toThrow("PredictionCollector.finish: no window was added (pass collector.add as runOnGrid's onPrediction)");
    c.add(new Float32Array(8).fill(0.5), [plan.windows[0]], plan);
    expect(() => c.add(new Float32Array(8).fill(0.5), [plan.windows[0]], plan)).toThrow('PredictionCollector.add: window 0 was added twice');
    expect(() => c.add(new Float32Array(8).fill(1.5), [plan.windows[1]], plan)).toThrow('PredictionCollector.add: window 1 has the value 1.5 outside [0, 1]; a uint8 cache holds probabilities (use float32 for other outputs)');
    expect(() => c.finish(new Uint8Array(16))).toThrow(/PredictionCollector.finish: window 1 of 4 was never added/);
    expect(() => new PredictionCollector({ encoding: 'int4' as 'uint8' })).toThrow('PredictionCollector: encoding must be one of uint8, float16, float32, got "int4"');
    for (const w of plan.windows.slice(1)) c.add(new Float32Array(8).fill(0.25), [w], plan);
    expect(() => c.finish(new Uint8Array(15))).toThrow('PredictionCollector.finish: labels must be a Uint8Array of 16 voxels (shape [4,4]), got 15');
    expect(c.finish(new Uint8Array(16)).probabilities).toEqual(Uint8Array.from([...new Array(8).fill(128), ...new Array(24).fill(64)]));
  });
});

describe('encodePredictionCache / decodePredictionCache', () => {
  it('round-trips every encoding exactly, with an aligned payload after a small header', async () => {
    const { image, labels } = await scene3d([9, 7, 5]);
    for (const encoding of ['uint8', 'float16', 'float32'] as const) {
      const { cache } = await runWithCache(image, labels, encoding, { patchSize: 6, overlap: 0.5 });
      const bytes = encodePredictionCache(cache);
      const width = { uint8: 1, float16: 2, float32: 4 }[encoding];
      const header = bytes.length - cache.probabilities.length * width - cache.labels.length;
      expect(header % 8).toBe(0);
      expect(header).toBeLessThan(400);
      expect(String.fromCharCode(...bytes.subarray(0, 8))).toBe('PLPCACHE');
      expect(decodePredictionCache(bytes)).toEqual(cache);
      // a copy at an odd offset decodes as well
      const shifted = new Uint8Array(bytes.length + 1);
      shifted.set(bytes, 1);
      expect(decodePredictionCache(shifted.subarray(1))).toEqual(cache);
    }
  });

  it('refuses damaged bytes, naming what does not fit', async () => {
    const { image, labels } = await scene3d([9, 7, 5]);
    const { cache } = await runWithCache(image, labels, 'uint8', { patchSize: 6, overlap: 0.5 });
    const bytes = encodePredictionCache(cache);
    const headerLength = new DataView(bytes.buffer).getUint32(8, true);
    const withHeader = (edit: (h: Record<string, unknown>) => void) => {
      const h = JSON.parse(String.fromCharCode(...bytes.subarray(12, 12 + headerLength)));
      edit(h);
      const json = JSON.stringify(h);
      const start = Math.ceil((12 + json.length) / 8) * 8;
      const payload = bytes.subarray(Math.ceil((12 + headerLength) / 8) * 8);
      const out = new Uint8Array(start + payload.length);
      out.set(bytes.subarray(0, 8));
      new DataView(out.buffer).setUint32(8, json.length, true);
      for (let i = 0; i < json.length; i++) out[12 + i] = json.charCodeAt(i);
      out.set(payload, start);
      return out;
    };
    expect(() => decodePredictionCache(bytes.subarray(0, 5))).toThrow('decodePredictionCache: 5 bytes are too few for a prediction cache');
    expect(() => decodePredictionCache(Uint8Array.from(bytes, (b, i) => (i === 0 ? 0 : b)))).toThrow('decodePredictionCache: not a prediction cache (the first bytes are not "PLPCACHE")');
    expect(() => decodePredictionCache(bytes.subarray(0, bytes.length - 1))).toThrow(/^decodePredictionCache: expected \d+ bytes in all, got \d+ \(truncated or padded\?\)/);
    expect(() => decodePredictionCache(withHeader((h) => (h.version = 2)))).toThrow('decodePredictionCache: version 2 is not supported (this build reads version 1)');
    expect(() => decodePredictionCache(withHeader((h) => (h.encoding = 'int4')))).toThrow('decodePredictionCache: encoding must be one of uint8, float16, float32, got "int4"');
    expect(() => decodePredictionCache(withHeader((h) => (h.windows = 3)))).toThrow(/^decodePredictionCache: windows is 3 but the starts give \d+/);
    expect(() => decodePredictionCache(withHeader((h) => (h.classes = 2)))).toThrow(/^decodePredictionCache: probabilityBytes is \d+, expected \d+ for \d+ windows of \[6,6,6\] × 2 classes in uint8/);
    expect(() => decodePredictionCache(withHeader((h) => (h.patchSize = [6, 0, 5])))).toThrow('decodePredictionCache: patchSize[1] must be a positive integer, got 0');
    const badLabel = Uint8Array.from(bytes);
    badLabel[bytes.length - 1] = 7;
    expect(() => decodePredictionCache(badLabel)).toThrow(`decodePredictionCache: label 7 at voxel ${9 * 7 * 5 - 1} is not a class of a 3-class model`);
  });
});

describe('docs/reevaluation.md', () => {
  it('states the cache sizes the plans give (demo and 256³ brainchop run)', () => {
    const md = readFileSync(resolve(__dirname, '../../../docs/reevaluation.md'), 'utf8');
    const demo = planWindows([91, 109, 91], { patchSize: 24, overlap: 0.5 });
    const brainchop = planWindows([256, 256, 256], { patchSize: 64, overlap: 0.5 });
    const row = (plan: typeof demo, classes: number) => {
      const values = plan.windows.length * plan.patchSize.reduce((a, b) => a * b, 1) * classes;
      const mb = (bytes: number) => `${(bytes / 1e6).toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MB`;
      return `| ${plan.windows.length} (${plan.starts.map((s) => s.length).join('×')}) | ${values.toLocaleString('en-US')} | ${mb(values)} | ${mb(2 * values)} | ${mb(4 * values)} | ${mb(plan.shape.reduce((a, b) => a * b, 1))} |`;
    };
    expect(md).toContain(row(demo, 2));
    expect(md).toContain(row(brainchop, 3));
  });
});
