/**
 * Executor of the `model` target: builds the case's model files in memory (or in a temp folder
 * read by `readModelFolder`), loads them with `loadModel` on tfjs-cpu and, when that succeeds,
 * predicts one 8³ patch through `runOnGrid`: an accepted model must report sane facts and
 * predict finite probabilities in [0, 1] (or fail with `runInference`'s error naming the window).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { ModelRunner } from '../../../shared/engine/inference/modelRunner';
import { runOnGrid } from '../../../shared/engine/inference/runOnGrid';
import { loadModel } from '../../../shared/engine/model/loadModel';
import type { LoadedModel } from '../../../shared/engine/model/loadedModel';
import type { ModelArtifacts } from '../../../shared/engine/model/modelArtifacts';
import { readModelFolder } from '../../../src-node/readModelFolder';
import { rngFrom } from '../rng';
import type { CaseInput, Verdict } from '../types';
import { accepted, classifyError, garbage } from '../verdict';

const CLEAN = /^(loadModel|readModelFolder|runInference|LoadedModel\.predict|LoadedModel\.predictAsync): /;
const PATCH = 8;

await tf.setBackend('cpu');
await tf.ready();

const decoder = new TextDecoder();

/** The shards as ArrayBuffers of their own. */
function weightsOf(shards: [string, Uint8Array][]): Map<string, ArrayBuffer> {
  return new Map(shards.map(([p, b]) => [p, b.slice().buffer]));
}

/** Writes the case as a model folder (shards only where their path is a plain relative file). */
function writeFolder(input: CaseInput): string {
  const dir = mkdtempSync(join(tmpdir(), 'patchlens-fuzz-model-'));
  writeFileSync(join(dir, 'model.json'), input.modelJson as Uint8Array);
  for (const [p, b] of input.shards as [string, Uint8Array][]) {
    const rel = normalize(p);
    if (rel.startsWith('..') || rel.startsWith('/') || rel.includes('\0')) continue;
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), b);
  }
  if (input.sidecar) writeFileSync(join(dir, 'patchlens.json'), input.sidecar as Uint8Array);
  return dir;
}

/** A runner over the loaded model (what the CLI's tfjs runner does, without backend fallbacks). */
function runnerOf(model: LoadedModel): ModelRunner {
  return {
    classes: model.outputClasses,
    channels: model.inputShape.channels,
    backend: () => ({ name: 'cpu', fallbacks: [] }),
    async predict(batch) {
      const x = tf.tensor(batch.data, batch.shape);
      try {
        const y = model.predict(x);
        const out = (await y.data()).slice() as Float32Array;
        y.dispose();
        return out;
      } finally {
        x.dispose();
      }
    },
  };
}

/** What is wrong with an accepted model's facts and its prediction of one patch (null: sane). */
async function checkModel(model: LoadedModel): Promise<Verdict> {
  const { spec, inputShape, outputClasses } = model;
  if (!Number.isInteger(outputClasses) || outputClasses < 1 || outputClasses > 65_536) return garbage(`outputClasses is ${outputClasses}`);
  if (!Number.isInteger(inputShape.channels) || inputShape.channels < 1 || inputShape.channels !== spec.channels) return garbage(`input channels ${inputShape.channels}, spec.channels ${spec.channels}`);
  if (!(inputShape.spatialRank >= 1 && inputShape.spatialRank <= 4) || inputShape.rank !== inputShape.spatialRank + 2) return garbage(`input rank ${inputShape.rank} (spatial ${inputShape.spatialRank})`);
  if (!/^[0-9a-f]{64}$/.test(model.sha256)) return garbage(`sha256 ${model.sha256}`);
  const spatial = new Array<number>(inputShape.spatialRank).fill(PATCH);
  const n = PATCH ** inputShape.spatialRank * inputShape.channels;
  const rng = rngFrom(n);
  const image = { data: Float32Array.from({ length: n }, () => rng.next()), shape: [...spatial, inputShape.channels] };
  const before = tf.memory().numTensors;
  let result;
  try {
    result = await runOnGrid(image, null, runnerOf(model), { patchSize: PATCH, overlap: 0, consistency: false });
  } catch (e) {
    return classifyError(e, CLEAN);
  }
  const leaked = tf.memory().numTensors - before;
  const p = result.probabilities;
  if (p.length !== PATCH ** inputShape.spatialRank * outputClasses) return garbage(`${p.length} probabilities for ${PATCH}^${inputShape.spatialRank} voxels × ${outputClasses} classes`);
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] >= -1e-6 && p[i] <= 1 + 1e-6)) return garbage(`probability ${i} is ${p[i]} (the prediction was returned as a result)`);
  }
  const v = accepted(`${model.kind}: ${inputShape.channels} → ${outputClasses} classes, spec from ${spec.source}`);
  return leaked > 0 ? { ...v, suspect: `one prediction left ${leaked} tensor(s) undisposed` } : v;
}

/** Runs one case of the model target. */
export async function execute(input: CaseInput): Promise<Verdict> {
  let dir: string | null = null;
  let model: LoadedModel | null = null;
  const tensors = tf.memory().numTensors;
  try {
    let artifacts: ModelArtifacts;
    if (input.mode === 'folder') {
      dir = writeFolder(input);
      artifacts = await readModelFolder(dir);
    } else {
      const bytes = input.modelJson as Uint8Array;
      artifacts = { modelJson: JSON.parse(decoder.decode(bytes)), modelJsonBytes: bytes, weights: weightsOf(input.shards as [string, Uint8Array][]), name: 'fuzz' };
      if (input.sidecar) artifacts.sidecar = JSON.parse(decoder.decode(input.sidecar as Uint8Array));
    }
    model = await loadModel(artifacts);
  } catch (e) {
    const v = classifyError(e, CLEAN);
    const left = tf.memory().numTensors - tensors;
    // A leak is not a wrong answer, but it grows the service's memory with every refused model.
    return left > 0 && v.outcome === 'clean' ? { ...v, suspect: `the refused model left ${left} tensor(s) behind` } : v;
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  try {
    return await checkModel(model);
  } finally {
    model.dispose();
  }
}
