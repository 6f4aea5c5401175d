/**
 * The prediction cache of a page compute run (finishPageRun with the per-window predictions a
 * page collected with the shared PredictionCollector): the same `prediction-cache.bin` and
 * `plan.json` note as runInferenceJob writes for the same settings, accepted by reevaluateRun;
 * predictions that do not fit the run (size, geometry, encoding, values, malformed) give a
 * complete run without a cache and the reason. On a small fake model (test/helpers/fakeModel.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ComputeTaskResult, RunSettings } from '../../../shared/api/contract';
import { validateArgs } from '../../../shared/api/validateArgs';
import { runInference } from '../../../shared/engine/inference/runInference';
import { readNifti, type NiftiVolume } from '../../../shared/io/nifti';
import { decodePredictionCache, PredictionCollector } from '../../../shared/reevaluate';
import { finishPageRun, NoPredictionCacheError, PAGE_CACHE_MAX_BYTES, pageCacheRequest, readRunPlan, readRunRecord, reevaluateRun, RUN_FILES, runInferenceJob, toComputeTaskResult, type ComputeModel } from '../../../src-node/compute/index';
import { borderModel, fakeSpec, tempFolder, writeCase } from '../../helpers/fakeModel';

const { dir: tmp, cleanup } = tempFolder('patchlens-page-run-cache-');
const SHAPE = [20, 18, 16];
const ABS: RunSettings = { patchSize: [8, 8, 8], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' };
const CE: RunSettings = { ...ABS, measure: 'crossEntropy' };

let image: NiftiVolume;
let label: NiftiVolume;

const runner = () => Object.assign(borderModel({ margin: 3 }), { dispose: () => undefined });
const imageInput = () => ({ volume: image, header: image.header, name: 'case.nii.gz', path: null });
const labelInput = () => ({ volume: label, name: 'case-label.nii.gz', path: null });
const pageModel = () => ({ spec: fakeSpec(), sha256: 'f'.repeat(64), name: 'fake', path: null });

beforeAll(() => {
  const c = writeCase(tmp, 'case', SHAPE, 2);
  image = readNifti(readFileSync(c.image));
  label = readNifti(readFileSync(c.label!));
});
afterAll(cleanup);

/** What a page hands in for these settings: the run with the collector as its onPrediction (as the page's engine does), through the validator. */
async function pageResult(settings: RunSettings): Promise<ComputeTaskResult> {
  const collector = new PredictionCollector({ encoding: pageCacheRequest(SHAPE, settings, 2).encoding });
  const r = await runInference({ image, label, runner: runner(), spec: fakeSpec(), options: { ...settings, onPrediction: collector.add } });
  const result = { ...toComputeTaskResult(r, collector), backend: { name: 'webgl', reason: 'test', renderer: 'Test GPU', software: false } };
  return validateArgs('compute:done', { agentId: 'a1', taskId: 't1', result }).result;
}

/** finishPageRun of a page result into `tmp/<id>`. */
function finish(id: string, result: ComputeTaskResult, settings: RunSettings) {
  const outDir = join(tmp, id);
  const record = finishPageRun({ result, image: imageInput(), label: labelInput(), model: pageModel(), settings, outDir, id });
  return { outDir, record };
}

/** The compute worker's run of the same settings. */
async function nodeRun(id: string, settings: RunSettings) {
  const outDir = join(tmp, id);
  const model = { runner: runner(), model: { spec: fakeSpec(), sha256: 'f'.repeat(64), inputShape: { spatialRank: 3, channels: 1 } }, backend: { name: 'fake', reason: 'test' }, name: 'fake', path: null } as unknown as ComputeModel;
  await runInferenceJob({ image: imageInput(), label: labelInput(), model, settings, outDir, id });
  return outDir;
}

describe('a page run with its per-window predictions', () => {
  it.each([
    ['absoluteError (uint8)', ABS, 'uint8'],
    ['crossEntropy (float16)', CE, 'float16'],
  ] as const)('%s: writes the compute worker\'s prediction-cache.bin and plan.json note; reevaluateRun gives the same answer', async (name, settings, encoding) => {
    const page = finish(`page-${encoding}`, await pageResult(settings), settings);
    const node = await nodeRun(`node-${encoding}`, settings);
    const planPage = readRunPlan(page.outDir);
    const planNode = readRunPlan(node);
    expect(planPage.predictionCache, name).toEqual(planNode.predictionCache);
    expect(planPage.predictionCache).toMatchObject({ present: true, encoding, measure: settings.measure });
    // Same runner in this process: the predictions, the labels and so the encoded file are the same bytes.
    const bytesPage = readFileSync(join(page.outDir, RUN_FILES.predictionCache));
    expect(Buffer.compare(bytesPage, readFileSync(join(node, RUN_FILES.predictionCache)))).toBe(0);
    const cache = decodePredictionCache(bytesPage);
    expect(cache.encoding).toBe(encoding);
    // 20×18×16 with 8³ windows at stride 4: 4×4×3 windows of 512 voxels × 2 classes.
    expect(cache.probabilities.length).toBe(48 * 512 * 2);
    expect(readRunRecord(page.outDir)?.windows).toBe(48);

    const edited = Uint8Array.from(label.data as Uint8Array);
    for (let i = 0; i < 400; i++) edited[i] = 1 - edited[i];
    const a = await reevaluateRun(page.outDir, edited);
    const b = await reevaluateRun(node, edited);
    expect(Array.from(a.after.data)).toEqual(Array.from(b.after.data));
    expect(a.dice).toEqual(b.dice);
    // The unedited labels give the run's own Dice back.
    expect((await reevaluateRun(page.outDir, label.data as Uint8Array)).dice.mean).toBe(page.record.dice);
  });
});

describe('a page run whose predictions do not fit: a complete run, no cache, plan.json says why', () => {
  let good: ComputeTaskResult;
  let goodCe: ComputeTaskResult;
  beforeAll(async () => {
    good = await pageResult(ABS);
    goodCe = await pageResult(CE);
  });
  const sent = (r: ComputeTaskResult) => r.predictions as Extract<ComputeTaskResult['predictions'], { values: unknown }>;

  /** Finishes `result` as run `id`: the run is written, without a cache, and reevaluateRun names the reason. */
  async function expectNoCache(id: string, result: ComputeTaskResult, settings: RunSettings, why: RegExp) {
    const { outDir, record } = finish(id, result, settings);
    expect(record.windows).toBe(48);
    expect(existsSync(join(outDir, RUN_FILES.record))).toBe(true);
    expect(existsSync(join(outDir, RUN_FILES.predictionCache))).toBe(false);
    const note = readRunPlan(outDir).predictionCache;
    expect(note).toEqual({ present: false, reason: expect.stringMatching(why) });
    const e = await reevaluateRun(outDir, label.data as Uint8Array).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(NoPredictionCacheError);
    expect((e as Error).message).toContain((note as { reason: string }).reason);
  }

  it('one window short (a wrong size)', async () => {
    const p = sent(good);
    await expectNoCache('short', { ...good, predictions: { ...p, values: p.values.slice(0, p.values.length - 1024) } }, ABS, /do not fit the run: they have 48128 values, the run's 48 windows of 512 voxels × 2 classes need 49152$/);
  });

  it('window starts of another plan (a wrong geometry)', async () => {
    const p = sent(good);
    const starts = p.geometry.starts.map((s, a) => (a === 2 ? s.map((x) => x + 1) : s));
    await expectNoCache('starts', { ...good, predictions: { ...p, geometry: { ...p.geometry, starts } } }, ABS, /their window starts \[\[0,4,8,12\], \[0,4,8,10\], \[1,5,9\]\] are not the run's plan's \[\[0,4,8,12\], \[0,4,8,10\], \[0,4,8\]\]$/);
    await expectNoCache('padlow', { ...good, predictions: { ...p, geometry: { ...p.geometry, padLow: [1, 0, 0] } } }, ABS, /their geometry.padLow is \[1,0,0\], the run's plan has \[0,0,0\]$/);
  });

  it('another encoding than the measure\'s, another class count', async () => {
    const p = sent(goodCe);
    await expectNoCache('encoding', { ...good, predictions: p }, ABS, /they are encoded as float16, but a absoluteError run caches uint8$/);
    await expectNoCache('classes', { ...good, predictions: { ...sent(good), classes: 3 } }, ABS, /they have 3 classes, the run's probabilities 2$/);
  });

  it('a float16 value that is no probability', async () => {
    const p = sent(goodCe);
    const values = Uint16Array.from(p.values as Uint16Array);
    values[7] = 0x3c01;
    await expectNoCache('half', { ...goodCe, predictions: { ...p, values } }, CE, /value 7 \(half bits 0x3c01\) is not a probability in \[0, 1\]$/);
  });

  it('malformed predictions are answered as absent by the validator (the run is not refused)', async () => {
    const p = sent(good);
    const args = { agentId: 'a1', taskId: 't1', result: { ...good, predictions: { ...p, values: Array.from(p.values) } } };
    const checked = validateArgs('compute:done', args).result;
    expect(checked.predictions).toEqual({ absent: "the page's per-window predictions are malformed: compute:done: result.predictions.values must be a Uint8Array for the uint8 encoding, got Array" });
    await expectNoCache('malformed', checked, ABS, /sent no per-window predictions: the page's per-window predictions are malformed/);
  });

  it('the page\'s own reason, and no predictions at all', async () => {
    await expectNoCache('page-absent', { ...good, predictions: { absent: 'its predictions take 9 bytes, more than the 8 main allows' } }, ABS, /page compute context that sent no per-window predictions: its predictions take 9 bytes, more than the 8 main allows$/);
    await expectNoCache('none', { ...good, predictions: null }, ABS, /page compute context .* sent the stitched result but not the per-window predictions/);
  });
});

describe('pageCacheRequest (what main asks of the page, and its allowance)', () => {
  it('the measure\'s encoding; windows × patch voxels × classes × bytes for the largest permuted box with the crop slack', () => {
    // Boxes of [20, 18, 16] + 2·24 = [68, 66, 64] in any axis order; 8³ windows at stride 4:
    // 16 starts on 68 and on 66 (the last shifted to the edge), 15 on 64 → 3840 windows.
    expect(pageCacheRequest(SHAPE, ABS, 2)).toEqual({ encoding: 'uint8', maxBytes: 3840 * 512 * 2 * 1 });
    expect(pageCacheRequest(SHAPE, CE, 3)).toEqual({ encoding: 'float16', maxBytes: 3840 * 512 * 3 * 2 });
    // At least the run's own cache (48 windows).
    expect(pageCacheRequest(SHAPE, ABS, 2).maxBytes).toBeGreaterThanOrEqual(48 * 512 * 2);
    expect(pageCacheRequest([4000, 4000, 4000], { ...ABS, patchSize: [64, 64, 64] }, 50).maxBytes).toBe(PAGE_CACHE_MAX_BYTES);
  });
});
