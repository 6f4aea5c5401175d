/**
 * The compute functions of the app's job worker on the bundled demo (demo/model, demo/data):
 * one run folder per setting, its layers on the image grid, the maps, and the patch inspector.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import type { RunRecord, RunSettings } from '../../../shared/api/contract';
import { blendingWeights } from '../../../shared/blending/blendingWeights';
import { applyAffine, invertAffine } from '../../../shared/io/affine';
import { readNifti, type NiftiVolume } from '../../../shared/io/nifti';
import { parseNpy } from '../../../shared/io/npy';
import { reorient } from '../../../shared/io/orientation';
import type { Volume } from '../../../shared/io/volume';
import { prepareModel } from '../../../shared/engine/prepareModel';
import { runInference } from '../../../shared/engine/inference/runInference';
import { readModelFolder } from '../../../src-node/readModelFolder';
import { main } from '../../../src-cli/main';
import type { Io } from '../../../src-cli/io';
import {
  inspectRunVoxel,
  readRunLayer,
  readRunMaps,
  readRunRecord,
  readTrainingMap,
  runInferenceJob,
  type ComputeModel,
  type JobProgress,
} from '../../../src-node/compute/index';
import { repoRoot } from '../../helpers/sharedData';

const modelDir = resolve(repoRoot, 'demo/model');
const imagePath = resolve(repoRoot, 'demo/data/ch2-2mm_t1.nii.gz');
const labelPath = resolve(repoRoot, 'demo/data/ch2-2mm_brain.nii.gz');
const tmp = mkdtempSync(join(tmpdir(), 'patchlens-compute-'));

let model: ComputeModel;
let image: NiftiVolume;
let label: NiftiVolume;
const imageInput = () => ({ volume: image, header: image.header, name: 'ch2-2mm_t1.nii.gz', path: imagePath });
const labelInput = () => ({ volume: label as Volume, name: 'ch2-2mm_brain.nii.gz', path: labelPath });

const SHAPE = [91, 109, 91];
const at = (v: number[]) => (v[0] * SHAPE[1] + v[1]) * SHAPE[2] + v[2];
const patchIndex = (p: number[]) => (p[0] * 24 + p[1]) * 24 + p[2];

/** Runs one job into runs/<id>. */
async function job(id: string, settings: RunSettings, withLabel = true, progress?: JobProgress[]) {
  const outDir = join(tmp, id);
  const record = await runInferenceJob({ image: imageInput(), label: withLabel ? labelInput() : null, model, settings, outDir, id, onProgress: (p) => progress?.push(p) });
  return { outDir, record };
}

const ov05: RunSettings = { patchSize: [24, 24, 24], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'crossEntropy' };
const ov0: RunSettings = { patchSize: [24, 24, 24], overlap: 0, placement: 'stride', blend: 'constant', measure: 'crossEntropy' };

let r05: { outDir: string; record: Omit<RunRecord, 'dir'> };
let r0: { outDir: string; record: Omit<RunRecord, 'dir'> };
const progress05: JobProgress[] = [];

beforeAll(async () => {
  tf.env().set('PROD', true);
  const prepared = await prepareModel(await readModelFolder(modelDir), { backend: 'wasm' });
  model = { ...prepared, name: 'model', path: modelDir };
  image = readNifti(readFileSync(imagePath));
  label = readNifti(readFileSync(labelPath));
  r05 = await job('r05', ov05, true, progress05);
  r0 = await job('r0', ov0);
}, 120_000);
afterAll(() => {
  model?.runner.dispose();
  rmSync(tmp, { recursive: true, force: true });
});

describe('runInferenceJob', () => {
  it('writes every file of the run folder and a record with the layers that exist', () => {
    expect(readdirSync(r05.outDir).sort()).toEqual(
      [
        'consistency.json',
        'consistency.nii.gz',
        'consistency.npy',
        'coverage.nii.gz',
        'grid-outline.nii.gz',
        'labels.nii.gz',
        'patch-performance.json',
        'patch-performance.nii.gz',
        'patch-performance.npy',
        'plan.json',
        'prediction-cache.bin',
        'probabilities.nii.gz',
        'result.json',
        'run.json',
        'tiled-consistency.nii.gz',
        'tiled-performance.nii.gz',
      ].sort(),
    );
    const r = r05.record;
    expect(r).toMatchObject({ id: 'r05', imageName: 'ch2-2mm_t1.nii.gz', labelName: 'ch2-2mm_brain.nii.gz', modelName: 'model', settings: ov05, hasPerformance: true, hasConsistency: true });
    expect(r.layers).toEqual(['labels', 'probability', 'coverage', 'tiledPerformance', 'tiledConsistency', 'gridOutline']);
    expect(r.windows).toBe(7 * 9 * 7);
    expect(r.backend.name).toBe('wasm');
    expect(r.backend.reason.length).toBeGreaterThan(0);
    expect(r.dice).toBeGreaterThan(0.9);
    expect(Number.isNaN(Date.parse(r.createdAt))).toBe(false);
    expect(readRunRecord(r05.outDir)).toEqual(r);
    expect(readRunRecord(join(tmp, 'nothing-here'))).toBeNull();
  });

  it('reports progress from 0 to 1 through the phases, never going back', () => {
    const f = progress05.map((p) => p.fraction);
    expect(f[0]).toBe(0);
    expect(f[f.length - 1]).toBe(1);
    for (let i = 1; i < f.length; i++) expect(f[i]).toBeGreaterThanOrEqual(f[i - 1]);
    expect(new Set(progress05.map((p) => p.phase))).toEqual(new Set(['preprocess', 'model', 'postprocess', 'write', 'done']));
    expect(progress05.filter((p) => p.phase === 'model').length).toBe(7 * 9 * 7);
    expect(progress05.find((p) => p.phase === 'model' && p.etaMs !== null)!.message).toMatch(/^model: \d+\/441 windows$/);
  });

  it('gets the Dice of a direct runInference and of the CLI with the same settings', async () => {
    const direct = await runInference({ image, label, runner: model.runner, spec: model.model.spec, options: { ...ov05 } });
    expect(r05.record.dice).toBe(direct.dice!.mean);
    const out = join(tmp, 'cli');
    const io: Io = { out: () => undefined, err: () => undefined, isTTY: false };
    const code = await main(['infer', '--image', imagePath, '--label', labelPath, '--model', modelDir, '--patch', '24', '--overlap', '0.5', '--blend', 'gaussian', '--backend', 'wasm', '--out', out, '--quiet'], io);
    expect(code).toBe(0);
    const cli = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(r05.record.dice).toBeCloseTo(cli.dice.mean, 6);
  }, 60_000);

  it('without labels: no Dice, no performance layer', async () => {
    const { outDir, record } = await job('nolabel', { ...ov05, blend: 'hann' }, false);
    expect(record.dice).toBeNull();
    expect(record.labelName).toBeNull();
    expect(record.hasPerformance).toBe(false);
    expect(record.layers).toEqual(['labels', 'probability', 'coverage', 'tiledConsistency', 'gridOutline']);
    expect(existsSync(join(outDir, 'tiled-performance.nii.gz'))).toBe(false);
    expect(() => readRunLayer(outDir, 'tiledPerformance')).toThrow(/readRunLayer: the run folder .* has no tiled-performance.nii.gz/);
    expect(readRunMaps(outDir, 'nolabel').performance).toBeNull();
  }, 60_000);

  it('cancelled: rejects with the signal reason and leaves no folder', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop now'));
    const outDir = join(tmp, 'cancelled');
    await expect(runInferenceJob({ image: imageInput(), label: null, model, settings: ov05, outDir, id: 'c', signal: controller.signal })).rejects.toThrow(/stop now/);
    expect(existsSync(outDir)).toBe(false);
  });

  it('rejects bad settings naming the setting', async () => {
    const outDir = join(tmp, 'bad');
    await expect(runInferenceJob({ image: imageInput(), label: null, model, settings: { ...ov05, patchSize: [24, 0, 24] }, outDir, id: 'b' })).rejects.toThrow(/runInferenceJob: settings.patchSize/);
    await expect(runInferenceJob({ image: imageInput(), label: null, model, settings: { ...ov05, overlap: 1 }, outDir, id: 'b' })).rejects.toThrow(/runInferenceJob: settings.overlap must be in \[0, 0.9\], got 1/);
    expect(existsSync(outDir)).toBe(false);
  });
});

describe('readRunLayer', () => {
  it('every layer has the image shape and affine', () => {
    for (const layer of r05.record.layers) {
      const v = readRunLayer(r05.outDir, layer);
      expect(v.shape, layer).toEqual(SHAPE);
      expect(v.affine, layer).toEqual(image.affine);
      expect(v.spacing, layer).toEqual(image.spacing);
      expect(v.data.length, layer).toBe(91 * 109 * 91);
    }
    expect(readRunLayer(r05.outDir, 'labels').data).toBeInstanceOf(Uint8Array);
    expect(readRunLayer(r05.outDir, 'gridOutline').data).toBeInstanceOf(Uint8Array);
  });

  it('probability is 1 − p(background) = p(brain); coverage counts windows', () => {
    const probs = readNifti(readFileSync(join(r05.outDir, 'probabilities.nii.gz')));
    const n = 91 * 109 * 91;
    const p = readRunLayer(r05.outDir, 'probability').data;
    expect(p).toBeInstanceOf(Float32Array);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(p[i] - probs.data[n + i]));
    expect(worst).toBeLessThan(1e-6);
    const cov = readRunLayer(r0.outDir, 'coverage').data;
    expect(cov[at([10, 10, 10])]).toBe(1);
    expect(cov[at([70, 10, 10])]).toBe(2); // windows at 48 and 67 on axis 0
  });

  it('tiledPerformance is the map value at the voxel’s position in its window (overlap 0)', () => {
    const map = parseNpy(readFileSync(join(r0.outDir, 'patch-performance.npy'))).data;
    const tiled = readRunLayer(r0.outDir, 'tiledPerformance').data;
    expect(tiled[at([10, 10, 10])]).toBe(map[patchIndex([10, 10, 10])]);
    expect(tiled[at([29, 51, 7])]).toBe(map[patchIndex([5, 3, 7])]); // window start [24, 48, 0]
    // axis 0 voxel 70: windows at 48 (position 22) and 67 (position 3), the mean of both
    expect(tiled[at([70, 51, 7])]).toBeCloseTo((map[patchIndex([22, 3, 7])] + map[patchIndex([3, 3, 7])]) / 2, 6);
    const tc = readRunLayer(r0.outDir, 'tiledConsistency').data;
    const cmap = parseNpy(readFileSync(join(r0.outDir, 'consistency.npy'))).data;
    expect(tc[at([29, 51, 7])]).toBe(cmap[patchIndex([5, 3, 7])]);
  });

  it('gridOutline is 1 exactly on window faces (overlap 0)', () => {
    const starts = [
      [0, 24, 48, 67],
      [0, 24, 48, 72, 85],
      [0, 24, 48, 67],
    ];
    const faces = starts.map((s) => new Set(s.flatMap((x) => [x, x + 23])));
    const outline = readRunLayer(r0.outDir, 'gridOutline').data;
    let ones = 0;
    let wrong = 0;
    for (let k = 0; k < 91; k++)
      for (let j = 0; j < 109; j++)
        for (let i = 0; i < 91; i++) {
          const expected = faces[0].has(k) || faces[1].has(j) || faces[2].has(i) ? 1 : 0;
          if (outline[at([k, j, i])] !== expected) wrong++;
          ones += expected;
        }
    expect(wrong).toBe(0);
    expect(ones).toBeGreaterThan(0);
    expect(outline[at([23, 10, 10])]).toBe(1);
    expect(outline[at([10, 10, 10])]).toBe(0);
  });
});

describe('readRunMaps / readTrainingMap', () => {
  it('the run’s maps as PatchMapData', () => {
    const { performance, consistency } = readRunMaps(r05.outDir, 'r05');
    expect(performance).toMatchObject({ shape: [24, 24, 24], measure: 'crossEntropy', count: 441, source: 'run r05' });
    expect(performance!.data).toEqual(parseNpy(readFileSync(join(r05.outDir, 'patch-performance.npy'))).data);
    expect(consistency).toMatchObject({ shape: [24, 24, 24], measure: 'consistency', count: 441, source: 'run r05' });
    expect(() => readRunMaps(join(tmp, 'missing'), 'x')).toThrow(/readRunMaps: the run folder .*missing does not exist/);
  });

  it('the demo model’s training map, null for a folder without one', () => {
    const t = readTrainingMap(modelDir)!;
    expect(t).toMatchObject({ shape: [24, 24, 24], measure: 'categoricalCrossEntropyWithLogits', count: 960, source: 'training' });
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(t.data.length).toBe(24 ** 3);
    const empty = join(tmp, 'empty-model');
    mkdirSync(empty);
    expect(readTrainingMap(empty)).toBeNull();
  });
});

describe('inspectRunVoxel', () => {
  const stitchedAt = (dir: string, v: number[]) => {
    const probs = readNifti(readFileSync(join(dir, 'probabilities.nii.gz')));
    const n = 91 * 109 * 91;
    return [probs.data[at(v)], probs.data[n + at(v)]];
  };

  it('overlap 0: one window, its own prediction is the stitched one', async () => {
    const v = [29, 51, 7];
    const r = await inspectRunVoxel({ runDir: r0.outDir, voxel: v, image, label, model });
    expect(r.voxel).toEqual(v);
    expect(r.modelVoxel).toEqual(v); // the demo image is on the model grid
    expect(r.windows).toHaveLength(1);
    const w = r.windows[0];
    expect(w.start).toEqual([24, 48, 0]);
    // The plan's padded frame is the model grid here (no padding, no crop box): findings record it.
    expect(w.planStart).toEqual(w.start);
    expect(w.positionInPatch).toEqual([5, 3, 7]);
    expect(w.weight).toBe(1);
    const map = parseNpy(readFileSync(join(r0.outDir, 'patch-performance.npy'))).data;
    expect(w.performance).toBe(map[patchIndex([5, 3, 7])]);
    const s = stitchedAt(r0.outDir, v);
    expect(r.stitched).toEqual(s);
    for (let c = 0; c < 2; c++) expect(Math.abs(w.probabilities[c] - s[c])).toBeLessThan(1e-5);
    expect(r.reference).toBe(label.data[at(v)]);
    expect(r.label).toBe(readRunLayer(r0.outDir, 'labels').data[at(v)]);
  });

  it('overlap 0.5 gaussian: the blending-weighted mean of the window predictions is the stitched probability', async () => {
    const v = [45, 50, 40];
    const r = await inspectRunVoxel({ runDir: r05.outDir, voxel: v, image, label, model });
    expect(r.windows).toHaveLength(8);
    const weights = blendingWeights([24, 24, 24], 'gaussian');
    let sw = 0;
    const sp = [0, 0];
    for (const w of r.windows) {
      expect(w.weight).toBe(weights[patchIndex(w.positionInPatch)]);
      w.start.forEach((s, a) => expect(s + w.positionInPatch[a]).toBe(v[a]));
      sw += w.weight;
      for (let c = 0; c < 2; c++) sp[c] += w.weight * w.probabilities[c];
      expect(w.performance).not.toBeNull();
    }
    expect(r.windows.map((w) => w.index)).toEqual([...r.windows.map((w) => w.index)].sort((a, b) => a - b));
    const s = stitchedAt(r05.outDir, v);
    for (let c = 0; c < 2; c++) expect(Math.abs(sp[c] / sw - s[c])).toBeLessThan(1e-4);
    // the windows disagree there, so the check is not trivially one number
    const fg = r.windows.map((w) => w.probabilities[1]);
    expect(Math.max(...fg) - Math.min(...fg)).toBeGreaterThan(1e-3);
    expect(r.stitched).toEqual(s);
  });

  it('a patch larger than the image on an axis: the window begins in the padding (start < 0 on the model grid), planStart is the padded frame\'s (what findings record)', async () => {
    const { outDir } = await job('padded', { ...ov0, patchSize: [96, 24, 24] });
    const plan = JSON.parse(readFileSync(join(outDir, 'plan.json'), 'utf8')) as { frame: { padLow: number[] }; domain: { start: number[] } };
    expect(plan.frame.padLow[0]).toBeGreaterThan(0);
    const v = [45, 50, 7];
    const r = await inspectRunVoxel({ runDir: outDir, voxel: v, image, label, model });
    expect(r.windows).toHaveLength(1);
    const w = r.windows[0];
    expect(w.start[0]).toBe(-plan.frame.padLow[0] + plan.domain.start[0]);
    expect(w.start[0]).toBeLessThan(0);
    w.planStart.forEach((p, a) => expect(p).toBe(w.start[a] - plan.domain.start[a] + plan.frame.padLow[a]));
    w.start.forEach((s0, a) => expect(s0 + w.positionInPatch[a]).toBe(v[a]));
    expect(w.planStart.every((p) => p >= 0)).toBe(true);
  });

  it('crop blend: weight 1 in the kept region, 0 outside; the kept windows average to the stitched probability', async () => {
    const { outDir } = await job('crop', { ...ov05, blend: 'crop' });
    const v = [45, 50, 40];
    const r = await inspectRunVoxel({ runDir: outDir, voxel: v, image, label, model });
    expect(r.windows).toHaveLength(8);
    const kept = r.windows.filter((w) => w.weight === 1);
    expect(kept.length + r.windows.filter((w) => w.weight === 0).length).toBe(8);
    expect(kept.length).toBeGreaterThanOrEqual(1);
    // TorchIO trims overlap//2 = 6 voxels on inner sides: kept positions are 6..17
    for (const w of kept) for (const q of w.positionInPatch) expect(q >= 6 && q < 18).toBe(true);
    const s = stitchedAt(outDir, v);
    const mean = [0, 1].map((c) => kept.reduce((a, w) => a + w.probabilities[c], 0) / kept.length);
    for (let c = 0; c < 2; c++) expect(Math.abs(mean[c] - s[c])).toBeLessThan(1e-4);
  }, 60_000);

  it('rejects a voxel outside the image, naming the voxel and the shape', async () => {
    await expect(inspectRunVoxel({ runDir: r0.outDir, voxel: [91, 0, 0], image, label, model })).rejects.toThrow(/inspectRunVoxel: voxel \[91,0,0\] .*shape \[91,109,91\]/);
    await expect(inspectRunVoxel({ runDir: r0.outDir, voxel: [1, 2], image, label, model })).rejects.toThrow(/voxel \[1,2\]/);
    await expect(inspectRunVoxel({ runDir: r0.outDir, voxel: [1, 2.5, 3], image, label, model })).rejects.toThrow(/voxel \[1,2.5,3\]/);
  });

  it('rejects an image that is not the run’s', async () => {
    const other: Volume = { ...image, shape: [91, 109, 90], data: image.data.subarray(0, 91 * 109 * 90) };
    await expect(inspectRunVoxel({ runDir: r0.outDir, voxel: [1, 2, 3], image: other, label: null, model })).rejects.toThrow(/not the one the run was made on/);
  });
});

describe('an image on another grid than the model’s (RAS instead of SAR)', () => {
  it('layers lie on the source grid and inspect maps the voxel through the affines', async () => {
    const ras = reorient(image, 'RAS').volume;
    const rasLabel = reorient(label, 'RAS').volume;
    expect(ras.shape).toEqual([91, 109, 91].reverse());
    const outDir = join(tmp, 'ras');
    const record = await runInferenceJob({
      image: { volume: ras, header: image.header, name: 'ras.nii.gz', path: null },
      label: { volume: rasLabel, name: 'ras-label.nii.gz', path: null },
      model,
      settings: ov0,
      outDir,
      id: 'ras',
    });
    expect(record.dice).toBeCloseTo(r0.record.dice!, 6);
    const tiledRas = readRunLayer(outDir, 'tiledPerformance');
    expect(tiledRas.shape).toEqual(ras.shape);
    expect(tiledRas.affine).toEqual(ras.affine);
    // the same layer as the SAR run's, voxel by voxel through world coordinates
    const back = reorient({ data: tiledRas.data, shape: tiledRas.shape, spacing: tiledRas.spacing, affine: tiledRas.affine }, 'SAR').volume;
    expect(back.affine).toEqual(image.affine);
    expect(Array.from(back.data)).toEqual(Array.from(readRunLayer(r0.outDir, 'tiledPerformance').data));
    const outline = reorient({ ...readRunLayer(outDir, 'gridOutline'), spacing: ras.spacing } as Volume, 'SAR').volume;
    expect(Array.from(outline.data)).toEqual(Array.from(readRunLayer(r0.outDir, 'gridOutline').data));

    const sar = [29, 51, 7];
    const world = applyAffine(image.affine, sar);
    const v = applyAffine(invertAffine(ras.affine), world).map(Math.round);
    const r = await inspectRunVoxel({ runDir: outDir, voxel: v, image: ras, label: rasLabel, model });
    expect(r.modelVoxel).toEqual(sar);
    expect(r.windows.map((w) => w.start)).toEqual([[24, 48, 0]]);
    const s = r.stitched;
    for (let c = 0; c < 2; c++) expect(Math.abs(r.windows[0].probabilities[c] - s[c])).toBeLessThan(1e-5);
  }, 60_000);
});
