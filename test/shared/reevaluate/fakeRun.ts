import { argmax } from '../../../shared/engine/inference/runInference';
import { runOnGrid, type GridRunOptions, type GridRunResult } from '../../../shared/engine/inference/runOnGrid';
import type { ModelRunner } from '../../../shared/engine/inference/modelRunner';
import type { NdArray } from '../../../shared/stitching/types';
import { mulberry32 } from '../../../shared/util/mulberry32';
import { PredictionCollector, type CacheEncoding, type PredictionCache } from '../../../shared/reevaluate/predictionCache';

/**
 * A 3-class 3-D "model" whose receptive field is cut off at the patch border (as in
 * test/shared/engine/inference/runOnGrid.test.ts, one dimension up): the softmax of logits
 * that grow with the mean of a (2r+1)³ box around the voxel, zero-padded at the patch border.
 */
export function boxModel3d(r: number): ModelRunner {
  return {
    classes: 3,
    channels: 1,
    backend: () => ({ name: 'test', fallbacks: [] }),
    async predict(batch: NdArray<Float32Array>) {
      const [b, d, h, w] = batch.shape;
      const out = new Float32Array(b * d * h * w * 3);
      for (let k = 0; k < b; k++)
        for (let z = 0; z < d; z++)
          for (let y = 0; y < h; y++)
            for (let x = 0; x < w; x++) {
              let s = 0;
              for (let dz = -r; dz <= r; dz++)
                for (let dy = -r; dy <= r; dy++)
                  for (let dx = -r; dx <= r; dx++) {
                    const zz = z + dz;
                    const yy = y + dy;
                    const xx = x + dx;
                    if (zz >= 0 && zz < d && yy >= 0 && yy < h && xx >= 0 && xx < w) s += batch.data[((k * d + zz) * h + yy) * w + xx];
                  }
              const m = s / (2 * r + 1) ** 3;
              const l1 = Math.exp(10 * (m - 0.3));
              const l2 = Math.exp(10 * (m - 0.6));
              const v = ((k * d + z) * h + y) * w + x;
              out[3 * v] = 1 / (1 + l1 + l2);
              out[3 * v + 1] = l1 / (1 + l1 + l2);
              out[3 * v + 2] = l2 / (1 + l1 + l2);
            }
      return out;
    },
  };
}

/** A smooth seeded image on `shape` and, as reference, the model's labels with full context. */
export async function scene3d(shape: number[], seed = 7): Promise<{ image: NdArray<Float32Array>; labels: Int32Array }> {
  const rand = mulberry32(seed);
  const [d, h, w] = shape;
  const phase = [rand() * 6, rand() * 6, rand() * 6];
  const data = new Float32Array(d * h * w);
  for (let z = 0; z < d; z++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[(z * h + y) * w + x] = 0.5 + 0.5 * Math.sin(z / 3 + phase[0]) * Math.cos(y / 4 + phase[1]) * Math.sin(x / 3.5 + phase[2]);
  const full = await boxModel3d(1).predict({ data, shape: [1, d, h, w, 1] }, 0);
  return { image: { data, shape: [...shape, 1] }, labels: Int32Array.from(argmax(full, 3)) };
}

/** One runOnGrid run with a prediction collector on the side. */
export async function runWithCache(
  image: NdArray<Float32Array>,
  labels: Int32Array,
  encoding: CacheEncoding,
  options: Omit<GridRunOptions, 'onPrediction'>,
): Promise<{ run: GridRunResult; cache: PredictionCache }> {
  const collector = new PredictionCollector({ encoding });
  const run = await runOnGrid(image, labels, boxModel3d(1), { ...options, onPrediction: collector.add });
  return { run, cache: collector.finish(argmax(run.probabilities, run.classes)) };
}
