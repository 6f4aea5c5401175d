/**
 * The page's collection of per-window predictions (collectPredictions) and the engine request's
 * `predictions` field (validateRequest): what the page sends for a plan, and why it sends none.
 */
import { describe, expect, it } from 'vitest';
import { planWindows } from '../../../shared/stitching/planWindows';
import { collectPredictions } from '../../../src-renderer/engine/collectPredictions';
import { ENGINE_PROTOCOL_VERSION } from '../../../src-renderer/engine/protocol';
import { validateRequest } from '../../../src-renderer/engine/validateRequest';

// 6×4×4 with 4³ windows, overlap 0.5: starts [0, 2] × [0] × [0] → 2 windows of 64 voxels × 2 classes.
const plan = planWindows([6, 4, 4], { patchSize: [4, 4, 4], overlap: 0.5 });
/** One window's probabilities: p(class 1) = `p` everywhere. */
const window = (p: number) => Float32Array.from({ length: 128 }, (_, i) => (i % 2 ? p : 1 - p));

describe('collectPredictions', () => {
  it('collects every window in the encoding: the values, classes and the plan\'s geometry', () => {
    const c = collectPredictions({ encoding: 'uint8', maxBytes: 256 });
    c.onPrediction(window(1), [plan.windows[1]], plan);
    c.onPrediction(window(0.2), [plan.windows[0]], plan);
    const r = c.result();
    expect('values' in r && r.values instanceof Uint8Array).toBe(true);
    if (!('values' in r)) return;
    expect({ ...r, values: null }).toEqual({ encoding: 'uint8', classes: 2, geometry: { shape: [6, 4, 4], patchSize: [4, 4, 4], paddedShape: [6, 4, 4], padLow: [0, 0, 0], starts: [[0, 2], [0], [0]] }, values: null });
    // Window 0 first (plan order): round(0.8·255) = 204 and round(0.2·255) = 51, then 0 and 255.
    expect(Array.from(r.values.subarray(0, 2))).toEqual([204, 51]);
    expect(Array.from(r.values.subarray(128, 130))).toEqual([0, 255]);
    expect(r.values.length).toBe(256);
  });

  it('float16 as half bits', () => {
    const c = collectPredictions({ encoding: 'float16', maxBytes: 512 });
    c.onPrediction(Float32Array.from([...window(0.5), ...window(1)]), plan.windows, plan);
    const r = c.result();
    if (!('values' in r)) throw new Error(r.absent);
    expect(r.values).toBeInstanceOf(Uint16Array);
    expect(Array.from(r.values.subarray(0, 2))).toEqual([0x3800, 0x3800]);
    expect(Array.from(r.values.subarray(128, 130))).toEqual([0, 0x3c00]);
  });

  it('none, with the reason: more than maxBytes, a value that is no probability, a window missing, no window at all', () => {
    const big = collectPredictions({ encoding: 'float16', maxBytes: 511 });
    big.onPrediction(window(0.5), [plan.windows[0]], plan);
    expect(big.result()).toEqual({ absent: "its 2 windows' predictions take 512 bytes as float16, more than the 511 main allows for this run" });

    const bad = collectPredictions({ encoding: 'uint8', maxBytes: 256 });
    bad.onPrediction(window(1.5), [plan.windows[0]], plan);
    bad.onPrediction(window(0.5), [plan.windows[1]], plan);
    expect(bad.result()).toEqual({ absent: expect.stringMatching(/^collecting its per-window predictions failed: PredictionCollector.add: window 0 has the value -0.5 outside \[0, 1\]/) });

    const partial = collectPredictions({ encoding: 'uint8', maxBytes: 256 });
    partial.onPrediction(window(0.5), [plan.windows[0]], plan);
    expect(partial.result()).toEqual({ absent: 'its per-window predictions are incomplete: PredictionCollector.finish: window 1 of 2 was never added' });

    expect(collectPredictions({ encoding: 'uint8', maxBytes: 256 }).result()).toEqual({ absent: 'the run predicted no window' });
  });
});

describe('validateRequest: predictions', () => {
  const run = (predictions: unknown) => ({ type: 'run', id: 1, protocol: ENGINE_PROTOCOL_VERSION, image: new ArrayBuffer(8), model: { modelJson: '{}', weights: {} }, predictions });

  it('takes { encoding, maxBytes } and refuses anything else, naming the field', () => {
    expect(validateRequest(run({ encoding: 'uint8', maxBytes: 10 }))).toMatchObject({ predictions: { encoding: 'uint8', maxBytes: 10 } });
    expect(() => validateRequest(run({ encoding: 'int8', maxBytes: 10 }))).toThrow('validateRequest: predictions.encoding must be one of uint8, float16, float32, got "int8"');
    expect(() => validateRequest(run({ encoding: 'uint8', maxBytes: -1 }))).toThrow('validateRequest: predictions.maxBytes must be a non-negative integer, got -1');
    expect(() => validateRequest(run({ encoding: 'uint8', maxBytes: 1, labels: true }))).toThrow('validateRequest: predictions.labels is not a field (encoding, maxBytes)');
    expect(() => validateRequest(run('uint8'))).toThrow('validateRequest: predictions must be an object, got "uint8"');
  });
});
