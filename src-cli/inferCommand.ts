import { readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { Volume } from '../shared/io/volume';
import { assertLabelMap } from '../shared/io/labelMap';
import { modelHash } from '../shared/engine/model/modelHash';
import { prepareModel, type PreparedModel } from '../shared/engine/prepareModel';
import type { ModelArtifacts } from '../shared/engine/model/modelArtifacts';
import type { BackendPreference } from '../shared/engine/backend/selectBackend';
import { runInference } from '../shared/engine/inference/runInference';
import { checkModelFolder, ModelCheckError } from '../src-node/model/checkModelFolder';
import { readModelFolder } from '../src-node/readModelFolder';
import { fileProbeCache } from '../src-node/probeCache';
import { isDicomInput, readDicomImage } from '../src-node/readDicomImage';
import type { DicomSeries } from '../src-node/dicom';
import { segSourceOfSeries, type SegSource } from '../src-node/dicom/seg';
import { readImageFile } from '../src-node/readInputFile';
import { recoverFolder } from '../src-node/fs/atomicWrite';
import { planInferOutput, type InferIdentity } from '../src-node/fs/inferOutputPlan';
import { assertNoInputOverwrite, modelFolderOf, OutputRefusedError, resolveReal, type GuardWording } from '../src-node/fs/outputGuard';
import { INFERENCE_FILES, INFERENCE_SIDECARS, writeInferenceFolder } from '../src-node/writeInferenceOutputs';
import type { InferArgs } from './inferArgs';
import type { Io } from './io';
import { progressPrinter } from './progress';
import { InputError, asInputError } from './usageError';
import { assertOutWritable } from './outProbe';
import { planInferPatch } from './patchPlan';
import { inferenceGridShape } from '../shared/recommend/inferenceGrid';
import { sha256Hex } from '../src-node/fs/sha256';

/** How the output guard names this command's options. */
const WORDING: GuardWording = { command: 'infer', out: '--out', force: '--force' };

/** The options that decide the result (result.json's `request`): an earlier result is reused only when they are the same. */
function requestOf(args: InferArgs, dicom: boolean): Record<string, unknown> {
  return {
    // Only a DICOM image has a choice (a NIfTI image's request stays as before this option).
    ...(dicom ? { labelOutputs: args.labelFormat === 'auto' ? 'nifti+seg' : args.labelFormat } : {}),
    patch: args.patch ?? null,
    overlap: args.overlap,
    placement: args.placement,
    blend: args.blend,
    batch: args.batch,
    backend: args.backend,
    pad: args.pad,
    measure: args.measure,
    dice: args.dice,
    crop: args.crop,
    consistency: args.consistency,
  };
}

/** Runs `f`; an output refusal or a bad input becomes an {@link InputError} (exit 1, one line). */
function refusing<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof OutputRefusedError || e instanceof RangeError) throw new InputError((e as Error).message);
    throw e;
  }
}

/**
 * `patchlens infer`: reads the inputs, runs the engine, writes the outputs into `--out` as a
 * whole folder. It never writes over an input (an output path that resolves to the image, the
 * labels or into the model folder is refused), reuses a folder that already holds this result
 * (verified by SHA-256) without running, and replaces an earlier result only with --force, never
 * a file PatchLens did not write.
 */
export async function runInferCommand(args: InferArgs, io: Io): Promise<void> {
  const say = (s: string) => (args.quiet ? undefined : io.err(s));
  const outputs = [...Object.values(INFERENCE_FILES), ...Object.values(INFERENCE_SIDECARS)].map((name) => ({ path: join(args.out, name) }));
  const dicom = isDicomInput(args.image);
  if (args.labelFormat === 'seg' && !dicom) throw new InputError(`--seg-only: a SEG needs a DICOM source series; --image ${args.image} is not DICOM (a folder, a DICOMDIR or a DICOM file)`);
  // A DICOM folder is an input as a whole: nothing is written into it.
  const inputs = [{ what: '--image', path: args.image, ...(dicom && statSync(args.image).isDirectory() ? { folder: true } : {}) }, ...(args.label ? [{ what: '--label', path: args.label }] : []), { what: '--model', path: modelFolderOf(args.model), folder: true }];
  refusing(() => assertNoInputOverwrite(WORDING, args.out, outputs, inputs));
  // Before any work: an --out that cannot be written is refused now, not after the run.
  await assertOutWritable('infer', args.out, 'beside');
  // Progress from the first second: reading a large image and checking the model take a while.
  say(`infer: reading ${resolve(args.image)}${args.label ? ' and its labels' : ''}, checking the model\n`);
  const readOptions = { maxBytes: args.maxImageBytes };
  const dicomImage = dicom ? await asInputError(() => readDicomImage('--image', args.image, { ...readOptions, series: args.series }), '--image') : null;
  if (dicomImage) say(`infer: DICOM series ${dicomImage.series.seriesNumber ?? '—'} (${dicomImage.series.seriesInstanceUid}, ${dicomImage.series.modality}, ${dicomImage.series.images} images) → ${dicomImage.volume.shape.join('×')} voxels\n`);
  for (const w of dicomImage?.warnings ?? []) say(`warning: ${w}\n`);
  if (!dicom && args.series !== undefined) throw new InputError(`--series ${args.series}: --image ${args.image} is not DICOM (a folder, a DICOMDIR or a DICOM file); --series chooses among a DICOM folder's series`);
  const image = dicomImage ?? wrap(() => readImageFile('--image', args.image, readOptions));
  const label = args.label ? wrap(() => readImageFile('--label', args.label!, readOptions)) : null;
  if (image.volume.shape.length !== 3) {
    throw new InputError(`--image ${args.image}: expected a 3-D image, got shape [${image.volume.shape}] (4-D images are not supported by infer yet)`);
  }
  if (label && label.volume.shape.length !== 3) throw new InputError(`--label ${args.label}: expected a 3-D label map, got shape [${label.volume.shape}]`);
  if (label) refusing(() => assertLabelMap(label.volume, image.volume, `--label ${args.label}`));
  const segSource = dicomImage && args.labelFormat !== 'nifti' ? await asInputError(() => segSourceOf(args, image.volume, dicomImage.source), '--image') : null;
  // The model is first read, validated and built in a worker thread with a time limit: a
  // malformed model.json can neither hang this process nor keep it from answering SIGINT/SIGTERM.
  await checkModel(args.model, io.signal);
  const artifacts = await asInputError(() => readModelFolder(args.model), '--model');
  const identity: InferIdentity = {
    model: refusing(() => modelHash(artifacts, '--model').sha256),
    image: sha256Hex(image.bytes),
    label: label ? sha256Hex(label.bytes) : null,
    request: requestOf(args, dicom),
  };
  // The folder as it really is (a symbolic link to a folder is written where it points).
  const target = resolveReal(args.out);
  const shown = (path: string) => join(resolve(args.out), basename(path));
  // An earlier --force killed between its two renames left the old folder aside: put it back first.
  const restored = recoverFolder(target);
  if (restored) say(`infer: ${resolve(args.out)} was restored from ${restored}, where an interrupted replacement had left it\n`);
  const plan = refusing(() => planInferOutput(target, identity, args.force === true, WORDING));
  if (plan.kind === 'same') {
    say(`infer: ${resolve(args.out)} already holds this result (verified): nothing to do\n`);
    io.out(`${plan.files.map(shown).join('\n')}\n`);
    return;
  }
  const prepared = await prepareCliModel(artifacts, args.backend);
  const { model, runner, backend } = prepared;
  try {
    if (model.inputShape.spatialRank !== 3) {
      throw new InputError(`--model ${args.model}: the model takes ${model.inputShape.spatialRank}-D patches (input rank ${model.inputShape.rank}) but the image is 3-D`);
    }
    if (model.inputShape.channels !== 1) {
      throw new InputError(`--model ${args.model}: the model takes ${model.inputShape.channels} input channels but the image has 1`);
    }
    say(`model ${model.spec.name} (${model.spec.source}, sha256 ${model.sha256.slice(0, 12)}…) on ${backend.name}${backend.renderer ? ` (${backend.renderer})` : ''}: ${backend.reason}\n`);
    // What PatchLens says about the patch, before the run (and the default: never one it warns about).
    const patchPlan = refusing(() => planInferPatch(args.patch, model.spec, () => inferenceGridShape(image.volume, model.spec, args.crop)));
    for (const w of patchPlan.warnings) say(`warning: ${w}\n`);
    const progress = progressPrinter(say, io.isTTY);
    const before = tf.memory().numTensors;
    let result;
    try {
      result = await runInference({
        image: image.volume,
        label: label?.volume as Volume | undefined,
        runner,
        spec: model.spec,
        options: {
          patchSize: Array.isArray(patchPlan.patch) && patchPlan.patch.length === 1 ? patchPlan.patch[0] : patchPlan.patch,
          overlap: args.overlap.length === 1 ? args.overlap[0] : args.overlap,
          placement: args.placement,
          blend: args.blend,
          batchSize: args.batch,
          padMode: args.pad,
          measure: args.measure,
          diceMode: args.dice,
          crop: args.crop,
          consistency: args.consistency,
          signal: io.signal,
          onProgress: progress.update,
        },
      });
    } catch (e) {
      if (io.signal?.aborted) throw new InputError(`interrupted: nothing was written to ${resolve(args.out)}`);
      throw e instanceof RangeError ? new InputError((e as Error).message) : e;
    } finally {
      progress.done();
    }
    if (io.signal?.aborted) throw new InputError(`interrupted: nothing was written to ${resolve(args.out)}`);
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    if (plan.kind === 'replace') say(`infer: replacing the earlier result in ${resolve(args.out)} (--force)\n`);
    const meta = {
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
        // A DICOM series: the SHA-256 is of its NIfTI on the same grid; the series by its UIDs (no patient identifiers).
        image: { path: resolve(args.image), sha256: identity.image, shape: image.volume.shape, spacing: image.volume.spacing, ...(dicomImage ? { dicomSeries: dicomImage.series } : {}) },
        label: label ? { path: resolve(args.label!), sha256: identity.label } : null,
      },
      request: identity.request,
      tensorsLeaked: tf.memory().numTensors - before,
      date: new Date().toISOString(),
    };
    // The advice is part of the record (result.json's warnings), first.
    result.warnings.unshift(...patchPlan.warnings);
    const commit = plan.kind === 'replace' ? { replace: true, replaceable: plan.replaceable } : {};
    const labelOutputs = { nifti: args.labelFormat !== 'seg', ...(segSource ? { seg: { source: segSource, model: { name: model.spec.name, sha256: model.sha256 }, softwareVersion: `PatchLens ${pkg.version}` } } : {}) };
    const written = wrapWrite(() => writeInferenceFolder(target, result, image.volume.header, meta, commit, labelOutputs));
    const dice = result.dice ? `, Dice ${result.dice.mean.toFixed(4)} (${result.dice.mode})` : '';
    say(`${result.windows} window(s) in ${(result.timing.totalMs / 1000).toFixed(1)} s (model ${(result.timing.modelMs / 1000).toFixed(1)} s)${dice}\n`);
    // The patch advice was printed before the run.
    for (const w of result.warnings.slice(patchPlan.warnings.length)) say(`warning: ${w}\n`);
    io.out(`${written.map(shown).join('\n')}\n`);
  } finally {
    runner.dispose();
  }
}

/**
 * The SEG's source: the series the image was read from (its slices in volume order, from the
 * header-only scan), checked to be on the grid of the image that was read (shape and affine).
 */
async function segSourceOf(args: InferArgs, image: Volume, series: DicomSeries): Promise<SegSource> {
  const source = segSourceOfSeries(series);
  const off = Math.max(...source.affine.flatMap((row, r) => row.map((x, c) => Math.abs(x - image.affine[r][c]))));
  if (source.shape.join() !== image.shape.join() || !(off < 1e-3)) {
    throw new Error(`--image ${args.image}: the series changed while it was read (its grid is now [${source.shape}], the image read was [${image.shape}]); run again`);
  }
  return source;
}

/** The folder write: a refusal at commit time (something appeared in --out meanwhile) is one line, exit 1. */
function wrapWrite<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new InputError(`infer: ${(e as Error).message.replace(/^beginFolder: /, '--out ')}`);
    throw e;
  }
}

/**
 * Reads, validates and builds the model in a worker with a time limit (`checkModelFolder`);
 * a bad model is one line naming `--model` (exit 1), an interruption ends the command.
 */
export async function checkModel(model: string, signal: AbortSignal | undefined): Promise<void> {
  try {
    await checkModelFolder(model, signal ? { signal } : {});
  } catch (e) {
    // `model <folder>: …` becomes `--model: …` as every other --model error reads.
    if (e instanceof ModelCheckError && e.stage !== 'worker') throw new InputError(e.stage === 'aborted' ? 'interrupted while the model was being read' : `--model: ${e.message.replace(/^model [^:]*: /, '')}`);
    throw e;
  }
}

/**
 * `prepareModel` for a command: a backend that cannot start is named `--backend <b>: …`, any
 * other failure `--model: …` (one line, exit 1).
 */
export async function prepareCliModel(artifacts: ModelArtifacts, backend: BackendPreference): Promise<PreparedModel> {
  try {
    return await prepareModel(artifacts, { backend, cache: fileProbeCache() });
  } catch (e) {
    const m = (e as Error).message;
    if (m.startsWith('selectBackend: ')) throw new InputError(`--backend ${backend}: ${m.slice('selectBackend: '.length)}`);
    throw new InputError(m.startsWith('--') ? m : `--model: ${m}`);
  }
}

function wrap<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new InputError((e as Error).message);
  }
}
