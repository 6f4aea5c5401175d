/**
 * A page compute run's folder (finishPageRun from a ComputeTaskResult with the per-window
 * predictions the page collected) against the compute worker's (runInferenceJob) for the same
 * inputs and settings: every file, layer and map equal, the prediction cache equal within its
 * encoding's step, the record equal except the backend, timing and date.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { RUN_LAYERS, type ComputeTaskResult, type RunSettings } from '../../../shared/api/contract';
import { validateArgs } from '../../../shared/api/validateArgs';
import { readNifti, type NiftiVolume } from '../../../shared/io/nifti';
import { parseNpy } from '../../../shared/io/npy';
import { prepareModel } from '../../../shared/engine/prepareModel';
import { decodePredictionCache, defaultCacheEncoding, PredictionCollector } from '../../../shared/reevaluate';
import { runInference } from '../../../shared/engine/inference/runInference';
import { readModelFolder } from '../../../src-node/readModelFolder';
import { finishPageRun, readRunLayer, readRunMaps, readRunPlan, readRunRecord, runInferenceJob, toComputeTaskResult, type ComputeModel } from '../../../src-node/compute/index';
import { repoRoot } from '../../helpers/sharedData';
import { cacheDifference, cacheStep } from '../../helpers/cacheDifference';

const modelDir = resolve(repoRoot, 'demo/model');
const imagePath = resolve(repoRoot, 'demo/data/ch2-2mm_t1.nii.gz');
const labelPath = resolve(repoRoot, 'demo/data/ch2-2mm_brain.nii.gz');
const tmp = mkdtempSync(join(tmpdir(), 'patchlens-pagerun-'));

let model: ComputeModel;
let image: NiftiVolume;
let label: NiftiVolume;
const imageInput = () => ({ volume: image, header: image.header, name: 'ch2-2mm_t1.nii.gz', path: imagePath });
const labelInput = () => ({ volume: label, name: 'ch2-2mm_brain.nii.gz', path: labelPath });
const pageModel = () => ({ spec: model.model.spec, sha256: model.model.sha256, name: 'model', path: modelDir });

beforeAll(async () => {
  tf.env().set('PROD', true);
  const prepared = await prepareModel(await readModelFolder(modelDir), { backend: 'wasm' });
  model = { ...prepared, name: 'model', path: modelDir };
  image = readNifti(readFileSync(imagePath));
  label = readNifti(readFileSync(labelPath));
}, 60_000);
afterAll(() => {
  model?.runner.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

/** A page's answer for these settings: runInference in-process with the page's collector, as a page would send it (through the validator). */
async function pageResult(settings: RunSettings, withLabel: boolean): Promise<ComputeTaskResult> {
  const collector = new PredictionCollector({ encoding: defaultCacheEncoding(settings.measure) });
  const r = await runInference({ image, label: withLabel ? label : null, runner: model.runner, spec: model.model.spec, options: { ...settings, onPrediction: collector.add } });
  const result = toComputeTaskResult(r, collector);
  result.backend = { ...result.backend, name: 'webgl', reason: 'probe: webgl 2.1 ms', renderer: 'ANGLE (test GPU)', software: false };
  return validateArgs('compute:done', { agentId: 'a1', taskId: 't1', result }).result;
}

function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, what: string) {
  expect(a.length, what).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst, what).toBeLessThanOrEqual(1e-6);
}

/** Two prediction cache files: the same geometry and labels, every probability within one step of the encoding. */
function expectSameCache(pathA: string, pathB: string) {
  const ca = decodePredictionCache(readFileSync(pathA));
  const cb = decodePredictionCache(readFileSync(pathB));
  expect({ ...ca, probabilities: null, labels: null }).toEqual({ ...cb, probabilities: null, labels: null });
  expect(Buffer.compare(Buffer.from(ca.labels), Buffer.from(cb.labels))).toBe(0);
  // Within one step of the encoding (the page's floats may round to the neighbouring value).
  expect(cacheDifference(ca, cb)).toBeLessThanOrEqual(cacheStep(ca.encoding));
}

/** Runs both ways and compares the folders. */
async function compare(name: string, settings: RunSettings, withLabel: boolean) {
  const a = join(tmp, `${name}-page`);
  const b = join(tmp, `${name}-node`);
  const result = await pageResult(settings, withLabel);
  const ra = finishPageRun({ result, image: imageInput(), label: withLabel ? labelInput() : null, model: pageModel(), settings, outDir: a, id: name });
  const rb = await runInferenceJob({ image: imageInput(), label: withLabel ? labelInput() : null, model, settings, outDir: b, id: name });

  // The page sent its per-window predictions: both folders have a prediction cache.
  expect(readdirSync(a).sort()).toEqual(readdirSync(b).sort());
  expect(readdirSync(a)).toContain('prediction-cache.bin');
  const strip = (r: Record<string, unknown>) => ({ ...r, backend: null, timing: null, createdAt: null });
  expect(strip(ra)).toEqual(strip(rb));
  expect(ra.backend).toEqual({ name: 'webgl', reason: 'probe: webgl 2.1 ms' });
  expect(readRunRecord(a)).toEqual(ra);
  expect(readRunPlan(a).predictionCache?.present).toBe(true);
  expect(readRunPlan(a)).toEqual(readRunPlan(b));
  expectSameCache(join(a, 'prediction-cache.bin'), join(b, 'prediction-cache.bin'));
  for (const layer of ra.layers) {
    const la = readRunLayer(a, layer);
    const lb = readRunLayer(b, layer);
    expect(la.shape, layer).toEqual(lb.shape);
    expect(la.affine, layer).toEqual(lb.affine);
    expect(la.data.constructor, layer).toBe(lb.data.constructor);
    expectClose(la.data, lb.data, layer);
  }
  const ma = readRunMaps(a, name);
  const mb = readRunMaps(b, name);
  for (const k of ['performance', 'consistency'] as const) {
    expect(ma[k] === null, k).toBe(mb[k] === null);
    if (!ma[k] || !mb[k]) continue;
    expect({ ...ma[k], data: null }).toEqual({ ...mb[k], data: null });
    expectClose(ma[k].data, mb[k].data, k);
  }
  for (const f of readdirSync(a).filter((x) => x.endsWith('.npy'))) expectClose(parseNpy(readFileSync(join(a, f))).data, parseNpy(readFileSync(join(b, f))).data, f);
  for (const f of readdirSync(a).filter((x) => x.endsWith('.nii.gz'))) {
    const va = readNifti(readFileSync(join(a, f)));
    const vb = readNifti(readFileSync(join(b, f)));
    expect(va.shape, f).toEqual(vb.shape);
    expectClose(va.data, vb.data, f);
  }
  const ja = JSON.parse(readFileSync(join(a, 'result.json'), 'utf8'));
  const jb = JSON.parse(readFileSync(join(b, 'result.json'), 'utf8'));
  // files: each file's SHA-256; the page's floats differ from the worker's in the last bits (compared above with a tolerance).
  const stripJson = (j: Record<string, unknown>) => ({ ...j, run: null, timing: null, backend: null, files: null });
  expect(stripJson(ja)).toEqual(stripJson(jb));
  expect(ja.backend).toMatchObject({ name: 'webgl', renderer: 'ANGLE (test GPU)', software: false });
  for (const f of ['patch-performance.json', 'consistency.json']) {
    if (readdirSync(b).includes(f)) expect(readFileSync(join(a, f), 'utf8'), f).toBe(readFileSync(join(b, f), 'utf8'));
  }
  return { ra, rb, a, b };
}

describe('finishPageRun', () => {
  it('writes the same run folder as the compute worker (overlap 0.5, gaussian, cross-entropy, with labels)', async () => {
    const { ra } = await compare('ov05', { patchSize: [24, 24, 24], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'crossEntropy' }, true);
    expect(ra.layers).toEqual([...RUN_LAYERS]);
    expect(ra.windows).toBe(7 * 9 * 7);
    expect(ra.dice).toBeGreaterThan(0.9);
  }, 120_000);

  it('the same for the Dice-error measure, spread placement and a non-cubic patch', async () => {
    const { ra } = await compare('dice', { patchSize: [32, 24, 40], overlap: 0.25, placement: 'spread', blend: 'hann', measure: 'diceError' }, true);
    expect(ra.hasPerformance).toBe(true);
  }, 120_000);

  it('the same without labels (no Dice, no performance map)', async () => {
    const { ra } = await compare('nolabel', { patchSize: [24, 24, 24], overlap: 0.5, placement: 'stride', blend: 'constant', measure: 'absoluteError' }, false);
    expect(ra.dice).toBeNull();
    expect(ra.layers).toEqual(['labels', 'probability', 'coverage', 'tiledConsistency', 'gridOutline']);
  }, 120_000);

  it('refuses a result that does not fit the settings, and leaves no folder behind', async () => {
    const settings: RunSettings = { patchSize: [24, 24, 24], overlap: 0, placement: 'stride', blend: 'constant', measure: 'absoluteError' };
    const result = await pageResult(settings, true);
    const out = join(tmp, 'wrong');
    expect(() => finishPageRun({ result, image: imageInput(), label: labelInput(), model: pageModel(), settings: { ...settings, overlap: 0.5 }, outDir: out, id: 'wrong' })).toThrow(
      /^finishPageRun: the result has \d+ windows but the settings plan \d+ over the inference box/,
    );
    const shifted = { ...result, grid: { ...result.grid, shape: [1, 2, 3] } };
    expect(() => finishPageRun({ result: shifted, image: imageInput(), label: labelInput(), model: pageModel(), settings, outDir: out, id: 'wrong' })).toThrow(/is not the model's grid of this image/);
    const badMap = { ...result, patchPerformance: { ...result.patchPerformance!, shape: [24, 24, 23], accumulator: { ...result.patchPerformance!.accumulator, shape: [24, 24, 23], sum: new Float64Array(24 * 24 * 23) } } };
    expect(() => finishPageRun({ result: badMap, image: imageInput(), label: labelInput(), model: pageModel(), settings, outDir: out, id: 'wrong' })).toThrow(/patchPerformance has shape \[24,24,23\] but the run's patch is \[24,24,24\]/);
    expect(readdirSync(tmp)).not.toContain('wrong');
  }, 60_000);
});
