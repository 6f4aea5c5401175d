/**
 * The small real input of the engine worker test: a cube of ch2.nii.gz (Colin27 T1) around the
 * brain's centroid, written as .nii.gz, and the box it covers on model5_gw_ae's 256³ grid; the
 * same run in Node on the cpu backend as the reference for the browser's labels.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { cropBox, extractBox, type Box } from '../../../shared/engine/inference/domain';
import { toModelGrid } from '../../../shared/engine/inference/modelGrid';
import { runInference } from '../../../shared/engine/inference/runInference';
import { resolveSpec } from '../../../shared/engine/model/resolveSpec';
import type { ModelSpec } from '../../../shared/engine/modelSpec';
import { prepareModel } from '../../../shared/engine/prepareModel';
import { applyAffine } from '../../../shared/io/affine';
import { readNifti, writeNifti } from '../../../shared/io/nifti';
import { readModelFolder } from '../../../src-node/readModelFolder';
import type { EngineInferenceOptions } from '../../../src-renderer/engine/protocol';
import { sharedDir } from '../../helpers/sharedData';

/** model5_gw_ae's folder in ../shared. */
export const model5Dir = resolve(sharedDir, 'models', 'brainchop', 'model5_gw_ae');

/** A `size`³ crop of ch2.nii.gz centred on the centroid of ch2bet's brain mask, as gzipped NIfTI bytes. */
export function brainCube(size: number): Uint8Array {
  const image = readNifti(readFileSync(resolve(sharedDir, 'data', 'mricron', 'ch2.nii.gz')));
  const mask = readNifti(readFileSync(resolve(sharedDir, 'data', 'mricron', 'ch2bet.nii.gz')));
  const [nk, nj, ni] = mask.shape;
  const sum = [0, 0, 0];
  let n = 0;
  for (let k = 0, v = 0; k < nk; k++)
    for (let j = 0; j < nj; j++)
      for (let i = 0; i < ni; i++, v++)
        if (mask.data[v] > 0) {
          sum[0] += k;
          sum[1] += j;
          sum[2] += i;
          n++;
        }
  const start = sum.map((s) => Math.round(s / n) - Math.floor(size / 2));
  const data = extractBox(image.data, image.shape, { start, size: [size, size, size] }, 1, new (image.data.constructor as Uint8ArrayConstructor)(size ** 3));
  const origin = applyAffine(image.affine, start);
  const affine = image.affine.map((row, r) => (r < 3 ? [row[0], row[1], row[2], origin[r]] : [...row]));
  return writeNifti({ data, shape: [size, size, size], spacing: [...image.spacing], affine }, { like: image.header, description: 'ch2 brain cube' });
}

/** The bounding box of the input's non-zero voxels on the model's grid (where the cube landed). */
export function inputBoxOnModelGrid(bytes: Uint8Array, spec: ModelSpec): Box {
  const grid = toModelGrid(readNifti(bytes), null, spec);
  return cropBox(grid.image.data, grid.image.shape, 0, 0);
}

/**
 * model5_gw_ae over the whole cube in 24³ windows (overlap 0.25, gaussian blending, one window a
 * batch): 8 windows for a 40³ cube, quick even under SwiftShader.
 */
export async function cubeOptions(cube: Uint8Array): Promise<EngineInferenceOptions> {
  const box: Box = inputBoxOnModelGrid(cube, resolveSpec(await readModelFolder(model5Dir)));
  return { region: box, patchSize: 24, overlap: 0.25, blend: 'gaussian', batchSize: 1 };
}

/** The same run in Node on the cpu backend: its labels, windows, and tensors left behind (should be ≤ 0). */
export async function nodeCpuRun(cube: Uint8Array, options: EngineInferenceOptions): Promise<{ labels: Uint8Array; windows: number; tensorsLeft: number }> {
  const prepared = await prepareModel(await readModelFolder(model5Dir), { backend: 'cpu' });
  const tensorsBefore = tf.memory().numTensors;
  let r: Awaited<ReturnType<typeof runInference>>;
  try {
    r = await runInference({ image: readNifti(cube), runner: prepared.runner, spec: prepared.model.spec, options: { ...options } });
  } finally {
    prepared.runner.dispose();
  }
  return { labels: r.labels.data, windows: r.windows, tensorsLeft: tf.memory().numTensors - tensorsBefore };
}

/** The fraction of voxels where two label maps agree. */
export function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`agreement: ${a.length} labels vs ${b.length}`);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}
