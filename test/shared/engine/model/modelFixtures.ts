// Helpers shared by the model tests: where the brainchop models are, temp copies of model folders.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { sharedDir } from '../../../helpers/sharedData';

/** The four brainchop models in ../shared/models/brainchop. */
export const BRAINCHOP_MODELS = ['model5_gw_ae', 'model11_gw_ae', 'mindgrab', 'model20chan3cls'] as const;

/** Folder of a brainchop model. */
export function brainchopDir(name: string): string {
  return resolve(sharedDir, 'models', 'brainchop', name);
}

/** Selects and readies the cpu backend. */
export async function useCpu(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(prefix = 'patchlens-model-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Copies a brainchop model folder into a temp folder (writable files). */
export function copyModel(name: string): { dir: string; cleanup: () => void } {
  const t = tempDir();
  cpSync(brainchopDir(name), t.dir, { recursive: true });
  return t;
}

/** A reproducible pseudo-random input in [0, 1). */
export function randomInput(shape: number[], seed = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    data[i] = x / 2 ** 32;
  }
  return tf.tensor(data, shape);
}

/** A layers model saved to artifacts in memory, as readModelFolder would return them (one shard, `weights.bin`). */
export async function saveToArtifacts(model: import('@tensorflow/tfjs-layers').LayersModel): Promise<import('../../../../shared/engine/model/index').ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const data = saved!.weightData as ArrayBuffer;
  return {
    modelJson: { format: 'layers-model', generatedBy: 'test', modelTopology: saved!.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: saved!.weightSpecs }] },
    weights: new Map([['weights.bin', data.slice(0)]]),
    name: 'tiny',
  };
}
