import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ModelInfo } from '../../shared/api/contract';
import { RUN_FILES } from '../compute/index';
import { checkModelFolder, type CheckModelFolderOptions } from '../model/checkModelFolder';
import { fail } from './serviceError';
import type { ModelRef } from './workerProtocol';

/**
 * Opens a model folder for its information: classes, patch size, receptive field, SHA-256.
 * Main never runs the model: `checkModelFolder` reads, validates and builds it on tfjs-cpu in a
 * worker thread with a time limit (10 s by default) and disposes it again, so a malformed model
 * can neither block the service's event loop nor hang it; the compute worker chooses its
 * backend and loads its own copy.
 * @param options the check's time limit and cancellation (`checkModelFolder`)
 * @throws ServiceError `not-found` when the folder does not exist; `bad-input` naming the folder
 * and what is wrong (unreadable, malformed, not built within the time limit, not a 3-D
 * single-channel model); `cancelled` when `options.signal` stops it; `internal` when the
 * check's worker thread cannot run
 */
export async function loadModelInfo(path: string, options: CheckModelFolderOptions = {}): Promise<{ info: ModelInfo; ref: ModelRef }> {
  const dir = resolve(path);
  const what = `model ${basename(dir)}`;
  if (!existsSync(dir)) throw fail('not-found', `${what}: ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw fail('bad-input', `${what}: ${dir} is not a folder (a model is a folder with model.json, its weight shards and optionally patchlens.json)`);
  let facts;
  try {
    facts = await checkModelFolder(dir, options);
  } catch (e) {
    const error = e as Error & { stage?: string };
    // A worker that cannot start is the service's fault, not the model's.
    throw fail(error.stage === 'aborted' ? 'cancelled' : error.stage === 'worker' ? 'internal' : 'bad-input', error.message);
  }
  if (facts.inputShape.spatialRank !== 3) throw fail('bad-input', `${what}: the model takes ${facts.inputShape.spatialRank}-D patches (input rank ${facts.inputShape.rank}); PatchLens runs 3-D models`);
  if (facts.inputShape.channels !== 1) throw fail('bad-input', `${what}: the model takes ${facts.inputShape.channels} input channels; PatchLens feeds one`);
  const spec = facts.spec;
  const name = spec.name || basename(dir);
  const info: ModelInfo = {
    name,
    path: dir,
    sha256: facts.sha256,
    classes: spec.classes.map((c) => ({ name: c.name, color: [c.color[0], c.color[1], c.color[2]] })),
    trainedPatchSize: spec.trainedPatchSize ? [...spec.trainedPatchSize] : null,
    receptiveField: spec.receptiveField ? [...spec.receptiveField] : null,
    translationEquivariant: facts.translationEquivariant,
    hasTrainingMap: existsSync(join(dir, RUN_FILES.trainingMap)),
  };
  return { info, ref: { path: dir, sha256: facts.sha256, name } };
}
