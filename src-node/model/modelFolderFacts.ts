import { basename, dirname, resolve } from 'node:path';
import { statSync } from 'node:fs';
import '../tfjsNode'; // first: no tfjs-node banner in this thread
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { loadModel } from '../../shared/engine/model/loadModel';
import type { FileHash } from '../../shared/engine/model/modelHash';
import type { ModelKind } from '../../shared/engine/model/modelJson';
import type { ModelSpec } from '../../shared/engine/modelSpec';
import { now } from '../../shared/util/clock';
import { readModelFolder } from '../readModelFolder';

/** What a model folder holds, once read and built (see `checkModelFolder`). Plain data: it crosses threads. */
export interface ModelFolderFacts {
  /** The model folder (absolute; the folder of model.json when a path to model.json was given). */
  dir: string;
  /** The spec's name, else the folder's name. */
  name: string;
  /** `layers-model` or `graph-model`. */
  kind: ModelKind;
  /** `modelHash(...).sha256` of the model's files. */
  sha256: string;
  /** SHA-256 of each file: model.json first, then the shards in manifest order. */
  fileHashes: FileHash[];
  /** The files read (model.json, the shards, patchlens.json when present). */
  files: string[];
  /** The resolved spec (sidecar, known model or inferred). */
  spec: ModelSpec;
  /** What `predict` takes: rank (batch and channels included), spatial axes, channels. */
  inputShape: { rank: number; spatialRank: number; channels: number };
  /** Channels of the output. */
  outputClasses: number;
  /** Whether a patch's position and size do not change the answer at a voxel. */
  translationEquivariant: boolean;
  /** Milliseconds spent reading, checking and building the model. */
  buildMs: number;
}

/** Where a model folder check failed: reading the files, or checking and building the model. */
export type ModelFolderStage = 'read' | 'load';

/** An error of {@link describeModelFolder}, with the stage that failed. */
export class ModelFolderError extends Error {
  override name = 'ModelFolderError';
  constructor(
    readonly stage: ModelFolderStage,
    message: string,
  ) {
    super(message);
  }
}

/** The model folder of a path to a folder or to its model.json. */
export function modelFolderOf(path: string): string {
  const target = resolve(path);
  try {
    return statSync(target).isDirectory() ? target : dirname(target);
  } catch {
    return target;
  }
}

/** `model <folder name>`, the prefix of every message about a model folder. */
export function modelLabel(path: string): string {
  return `model ${basename(modelFolderOf(path))}`;
}

/**
 * Reads a model folder (`readModelFolder`) and builds the model on tfjs-cpu (`loadModel`, which
 * validates model.json and the weights first), takes its facts and disposes it again. Runs
 * in the thread that calls it: on a malformed model that slips past validation tfjs may never
 * return, so the app and the CLI call it through `checkModelFolder` (a worker with a time limit).
 * @throws ModelFolderError naming the model and the stage: `model <name>: readModelFolder: …`
 * or `model <name>: the model cannot be loaded: loadModel: …`.
 */
export async function describeModelFolder(path: string): Promise<ModelFolderFacts> {
  const t0 = now();
  const what = modelLabel(path);
  let artifacts;
  try {
    artifacts = await readModelFolder(path);
  } catch (e) {
    throw new ModelFolderError('read', `${what}: ${(e as Error).message}`);
  }
  let model;
  try {
    if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
    model = await loadModel(artifacts);
  } catch (e) {
    throw new ModelFolderError('load', `${what}: the model cannot be loaded: ${(e as Error).message}`);
  }
  try {
    const dir = modelFolderOf(path);
    return {
      dir,
      name: model.spec.name || basename(dir),
      kind: model.kind,
      sha256: model.sha256,
      fileHashes: model.fileHashes.map((f) => ({ ...f })),
      files: [...(artifacts.files ?? [])],
      spec: model.spec,
      inputShape: { ...model.inputShape },
      outputClasses: model.outputClasses,
      translationEquivariant: model.translationEquivariant,
      buildMs: now() - t0,
    };
  } finally {
    model.dispose();
  }
}
