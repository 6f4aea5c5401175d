import { describe, expect, it } from 'vitest';
import { runOnGrid, type InferenceProgress } from '../../../../shared/engine/inference/runOnGrid';
import type { ModelRunner } from '../../../../shared/engine/inference/modelRunner';
import { consistencyMap } from '../../../../shared/engine/inference/consistency';
import type { NdArray } from '../../../../shared/index';

/**
 * A 2-class 2-D "model" whose receptive field is cut off at the patch border: the foreground
 * probability is a sigmoid of the mean of a (2r+1)² box around the voxel, zero-padded at the
 * patch border. The reference labels are what it says with full context.
 */
function boxModel(r: number): ModelRunner & { calls: number } {
  return {
    classes: 2,
    channels: 1,
    calls: 0,
    backend: () => ({ name: 'test', fallbacks: [] }),
    async predict(batch: NdArray<Float32Array>) {
      this.calls++;
      const [b, h, w] = batch.shape;
      const out = new Float32Array(b * h * w * 2);
      for (let k = 0; k < b; k++)
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) {
            let s = 0;
            for (let dy = -r; dy <= r; dy++)
              for (let dx = -r; dx <= r; dx++) {
                const yy = y + dy;
                const xx = x + dx;
                if (yy >= 0 && yy < h && xx >= 0 && xx < w) s += batch.data[(k * h + yy) * w + xx];
              }
            const p = 1 / (1 + Math.exp(-40 * (s / (2 * r + 1) ** 2 - 0.5)));
            const v = (k * h + y) * w + x;
            out[2 * v] = 1 - p;
            out[2 * v + 1] = p;
          }
      return out;
    },
  };
}

function scene(h: number, w: number): { image: NdArray<Float32Array>; labels: Int32Array } {
  const data = new Float32Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = Math.sin(x / 9) * Math.cos(y / 11) > 0 ? 1 : 0;
  return { image: { data, shape: [h, w, 1] }, labels: new Int32Array(h * w) };
}

describe('runOnGrid (sliding-window inference with the maps on the side)', () => {
  it('measures the patch border effect, coverage and consistency', async () => {
    const { image, labels } = scene(48, 48);
    // reference = the model with full context (one window over everything, argmax)
    const full = await boxModel(3).predict({ data: image.data, shape: [1, 48, 48, 1] }, 0);
    for (let v = 0; v < labels.length; v++) labels[v] = full[2 * v + 1] > 0.5 ? 1 : 0;

    const progress: InferenceProgress[] = [];
    const runner = boxModel(3);
    const r = await runOnGrid(image, labels, runner, {
      patchSize: 16,
      overlap: 0.5,
      blend: 'gaussian',
      measure: 'absoluteError',
      batchSize: 3,
      onProgress: (p) => progress.push(p),
    });
    expect(r.plan.windows).toHaveLength(25);
    expect(runner.calls).toBe(9);
    expect(r.probabilities).toHaveLength(48 * 48 * 2);
    // patch performance: the outer ring of the patch is worse than its centre
    const map = r.performance!.map();
    const ring = (d: number) => {
      let s = 0;
      let n = 0;
      for (let y = 0; y < 16; y++)
        for (let x = 0; x < 16; x++)
          if (Math.min(y, x, 15 - y, 15 - x) === d) {
            s += map[y * 16 + x];
            n++;
          }
      return s / n;
    };
    // the model lacks context within r = 3 voxels of the patch border: the error falls with the
    // distance to the border and is small from d = 3 inward
    expect(ring(0)).toBeGreaterThan(ring(1));
    expect(ring(1)).toBeGreaterThan(ring(2));
    expect(ring(2)).toBeGreaterThan(ring(3));
    expect(ring(0)).toBeGreaterThan(10 * Math.max(ring(4), ring(5), ring(6), ring(7)));
    expect(r.performance!.accumulator.count).toBe(25);
    // coverage: corners 1 window, the centre 4
    expect(r.coverage.count[0]).toBe(1);
    expect(r.coverage.count[24 * 48 + 24]).toBe(4);
    expect(r.coverage.weight[24 * 48 + 24]).toBeGreaterThan(0);
    // consistency: windows disagree most at their border
    const c = consistencyMap(r.consistency!);
    expect(c[0]).toBeGreaterThan(c[7 * 16 + 7]);
    // progress: windows done with an ETA
    expect(progress.at(-1)).toMatchObject({ phase: 'model', done: 25, total: 25, etaMs: 0 });
    expect(r.modelMs).toBeGreaterThan(0);
  });

  it('a single whole window has no border effect and no consistency map', async () => {
    const { image, labels } = scene(20, 24);
    const r = await runOnGrid(image, labels, boxModel(2), { patchSize: 'whole' });
    expect(r.plan.windows).toHaveLength(1);
    expect(r.consistency).toBeNull();
    expect(r.consistencySkipped).toMatch(/single window/);
  });

  it('names what is wrong: channels, patch larger than the image with padding off', async () => {
    const { image } = scene(20, 20);
    await expect(runOnGrid({ data: new Float32Array(800), shape: [20, 20, 2] }, null, boxModel(1), { patchSize: 8 })).rejects.toThrow(
      /the model takes 1 input channel\(s\) but the image has 2/,
    );
    await expect(runOnGrid(image, null, boxModel(1), { patchSize: 32, padMode: 'none' })).rejects.toThrow(
      /patch 32 is larger than image axis 0 \(20 voxels\) and padding is off/,
    );
    const padded = await runOnGrid(image, null, boxModel(1), { patchSize: 32 });
    expect(padded.probabilities).toHaveLength(20 * 20 * 2);
  });

  it('diceError and crossEntropy measures, foreground mode', async () => {
    const { image, labels } = scene(32, 32);
    labels.fill(1, 0, 512);
    for (const measure of ['diceError', 'crossEntropy'] as const) {
      const r = await runOnGrid(image, labels, boxModel(1), { patchSize: 16, overlap: 0, measure, labelMode: 'foreground' });
      const m = r.performance!.map();
      expect(m).toHaveLength(256);
      expect(m.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    }
  });
});
