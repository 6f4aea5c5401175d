import { describe, expect, it } from 'vitest';
import type { ModelRunner } from '../../../shared/engine/inference/modelRunner';
import type { NdArray } from '../../../shared/index';
import { mirrorRunner } from '../../../shared/sweep/mirrorRunner';

/**
 * A 2-class model that is not flip-invariant: p(class 1) at voxel (z, y, x) depends on the input
 * there and on the position (z + 2y + 3x) / size, so a flipped input gives a different answer.
 */
function skewed(): ModelRunner & { seen: number[][] } {
  const seen: number[][] = [];
  return {
    classes: 2,
    channels: 1,
    seen,
    backend: () => ({ name: 'test', fallbacks: [] }),
    async predict(batch: NdArray<Float32Array>) {
      seen.push(Array.from(batch.data.slice(0, 3)));
      const [b, d, h, w] = batch.shape;
      const out = new Float32Array(b * d * h * w * 2);
      for (let k = 0; k < b; k++)
        for (let z = 0; z < d; z++)
          for (let y = 0; y < h; y++)
            for (let x = 0; x < w; x++) {
              const v = ((k * d + z) * h + y) * w + x;
              const p = 0.5 * batch.data[v] + (0.5 * (z + 2 * y + 3 * x)) / (d + 2 * h + 3 * w);
              out[2 * v] = 1 - p;
              out[2 * v + 1] = p;
            }
      return out;
    },
  };
}

describe('mirrorRunner (mirroring test-time augmentation)', () => {
  const shape = [2, 2, 3, 4, 1];
  const n = 2 * 2 * 3 * 4;
  const batch = { data: Float32Array.from({ length: n }, (_, i) => (i * 7) % 5 / 5), shape };

  it('averages the flipped-back predictions of every flip combination', async () => {
    const base = skewed();
    const tta = mirrorRunner(base);
    expect(tta.flips).toBe(8);
    const copy = Float32Array.from(batch.data);
    const out = await tta.predict(batch, 0);
    expect(base.seen).toHaveLength(8);
    expect(Array.from(batch.data)).toEqual(Array.from(copy)); // the input is not mutated
    // Expected: p = 0.5·input + 0.5·mean over flips of the flipped position term. Along an axis of
    // size s, the position term averages (i + (s−1−i))/2 = (s−1)/2 over the flip and its identity,
    // so the average over all 8 combinations is independent of the position.
    const [, d, h, w] = shape;
    const norm = d + 2 * h + 3 * w;
    const pos = ((d - 1) / 2 + (2 * (h - 1)) / 2 + (3 * (w - 1)) / 2) / norm;
    for (let v = 0; v < n; v++) expect(out[2 * v + 1]).toBeCloseTo(0.5 * batch.data[v] + 0.5 * pos, 5);
    // and it differs from the unmirrored model (which is not flip-invariant)
    const plain = await skewed().predict(batch, 0);
    expect(Math.abs(plain[1] - out[1])).toBeGreaterThan(0.05);
    // probabilities still sum to 1
    for (let v = 0; v < n; v++) expect(out[2 * v] + out[2 * v + 1]).toBeCloseTo(1, 5);
  });

  it('mirrors only the axes asked for, and flips back exactly', async () => {
    const base = skewed();
    const tta = mirrorRunner(base, { axes: [2] });
    expect(tta.flips).toBe(2);
    const out = await tta.predict(batch, 0);
    expect(base.seen).toHaveLength(2);
    // manual: average of f(x) and flipX(f(flipX(x)))
    const [b, d, h, w] = shape;
    const flipX = (a: Float32Array, c: number) => {
      const o = new Float32Array(a.length);
      for (let k = 0; k < b * d * h; k++) for (let x = 0; x < w; x++) for (let q = 0; q < c; q++) o[(k * w + (w - 1 - x)) * c + q] = a[(k * w + x) * c + q];
      return o;
    };
    const m = skewed();
    const a = await m.predict(batch, 0);
    const f = flipX(await m.predict({ data: flipX(batch.data, 1), shape }, 0), 2);
    for (let i = 0; i < out.length; i++) expect(out[i]).toBeCloseTo((a[i] + f[i]) / 2, 6);
  });

  it('is cancellable between flips and validates its arguments', async () => {
    const controller = new AbortController();
    const base = skewed();
    const slow: ModelRunner = { ...base, predict: async (bt, fw, s) => (controller.abort(new Error('stop')), base.predict(bt, fw, s)) };
    await expect(mirrorRunner(slow).predict(batch, 0, controller.signal)).rejects.toThrow('stop');
    expect(base.seen).toHaveLength(1);
    expect(() => mirrorRunner(base, { axes: [0, 0] })).toThrow(/axes must be distinct/);
    await expect(mirrorRunner(base, { axes: [3] }).predict(batch, 0)).rejects.toThrow(/axis 3 does not exist in a batch with 3 spatial axes/);
  });
});
