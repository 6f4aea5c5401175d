/**
 * A real run folder (prediction cache included) of the fake border model (test/helpers/fakeModel.ts)
 * on any image: what reevaluateRun reads, without a real model. Used by the off-thread
 * re-evaluation test and the event-loop stall bench.
 */
import { join } from 'node:path';
import type { RunSettings } from '../../../shared/api/contract';
import type { NiftiVolume } from '../../../shared/io/nifti';
import { runInferenceJob, type ComputeModel } from '../../../src-node/compute/index';
import { borderModel, fakeSpec } from '../../helpers/fakeModel';

/** What {@link fakeRunFolder} runs on. */
export interface FakeRunInput {
  image: NiftiVolume;
  label: NiftiVolume;
  settings: RunSettings;
  /** Write the prediction cache (default true). */
  predictionCache?: boolean;
}

/** The border model with min-max normalization (any image's intensities land in [0, 1]). */
function fakeComputeModel(): ComputeModel {
  const spec = { ...fakeSpec(), normalization: { kind: 'min-max' as const } };
  const runner = Object.assign(borderModel({ margin: 3 }), { dispose: () => undefined });
  const model = { spec, sha256: 'f'.repeat(64), inputShape: { spatialRank: 3, channels: 1 } };
  return { runner, model, backend: { name: 'fake', reason: 'test' }, name: spec.name, path: null } as unknown as ComputeModel;
}

/** Runs the fake model on `input` into `<dir>/<id>`; answers the run folder. */
export async function fakeRunFolder(dir: string, id: string, input: FakeRunInput): Promise<string> {
  const outDir = join(dir, id);
  await runInferenceJob({
    image: { volume: input.image, header: input.image.header, name: `${id}.nii.gz`, path: null },
    label: { volume: input.label, name: `${id}-label.nii.gz`, path: null },
    model: fakeComputeModel(),
    settings: input.settings,
    outDir,
    id,
    predictionCache: input.predictionCache,
  });
  return outDir;
}
