/**
 * reevaluateRun on run folders of a small fake model (test/helpers/fakeModel.ts): the prediction
 * cache runInferenceJob writes, the map and Dice against the unedited and an edited reference
 * (against a fresh run with the edited labels), crop boxes and reoriented model grids, and the
 * folders that have no cache (caching off, a page compute run, a resampled model grid, old runs).
 */
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSettings } from '../../../shared/api/contract';
import type { ModelSpec } from '../../../shared/engine/modelSpec';
import { runInference } from '../../../shared/engine/inference/runInference';
import { readNifti, type NiftiVolume } from '../../../shared/io/nifti';
import { decodePredictionCache, reevaluate } from '../../../shared/reevaluate';
import { cartesianProduct } from '../../../shared/grid/patchGrid';
import {
  ComputeError,
  finishPageRun,
  NoPredictionCacheError,
  readRunMaps,
  readRunPlan,
  readRunRecord,
  reevaluateRun,
  RUN_FILES,
  runInferenceJob,
  toComputeTaskResult,
  type ComputeModel,
} from '../../../src-node/compute/index';
import { borderModel, fakeSpec, tempFolder, writeCase } from '../../helpers/fakeModel';

const { dir: tmp, cleanup } = tempFolder('patchlens-reevaluate-run-');
const SHAPE = [20, 18, 16];
const settings: RunSettings = { patchSize: [8, 8, 8], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' };
/** uint8 cache, absoluteError: each probability within 1/510, so the mean map within classes/1020 (docs/reevaluation.md). */
const UINT8_BOUND = 2 / 1020;

let image: NiftiVolume;
let label: NiftiVolume;

function model(spec: ModelSpec = fakeSpec()): ComputeModel {
  const runner = Object.assign(borderModel({ margin: 3 }), { dispose: () => undefined });
  return {
    runner,
    model: { spec, sha256: 'f'.repeat(64), inputShape: { spatialRank: 3, channels: 1 } },
    backend: { name: 'fake', reason: 'test' },
    name: spec.name,
    path: null,
  } as unknown as ComputeModel;
}

const imageInput = () => ({ volume: image, header: image.header, name: 'case.nii.gz', path: null });
const labelInput = (volume: NiftiVolume | { data: Uint8Array } = label) => ({ volume: { ...label, data: volume.data }, name: 'case-label.nii.gz', path: null });

async function job(id: string, options: { spec?: ModelSpec; withLabel?: boolean; labels?: Uint8Array; predictionCache?: boolean } = {}) {
  const outDir = join(tmp, id);
  const withLabel = options.withLabel ?? true;
  const record = await runInferenceJob({
    image: imageInput(),
    label: withLabel ? labelInput(options.labels ? { data: options.labels } : label) : null,
    model: model(options.spec),
    settings,
    outDir,
    id,
    predictionCache: options.predictionCache,
  });
  return { outDir, record };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** The reference with a block of voxels set to `value` (an edit that changes the map and Dice). */
function edited(value: number): Uint8Array {
  const out = Uint8Array.from(label.data as Uint8Array);
  for (let z = 4; z < 10; z++) for (let y = 3; y < 9; y++) for (let x = 2; x < 8; x++) out[(z * SHAPE[1] + y) * SHAPE[2] + x] = value;
  return out;
}

beforeAll(() => {
  const c = writeCase(tmp, 'case', SHAPE, 2);
  image = readNifti(readFileSync(c.image));
  label = readNifti(readFileSync(c.label!));
});
afterAll(cleanup);

describe('the prediction cache in the run folder', () => {
  it('runInferenceJob writes prediction-cache.bin and plan.json names it with its size, encoding, measure and Dice mode', async () => {
    const { outDir } = await job('cached');
    const plan = readRunPlan(outDir);
    const bytes = statSync(join(outDir, RUN_FILES.predictionCache)).size;
    expect(plan.predictionCache).toEqual({ present: true, file: 'prediction-cache.bin', bytes, encoding: 'uint8', measure: 'absoluteError', labelMode: 'classes', classNames: ['background', 'object'] });
    const cache = decodePredictionCache(readFileSync(join(outDir, RUN_FILES.predictionCache)));
    // 20×18×16 with 8³ windows at stride 4: 4×4×3 windows of 512 voxels × 2 classes, one byte each.
    expect(cartesianProduct(cache.geometry.starts).length).toBe(plan.windowStarts.length);
    expect(cache.probabilities.length).toBe(plan.windowStarts.length * 512 * 2);
    expect(cache.geometry.shape).toEqual(SHAPE);
  });

  it('predictionCache: false writes no cache and plan.json says why', async () => {
    const { outDir } = await job('uncached', { predictionCache: false });
    expect(() => statSync(join(outDir, RUN_FILES.predictionCache))).toThrow();
    expect(readRunPlan(outDir).predictionCache).toEqual({ present: false, reason: expect.stringContaining('prediction caching was off') });
  });
});

describe('reevaluateRun', () => {
  it('with the unedited reference: the saved map within the uint8 bound, Dice exactly the run\'s, no difference beyond the bound', async () => {
    const { outDir, record } = await job('same');
    const saved = readRunMaps(outDir, 'same').performance!;
    const r = await reevaluateRun(outDir, label.data as Uint8Array);
    expect(r.runId).toBe('same');
    expect(r.before).toEqual(saved);
    expect(r.after.shape).toEqual([8, 8, 8]);
    expect(r.after.measure).toBe('absoluteError');
    expect(r.after.count).toBe(saved.count);
    const worst = maxDiff(r.after.data, saved.data);
    expect(worst).toBeLessThanOrEqual(UINT8_BOUND);
    expect(worst).toBeGreaterThan(0); // a quantized cache, not the saved map read back
    expect(Math.max(...r.difference.data.map(Math.abs))).toBeLessThanOrEqual(UINT8_BOUND);
    expect(r.dice.mean).toBe(record.dice);
    const result = JSON.parse(readFileSync(join(outDir, 'result.json'), 'utf8'));
    expect(r.dice.perClass.map((c) => c.dice)).toEqual(result.dice.perClass.map((c: { dice: number }) => c.dice));
    expect(r.marginBefore).toHaveLength(3);
    expect(r.marginAfter).toHaveLength(3);
  });

  it('after an edit: the map of a fresh run with the edited labels (within the bound), that run\'s Dice, and reevaluate from scratch', async () => {
    const { outDir } = await job('base');
    const ref = edited(1);
    const r = await reevaluateRun(outDir, ref);
    const fresh = await job('fresh', { labels: ref, predictionCache: false });
    const freshMap = readRunMaps(fresh.outDir, 'fresh').performance!;
    expect(maxDiff(r.after.data, freshMap.data)).toBeLessThanOrEqual(UINT8_BOUND);
    expect(maxDiff(r.after.data, r.before.data)).toBeGreaterThan(0.01);
    expect(r.dice.mean).toBe(fresh.record.dice);
    expect(r.dice.mean).not.toBe(readRunRecord(outDir)!.dice);
    // Before: the run's own Dice as its result.json holds it (against the reference it ran with).
    expect(r.diceBefore).toEqual(JSON.parse(readFileSync(join(outDir, 'result.json'), 'utf8')).dice);
    expect(r.diceBefore!.mean).toBe(readRunRecord(outDir)!.dice);
    // The same as reevaluate on the decoded cache, and the difference is after − before.
    const cache = decodePredictionCache(readFileSync(join(outDir, RUN_FILES.predictionCache)));
    const scratch = reevaluate(cache, cache.geometry, ref, { measure: 'absoluteError', labelMode: 'classes' }).map();
    expect(Array.from(r.after.data)).toEqual(Array.from(Float32Array.from(scratch)));
    r.difference.data.forEach((d, i) => expect(d).toBeCloseTo(r.after.data[i] - r.before.data[i], 6));
    // Error counts: the run's labels against the edited block (all object now).
    const predicted = readNifti(readFileSync(join(outDir, 'labels.nii.gz'))).data;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < ref.length; i++) {
      if (predicted[i] > 0 && ref[i] === 0) fp++;
      if (predicted[i] === 0 && ref[i] > 0) fn++;
    }
    expect(r.errorCounts).toEqual({ falsePositive: fp, falseNegative: fn, wrongClass: 0 });
    expect(fn).toBeGreaterThan(0);
    // The after margin's noise: one leave-out margin per group of windows, the full map's margin inside their range.
    const noise = r.marginNoise!;
    const windows = cache.geometry.starts.reduce((n, axis) => n * axis.length, 1);
    expect(noise.windows).toBe(windows);
    expect(noise.groups).toBe(Math.min(10, windows));
    expect(noise.margins).toHaveLength(noise.groups);
    r.marginAfter!.forEach((m, a) => {
      expect(noise.low![a]).toBeLessThanOrEqual(m);
      expect(noise.high![a]).toBeGreaterThanOrEqual(m);
    });
  });

  it('a run on a crop box: the reference is read inside the box, the map is the saved one within the bound, Dice over the whole image', async () => {
    const spec = { ...fakeSpec(), crop: { threshold: 0.3, padding: 1 } };
    const { outDir, record } = await job('crop', { spec });
    const plan = readRunPlan(outDir);
    expect(plan.domain.size.some((s, a) => s < SHAPE[a])).toBe(true);
    const r = await reevaluateRun(outDir, label.data as Uint8Array);
    expect(maxDiff(r.after.data, readRunMaps(outDir, 'crop').performance!.data)).toBeLessThanOrEqual(UINT8_BOUND);
    expect(r.dice.mean).toBe(record.dice);
    const ref = edited(1);
    const fresh = await job('crop-fresh', { spec, labels: ref, predictionCache: false });
    expect(readRunPlan(fresh.outDir).domain).toEqual(plan.domain);
    const r2 = await reevaluateRun(outDir, ref);
    expect(maxDiff(r2.after.data, readRunMaps(fresh.outDir, 'crop-fresh').performance!.data)).toBeLessThanOrEqual(UINT8_BOUND);
    expect(r2.dice.mean).toBe(fresh.record.dice);
  });

  it('a run on an exactly reoriented model grid: box voxels are image voxels, the same agreement', async () => {
    const spec = { ...fakeSpec(), orientation: 'LIA' };
    const { outDir, record } = await job('lia', { spec });
    // RAS image axes [R, A, S] → tensor axes [L, I, A]: axis 0 flipped, axes 1 and 2 swapped (one flipped).
    expect(readRunPlan(outDir).modelGrid.shape).toEqual([20, 16, 18]);
    expect(readRunPlan(outDir).predictionCache?.present).toBe(true);
    const ref = edited(1);
    const r = await reevaluateRun(outDir, ref);
    const fresh = await job('lia-fresh', { spec, labels: ref, predictionCache: false });
    expect(maxDiff(r.after.data, readRunMaps(fresh.outDir, 'lia-fresh').performance!.data)).toBeLessThanOrEqual(UINT8_BOUND);
    expect(r.dice.mean).toBe(fresh.record.dice);
    expect((await reevaluateRun(outDir, label.data as Uint8Array)).dice.mean).toBe(record.dice);
  });

  it('a run without reference labels: before is the new map (its source says so), marginBefore null', async () => {
    const { outDir } = await job('nolabel', { withLabel: false });
    const r = await reevaluateRun(outDir, label.data as Uint8Array);
    expect(r.before.source).toContain('had no reference labels');
    expect(Array.from(r.before.data)).toEqual(Array.from(r.after.data));
    expect(r.marginBefore).toBeNull();
    expect(r.marginAfter).toHaveLength(3);
    expect(Math.max(...r.difference.data)).toBe(0);
  });

  it('throws NoPredictionCacheError (precondition) naming why: caching off, a page run, a resampled grid, a run from before caches', async () => {
    const expectNoCache = async (dir: string, why: RegExp) => {
      const e = await reevaluateRun(dir, label.data as Uint8Array).then(
        () => null,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(NoPredictionCacheError);
      expect((e as ComputeError).code).toBe('precondition');
      expect((e as Error).message).toMatch(/has no prediction cache/);
      expect((e as Error).message).toMatch(why);
    };
    await expectNoCache(join(tmp, 'uncached'), /prediction caching was off/);

    const spec = fakeSpec();
    const result = await runInference({ image, label, runner: model().runner, spec, options: { ...settings } });
    const pageDir = join(tmp, 'page');
    finishPageRun({ result: toComputeTaskResult(result), image: imageInput(), label: labelInput(), model: { spec, sha256: 'f'.repeat(64), name: 'fake', path: null }, settings, outDir: pageDir, id: 'page' });
    await expectNoCache(pageDir, /page compute context/);

    const resampled = await job('resampled', { spec: { ...fakeSpec(), voxelSize: [2, 2, 2] } });
    expect(() => statSync(join(resampled.outDir, RUN_FILES.predictionCache))).toThrow();
    await expectNoCache(resampled.outDir, /resampling of the image/);

    const { outDir } = await job('old');
    const plan = readRunPlan(outDir);
    delete plan.predictionCache;
    writeFileSync(join(outDir, RUN_FILES.plan), JSON.stringify(plan));
    rmSync(join(outDir, RUN_FILES.predictionCache));
    await expectNoCache(outDir, /made before PatchLens cached/);
  });

  it('refuses a reference of the wrong size or type (bad-request) and a broken cache (bad-input)', async () => {
    const dir = join(tmp, 'same');
    await expect(reevaluateRun(dir, new Uint8Array(10))).rejects.toThrow(/the reference has 10 voxels but run same's image \[20,18,16\] has 5760/);
    await expect(reevaluateRun(dir, new Float32Array(5760) as unknown as Uint8Array)).rejects.toThrow(/Uint8Array or Uint16Array/);
    const path = join(dir, RUN_FILES.predictionCache);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length - 1));
    const e = await reevaluateRun(dir, label.data as Uint8Array).catch((err: unknown) => err);
    expect((e as ComputeError).code).toBe('bad-input');
    expect((e as Error).message).toMatch(/prediction-cache\.bin: decodePredictionCache: expected \d+ bytes/);
  });
});
