/**
 * A tfjs layers model as the files of a one-shard model folder, made in memory: the model.json
 * object (topology, format, one weights manifest entry), its bytes, the weight shard and the
 * model's PatchLens hash. Used by the demo model's trainer and the tiny test fixture's generator.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { modelHash } from '../shared/engine/model/modelHash';

/** What {@link modelFolderFiles} gives. */
export interface ModelFolderFiles {
  /** The model.json object. */
  modelJson: Record<string, unknown>;
  /** `JSON.stringify(modelJson)` as UTF-8. */
  modelJsonBytes: Uint8Array;
  /** The one weight shard. */
  weights: Uint8Array;
  /** The model's hash (`modelHash`). */
  sha256: string;
}

/**
 * Saves `model` through a tfjs save handler into memory (dateSaved fixed, so the bytes are
 * deterministic) and lays it out as a model folder whose one shard is `weightsFile`.
 *
 * @param fn the caller's name, for the error
 */
export async function modelFolderFiles(model: tfl.LayersModel, weightsFile: string, fn: string): Promise<ModelFolderFiles> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved?.weightData || !saved.weightSpecs) throw new Error(`${fn}: tfjs-layers saved no weights`);
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(saved.weightData));
  const modelJson = { modelTopology: saved.modelTopology, format: saved.format, generatedBy: saved.generatedBy, convertedBy: null, weightsManifest: [{ paths: [weightsFile], weights: saved.weightSpecs }] };
  const modelJsonBytes = new TextEncoder().encode(JSON.stringify(modelJson));
  const { sha256 } = modelHash({ modelJson, modelJsonBytes, weights: new Map([[weightsFile, weights.slice().buffer]]) });
  return { modelJson, modelJsonBytes, weights, sha256 };
}
