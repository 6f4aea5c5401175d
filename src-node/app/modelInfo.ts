import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { ModelInfo } from '../../shared/api/contract';
import { loadModel } from '../../shared/engine/model/loadModel';
import { RUN_FILES } from '../compute/index';
import { readModelFolder } from '../readModelFolder';
import { fail } from './serviceError';
import type { ModelRef } from './workerProtocol';

/**
 * Opens a model folder for its information (readModelFolder + loadModel): classes, patch size,
 * receptive field, SHA-256. Main never runs the model, so it loads it once on tfjs-cpu (no backend
 * probe, no runner) and disposes it again: the compute worker chooses its backend and loads its own copy.
 * @throws ServiceError `bad-input` naming the folder and what is wrong (unreadable, not a 3-D single-channel model)
 */
export async function loadModelInfo(path: string): Promise<{ info: ModelInfo; ref: ModelRef }> {
  const dir = resolve(path);
  const what = `model ${basename(dir)}`;
  if (!existsSync(dir)) throw fail('not-found', `${what}: ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw fail('bad-input', `${what}: ${dir} is not a folder (a model is a folder with model.json, its weight shards and optionally patchlens.json)`);
  let artifacts;
  try {
    artifacts = await readModelFolder(dir);
  } catch (e) {
    throw fail('bad-input', `${what}: ${(e as Error).message}`);
  }
  let model;
  try {
    await tf.setBackend('cpu');
    model = await loadModel(artifacts);
  } catch (e) {
    throw fail('bad-input', `${what}: the model cannot be loaded: ${(e as Error).message}`);
  }
  try {
    if (model.inputShape.spatialRank !== 3) throw fail('bad-input', `${what}: the model takes ${model.inputShape.spatialRank}-D patches (input rank ${model.inputShape.rank}); PatchLens runs 3-D models`);
    if (model.inputShape.channels !== 1) throw fail('bad-input', `${what}: the model takes ${model.inputShape.channels} input channels; PatchLens feeds one`);
    const spec = model.spec;
    const name = spec.name || basename(dir);
    const info: ModelInfo = {
      name,
      path: dir,
      sha256: model.sha256,
      classes: spec.classes.map((c) => ({ name: c.name, color: [c.color[0], c.color[1], c.color[2]] })),
      trainedPatchSize: spec.trainedPatchSize ? [...spec.trainedPatchSize] : null,
      receptiveField: spec.receptiveField ? [...spec.receptiveField] : null,
      translationEquivariant: model.translationEquivariant,
      hasTrainingMap: existsSync(join(dir, RUN_FILES.trainingMap)),
    };
    return { info, ref: { path: dir, sha256: model.sha256, name } };
  } finally {
    model.dispose();
  }
}
