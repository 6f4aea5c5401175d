import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { Volume } from '../shared/io/volume';
import { prepareModel } from '../shared/engine/prepareModel';
import { runInference } from '../shared/engine/inference/runInference';
import { readModelFolder } from '../src-node/readModelFolder';
import { fileProbeCache } from '../src-node/probeCache';
import { readImageFile } from '../src-node/readInputFile';
import { writeInferenceOutputs } from '../src-node/writeInferenceOutputs';
import type { InferArgs } from './inferArgs';
import type { Io } from './main';
import { progressPrinter } from './progress';
import { InputError, asInputError } from './usageError';

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `patchlens infer`: reads the inputs, runs the engine, writes the outputs. */
export async function runInferCommand(args: InferArgs, io: Io): Promise<void> {
  const say = (s: string) => (args.quiet ? undefined : io.err(s));
  const image = wrap(() => readImageFile('--image', args.image));
  const label = args.label ? wrap(() => readImageFile('--label', args.label!)) : null;
  if (image.volume.shape.length !== 3) {
    throw new InputError(`--image ${args.image}: expected a 3-D image, got shape [${image.volume.shape}] (4-D images are not supported by infer yet)`);
  }
  if (label && label.volume.shape.length !== 3) throw new InputError(`--label ${args.label}: expected a 3-D label map, got shape [${label.volume.shape}]`);
  const artifacts = await asInputError(() => readModelFolder(args.model), '--model');
  const prepared = await asInputError(() => prepareModel(artifacts, { backend: args.backend, cache: fileProbeCache() }), '--model');
  const { model, runner, backend } = prepared;
  try {
    if (model.inputShape.spatialRank !== 3) {
      throw new InputError(`--model ${args.model}: the model takes ${model.inputShape.spatialRank}-D patches (input rank ${model.inputShape.rank}) but the image is 3-D`);
    }
    if (model.inputShape.channels !== 1) {
      throw new InputError(`--model ${args.model}: the model takes ${model.inputShape.channels} input channels but the image has 1`);
    }
    say(`model ${model.spec.name} (${model.spec.source}, sha256 ${model.sha256.slice(0, 12)}…) on ${backend.name}${backend.renderer ? ` (${backend.renderer})` : ''}: ${backend.reason}\n`);
    const progress = progressPrinter(say, io.isTTY);
    const controller = new AbortController();
    const onSignal = () => controller.abort(new InputError('interrupted'));
    process.once('SIGINT', onSignal);
    const before = tf.memory().numTensors;
    let result;
    try {
      result = await runInference({
        image: image.volume,
        label: label?.volume as Volume | undefined,
        runner,
        spec: model.spec,
        options: {
          patchSize: Array.isArray(args.patch) && args.patch.length === 1 ? args.patch[0] : args.patch,
          overlap: args.overlap.length === 1 ? args.overlap[0] : args.overlap,
          placement: args.placement,
          blend: args.blend,
          batchSize: args.batch,
          padMode: args.pad,
          measure: args.measure,
          diceMode: args.dice,
          crop: args.crop,
          consistency: args.consistency,
          signal: controller.signal,
          onProgress: progress.update,
        },
      });
    } catch (e) {
      throw e instanceof RangeError ? new InputError((e as Error).message) : e;
    } finally {
      progress.done();
      process.off('SIGINT', onSignal);
    }
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    const written = writeInferenceOutputs(args.out, result, image.volume.header, {
      app: { name: pkg.name, version: pkg.version },
      versions: { tfjs: tf.version_core, node: process.version },
      model: {
        path: resolve(args.model),
        name: model.spec.name,
        sha256: model.sha256,
        files: model.fileHashes,
        specSource: model.spec.source,
        translationEquivariant: model.translationEquivariant,
        receptiveField: model.spec.receptiveField ?? null,
      },
      inputs: {
        image: { path: resolve(args.image), sha256: sha256(image.bytes), shape: image.volume.shape, spacing: image.volume.spacing },
        label: label ? { path: resolve(args.label!), sha256: sha256(label.bytes) } : null,
      },
      tensorsLeaked: tf.memory().numTensors - before,
      date: new Date().toISOString(),
    });
    const dice = result.dice ? `, Dice ${result.dice.mean.toFixed(4)} (${result.dice.mode})` : '';
    say(`${result.windows} window(s) in ${(result.timing.totalMs / 1000).toFixed(1)} s (model ${(result.timing.modelMs / 1000).toFixed(1)} s)${dice}\n`);
    for (const w of result.warnings) say(`warning: ${w}\n`);
    io.out(`${written.join('\n')}\n`);
  } finally {
    runner.dispose();
  }
}

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new InputError((e as Error).message);
  }
}
