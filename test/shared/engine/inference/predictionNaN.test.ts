// NaN / ±Infinity in a prediction is an error naming the window, never a result.
// Before the fix runOnGrid stitched NaN into the probabilities and resolved: these tests failed
// with "promise resolved instead of rejecting" (checked against a copy of HEAD).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelRunner } from '../../../../shared/engine/inference/modelRunner';
import { runOnGrid } from '../../../../shared/engine/inference/runOnGrid';
import { loadModel } from '../../../../shared/engine/model/index';
import type { NdArray } from '../../../../shared/index';
import { readModelFolder } from '../../../../src-node/readModelFolder';
import { DEMO_MODEL } from '../model/malformedModels';
import { useCpu } from '../model/modelFixtures';

beforeAll(useCpu);

/**
 * A 2-class runner: probability 0.5 everywhere, except that in the windows listed in `poison`
 * it writes `value` into the given (voxel, class) places.
 */
function poisoned(poison: Record<number, [number, number][]>, value: number): ModelRunner {
  return {
    classes: 2,
    channels: 1,
    backend: () => ({ name: 'test', fallbacks: [] }),
    async predict(batch: NdArray<Float32Array>, firstWindow: number) {
      const [b, ...patch] = batch.shape;
      const voxels = patch.slice(0, -1).reduce((x, y) => x * y, 1);
      const out = new Float32Array(b * voxels * 2).fill(0.5);
      for (let k = 0; k < b; k++) for (const [v, c] of poison[firstWindow + k] ?? []) out[(k * voxels + v) * 2 + c] = value;
      return out;
    },
  };
}

const image: NdArray<Float32Array> = { data: new Float32Array(32 * 32), shape: [32, 32, 1] };

describe('runOnGrid refuses a non-finite prediction', () => {
  it('names the window, its start and the voxels (a voxel counts once, whichever class is broken)', async () => {
    // 2×2 windows of 16² without overlap: window 2 starts at [16, 0].
    const runner = poisoned({ 2: [[0, 0], [0, 1], [5, 1], [255, 0]] }, NaN);
    await expect(runOnGrid(image, null, runner, { patchSize: 16, overlap: 0 })).rejects.toThrow(
      'runInference: window 2 at [16, 0] predicted NaN/Infinity at 3 voxel(s) (the model\'s weights or input are broken)',
    );
    // In a batch of 3 (windows 0–2, then 3): the bad window is named, not the batch's first.
    const inf = poisoned({ 1: [[17, 0]], 3: [[1, 1]] }, Infinity);
    await expect(runOnGrid(image, null, inf, { patchSize: 16, overlap: 0, batchSize: 3 })).rejects.toThrow(/^runInference: window 1 at \[0, 16\] predicted NaN\/Infinity at 1 voxel\(s\)/);
    await expect(runOnGrid(image, null, poisoned({ 0: [[3, 0]] }, -Infinity), { patchSize: 16, overlap: 0 })).rejects.toThrow(/window 0 at \[0, 0\]/);
  });

  it('a finite prediction passes untouched', async () => {
    const r = await runOnGrid(image, null, poisoned({}, NaN), { patchSize: 16, overlap: 0 });
    expect(r.probabilities.every((p) => p === 0.5)).toBe(true);
  });

  it('the demo model whose output turns NaN after it was validated and loaded', async () => {
    const model = await loadModel(await readModelFolder(DEMO_MODEL));
    // Its real prediction, turned NaN from the second window on (as a weight gone NaN after loading would do).
    const runner: ModelRunner = {
      classes: model.outputClasses,
      channels: 1,
      backend: () => ({ name: 'cpu', fallbacks: [] }),
      async predict(batch, firstWindow) {
        return tf.tidy(() => {
          const y = model.predict(tf.tensor(batch.data, batch.shape));
          return (firstWindow >= 1 ? tf.mul(y, NaN) : y).dataSync() as Float32Array;
        });
      },
    };
    const cube: NdArray<Float32Array> = { data: new Float32Array(16 * 16 * 8).fill(0.3), shape: [16, 16, 8, 1] };
    await expect(runOnGrid(cube, null, runner, { patchSize: [8, 16, 8], overlap: 0 })).rejects.toThrow(
      'runInference: window 1 at [8, 0, 0] predicted NaN/Infinity at 1024 voxel(s) (the model\'s weights or input are broken)',
    );
    model.dispose();
  });
});
