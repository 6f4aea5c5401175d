/**
 * The bundled demo (demo/): data derived from MRIcron's Colin27 templates, the demo model with
 * its sidecar, and the training-time patch performance map. Everything here runs offline on the
 * committed files; re-making the data needs ../shared/data/mricron (the test says so when it is
 * missing).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { readNifti, type NiftiVolume } from '../../shared/io/nifti';
import { parseNpy } from '../../shared/io/npy';
import { axisCodes } from '../../shared/io/orientation';
import { prepareModel, type PreparedModel } from '../../shared/engine/prepareModel';
import { runInference } from '../../shared/engine/inference/runInference';
import { readModelFolder } from '../../src-node/readModelFolder';
import { DEFAULT_SOURCE_DIR, DEMO_CASES, makeDemoData, MIRRORED_SHIFT } from '../../scripts/make-demo-data';
import { fileTool, requireTools } from '../helpers/requireTool';
import { DEMO_MODEL_FILES, shellAndCentre } from '../../scripts/train-demo-model';
import { repoRoot } from '../helpers/sharedData';

const demoDir = resolve(repoRoot, 'demo');
const dataDir = join(demoDir, 'data');
const modelDir = join(demoDir, 'model');
const readCase = (index: number): { image: NiftiVolume; label: NiftiVolume } => ({
  image: readNifti(readFileSync(join(dataDir, DEMO_CASES[index].image))),
  label: readNifti(readFileSync(join(dataDir, DEMO_CASES[index].label))),
});

/** Total bytes of the files under a folder. */
function folderBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
}

describe('demo data (scripts/make-demo-data.ts)', () => {
  it('are small: data < 1 MB, the whole demo < 2 MB', () => {
    expect(folderBytes(dataDir)).toBeLessThan(1_000_000);
    expect(folderBytes(demoDir)).toBeLessThan(2_000_000);
    const cases = JSON.parse(readFileSync(join(dataDir, 'cases.json'), 'utf8'));
    expect(cases.cases.map((c: { image: string }) => c.image)).toEqual(DEMO_CASES.map((c) => c.image));
  });

  it('have 2 mm geometry: 91×109×91, the source affine scaled by 2 with the centre kept', () => {
    for (let i = 0; i < DEMO_CASES.length; i++) {
      const { image, label } = readCase(i);
      for (const v of [image, label]) {
        expect(v.shape).toEqual([91, 109, 91]);
        expect(v.spacing).toEqual([2, 2, 2]);
        expect(v.data).toBeInstanceOf(Uint8Array);
        // ch2's sform maps voxel (i, j, k) to (i − 90, j − 125, k − 71) mm; ours to (2i − 90, 2j − 125, 2k − 71) (array order k, j, i).
        expect(v.affine).toEqual([
          [0, 0, 2, -90],
          [0, 2, 0, -125],
          [2, 0, 0, -71],
          [0, 0, 0, 1],
        ]);
        expect(axisCodes(v.affine)).toBe('SAR');
        expect(v.header.sformCode).toBeGreaterThan(0);
      }
      expect(Array.from(image.data).reduce((m, v) => Math.max(m, v), 0)).toBeGreaterThan(200);
    }
  });

  it('labels are binary, about a quarter of the volume is brain, and the second case is the first mirrored and shifted', () => {
    const a = readCase(0).label.data;
    const b = readCase(1).label.data;
    expect(new Set(a)).toEqual(new Set([0, 1]));
    expect(new Set(b)).toEqual(new Set([0, 1]));
    const brain = Array.from(a).reduce((n, v) => n + v, 0);
    expect(brain / a.length).toBeGreaterThan(0.2);
    expect(brain / a.length).toBeLessThan(0.3);
    const [n0, n1, n2] = [91, 109, 91];
    const [d0, d1, d2] = MIRRORED_SHIFT;
    let mismatches = 0;
    for (let k = 0; k < n0; k++)
      for (let j = 0; j < n1; j++)
        for (let i = 0; i < n2; i++) {
          const sk = k - d0;
          const sj = j - d1;
          const si = n2 - 1 - (i - d2);
          const expected = sk >= 0 && sk < n0 && sj >= 0 && sj < n1 && si >= 0 && si < n2 ? a[(sk * n1 + sj) * n2 + si] : 0;
          if (b[(k * n1 + j) * n2 + i] !== expected) mismatches++;
        }
    expect(mismatches).toBe(0);
  });

  it.runIf(requireTools('demo.test (re-making the demo data)', [fileTool('the MRIcron ch2 images', join(DEFAULT_SOURCE_DIR, 'ch2.nii.gz'), 'put them in ../shared/data/mricron')]))('re-making them gives the committed bytes (needs ../shared/data/mricron)', () => {
    const out = mkdtempSync(join(tmpdir(), 'patchlens-demo-data-'));
    try {
      const r = makeDemoData(out);
      expect(r.shape).toEqual([91, 109, 91]);
      const names = readdirSync(dataDir).sort();
      expect(readdirSync(out).sort()).toEqual(names);
      for (const name of names) expect(Buffer.compare(readFileSync(join(out, name)), readFileSync(join(dataDir, name))), name).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('demo model (scripts/train-demo-model.ts)', () => {
  let prepared: PreparedModel;
  beforeAll(async () => {
    tf.env().set('PROD', true);
    prepared = await prepareModel(await readModelFolder(modelDir), { backend: 'wasm' });
  });
  afterAll(() => prepared?.runner.dispose());

  it('is a small standard tfjs layers model folder with one weight shard', () => {
    const json = JSON.parse(readFileSync(join(modelDir, DEMO_MODEL_FILES.modelJson), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual([DEMO_MODEL_FILES.weights]);
    expect(statSync(join(modelDir, DEMO_MODEL_FILES.weights)).size).toBeLessThan(32 * 1024);
  });

  it('loads with its sidecar and no assumptions', () => {
    const spec = prepared.model.spec;
    expect(spec.source).toBe('sidecar');
    expect(spec.assumptions).toEqual([]);
    expect(spec).toMatchObject({
      channels: 1,
      outputActivation: 'softmax',
      orientation: 'SAR',
      voxelSize: [2, 2, 2],
      trainedPatchSize: [24, 24, 24],
      receptiveField: [21, 21, 21],
      translationEquivariant: true,
    });
    expect(spec.classes.map((c) => c.name)).toEqual(['background', 'brain']);
    const sidecar = JSON.parse(readFileSync(join(modelDir, DEMO_MODEL_FILES.sidecar), 'utf8'));
    expect(prepared.model.sha256).toBe(sidecar.sha256);
    expect(prepared.model.inputShape).toEqual({ rank: 5, spatialRank: 3, channels: 1 });
    expect(prepared.model.outputClasses).toBe(2);
  });

  it('segments the brain of the demo volume with Dice ≥ 0.9 (whole volume, engine on wasm)', async () => {
    const { image, label } = readCase(0);
    const before = tf.memory().numTensors;
    const r = await runInference({ image, label, runner: prepared.runner, spec: prepared.model.spec, options: { patchSize: 'whole', consistency: false } });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.warnings).toEqual([]);
    expect(r.grid.steps.join('\n')).not.toMatch(/resampled|conformed/); // the demo image is already on the model's grid
    const brain = r.dice!.perClass.find((c) => c.name === 'brain')!;
    expect(brain.dice).toBeGreaterThanOrEqual(0.9);
    expect(r.labels.shape).toEqual(image.shape);
  });

  it('shows the patch border effect: 24³ patches without overlap are worse than overlap 0.5 with gaussian blending', async () => {
    const { image, label } = readCase(0);
    const dice = async (overlap: number, blend: 'constant' | 'gaussian') => {
      const r = await runInference({ image, label, runner: prepared.runner, spec: prepared.model.spec, options: { patchSize: 24, overlap, blend, batchSize: 8, consistency: false } });
      return r.dice!.perClass.find((c) => c.name === 'brain')!.dice;
    };
    const plain = await dice(0, 'constant');
    const blended = await dice(0.5, 'gaussian');
    expect(blended - plain).toBeGreaterThan(0.005);
    // Two full runs on wasm: 30 s on a loaded 2-core machine, so not the suite's default limit.
  }, 180_000);

  it('carries its training-time patch performance map, of the model’s patch shape, higher at the border than in the centre', () => {
    const npy = parseNpy(readFileSync(join(modelDir, DEMO_MODEL_FILES.map)));
    expect(npy.dtype).toBe('<f4');
    expect(npy.shape).toEqual(prepared.model.spec.trainedPatchSize);
    const meta = JSON.parse(readFileSync(join(modelDir, DEMO_MODEL_FILES.mapJson), 'utf8'));
    expect(meta).toMatchObject({ measure: 'categoricalCrossEntropyWithLogits', shape: [24, 24, 24] });
    expect(meta.patchesSeen).toBeGreaterThan(0);
    expect(meta.count).toBe(meta.patchesSeen);
    expect(Array.from(npy.data).every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    const { border, centre } = shellAndCentre(npy.data, 24);
    expect(border).toBeGreaterThan(centre);
  });
});
