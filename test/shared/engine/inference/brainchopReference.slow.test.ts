/**
 * Real-model tests on real MRI (slow: about a minute on 2 cores with the wasm backend and the
 * SIMD Conv3D). Reference: a run of ours outside this repository, described in issue 3 —
 * brainchop's model5_gw_ae on ch2.nii.gz (MRIcron's Colin27) against ch2bet.nii.gz > 0.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { readNifti } from '../../../../shared/io/nifti';
import type { Volume } from '../../../../shared/io/volume';
import { prepareModel, type PreparedModel } from '../../../../shared/engine/prepareModel';
import { runInference, type InferenceOptions, type InferenceResult } from '../../../../shared/engine/inference/runInference';
import { readModelFolder } from '../../../../src-node/readModelFolder';
import { sharedDir } from '../../../helpers/sharedData';

const data = (name: string) => readNifti(readFileSync(resolve(sharedDir, 'data/mricron', name)));
let image: Volume;
let brain: Volume;
let prepared: PreparedModel;
const timings: Record<string, number> = {};

beforeAll(async () => {
  tf.env().set('PROD', true);
  image = data('ch2.nii.gz');
  const bet = data('ch2bet.nii.gz');
  brain = { ...bet, data: Uint8Array.from(bet.data, (v) => (v > 0 ? 1 : 0)) };
  prepared = await prepareModel(await readModelFolder(resolve(sharedDir, 'models/brainchop/model5_gw_ae')), { backend: 'wasm' });
}, 120_000);

afterAll(() => {
  prepared?.runner.dispose();
  console.log(`slow brainchop suite timings (s): ${JSON.stringify(timings)}`);
});

async function run(name: string, options: InferenceOptions): Promise<InferenceResult> {
  const before = tf.memory().numTensors;
  const r = await runInference({ image, label: brain, runner: prepared.runner, spec: prepared.model.spec, options: { diceMode: 'foreground', ...options } });
  expect(tf.memory().numTensors).toBe(before);
  timings[name] = Math.round(r.timing.totalMs / 100) / 10;
  return r;
}

/** Mean of a 64³ map by distance to the nearest patch face (0…31). */
function distanceProfile(map: Float64Array): number[] {
  const sum = new Float64Array(32);
  const n = new Float64Array(32);
  for (let z = 0; z < 64; z++)
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++) {
        const d = Math.min(z, y, x, 63 - z, 63 - y, 63 - x);
        sum[d] += map[(z * 64 + y) * 64 + x];
        n[d]++;
      }
  return Array.from(sum, (s, d) => s / n[d]);
}

/** Mean over the outer 4-voxel shell of a 64³ map divided by the mean over its central 16³. */
function shellToCentre(map: Float64Array): number {
  let shell = 0;
  let ns = 0;
  let centre = 0;
  let nc = 0;
  for (let z = 0; z < 64; z++)
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++) {
        const v = map[(z * 64 + y) * 64 + x];
        const d = Math.min(z, y, x, 63 - z, 63 - y, 63 - x);
        if (d < 4) {
          shell += v;
          ns++;
        }
        if (d >= 24) {
          centre += v;
          nc++;
        }
      }
  return shell / ns / (centre / nc);
}

/** The central 128³ of the conformed volume. */
const CENTRE = { start: [64, 64, 64], size: [128, 128, 128] };

describe('brainchop model5_gw_ae on ch2 (real data)', () => {
  it('as brainchop runs it (conformed 256³, min-max, one window over the crop, largest component): brain Dice ≥ 0.92 (reference 0.933)', async () => {
    const r = await run('brainchop', { patchSize: 'whole' });
    expect(r.windows).toBe(1);
    expect(r.grid.shape).toEqual([256, 256, 256]);
    expect(r.options.crop).toBe(true);
    expect(r.options.largestComponent).toBe(true);
    expect(r.labels.shape).toEqual([181, 217, 181]);
    expect(r.labels.affine).toEqual(image.affine);
    expect(r.dice!.mode).toBe('foreground');
    expect(r.dice!.mean).toBeGreaterThanOrEqual(0.92);
    expect(r.backend.name).toBe('wasm');
  }, 600_000);

  describe('by patches on the central 128³ of the conformed volume (Dice against ch2bet > 0 there)', () => {
    const dice: Record<string, number> = {};
    let ov0: InferenceResult;

    it('one 128³ window (reference 0.880)', async () => {
      const r = await run('128-whole', { region: CENTRE, patchSize: 'whole', largestComponent: false });
      dice.whole = r.domainDice!.mean;
      expect(dice.whole).toBeGreaterThan(0.83);
    }, 600_000);

    it('patch 64, overlap 0, constant: 8 windows (reference 0.742)', async () => {
      ov0 = await run('64-ov0', { region: CENTRE, patchSize: 64, overlap: 0, blend: 'constant', measure: 'absoluteError', largestComponent: false });
      expect(ov0.windows).toBe(8);
      dice.p64 = ov0.domainDice!.mean;
      expect(dice.p64).toBeGreaterThan(0.69);
      expect(dice.p64).toBeLessThan(dice.whole);
    }, 600_000);

    it('the border profile: error falls from the patch face to the centre (receptive field 93 > 64)', async () => {
      // Absolute error of the brain probability by distance to the nearest patch face
      // (reference: 0.41–0.47 at the face, 0.10–0.18 near the centre).
      const profile = distanceProfile(ov0.patchPerformance!.map);
      expect(ov0.patchPerformance!.shape).toEqual([64, 64, 64]);
      expect(profile[0]).toBeGreaterThan(0.35);
      expect(Math.max(...profile.slice(28))).toBeLessThan(0.2);
      const abs = shellToCentre(ov0.patchPerformance!.map);
      timings.absShellToCentre = Math.round(abs * 100) / 100;
      // Shell (outer 4 voxels) vs central 16³ (reference "about 3×"). With the absolute error this
      // run measures ~1.7: the central 16³ still averages ~0.22 (it reaches 0.13–0.15 only at its
      // very centre). The per-position Dice error of the same windows gives ~3.2.
      expect(abs).toBeGreaterThan(1.5);
      const diceRun = await run('64-ov0-diceError', { region: CENTRE, patchSize: 64, overlap: 0, blend: 'constant', measure: 'diceError', largestComponent: false });
      const ratio = shellToCentre(diceRun.patchPerformance!.map);
      timings.diceShellToCentre = Math.round(ratio * 100) / 100;
      expect(ratio).toBeGreaterThanOrEqual(2);
      // the label-free consistency map is empty at overlap 0 (no voxel seen twice)
      expect(ov0.consistency).toBeNull();
      expect(ov0.warnings).toContain('consistency map skipped: no voxel is covered by two windows (the windows do not overlap)');
    }, 600_000);

    it('patch 64, overlap 0.5: gaussian blending beats constant (references 0.822 vs 0.724), 27 windows', async () => {
      const constant = await run('64-ov0.5-constant', { region: CENTRE, patchSize: 64, overlap: 0.5, blend: 'constant', largestComponent: false });
      const gaussian = await run('64-ov0.5-gaussian', { region: CENTRE, patchSize: 64, overlap: 0.5, blend: 'gaussian', largestComponent: false });
      expect(constant.windows).toBe(27);
      dice.p64c = constant.domainDice!.mean;
      dice.p64g = gaussian.domainDice!.mean;
      expect(dice.p64g).toBeGreaterThan(dice.p64c);
      expect(dice.p64g).toBeGreaterThan(0.77);
      // overlapping windows disagree: the label-free consistency map has data
      const c = gaussian.consistency!;
      expect(c.shape).toEqual([64, 64, 64]);
      expect(c.count).toBe(27);
      expect(c.map.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(c.map.reduce((a, b) => a + b, 0) / c.map.length).toBeGreaterThan(0.01);
    }, 600_000);

    it('patch 96, overlap 0, constant (reference 0.829): bigger patches lose less to the border', async () => {
      const r = await run('96-ov0', { region: CENTRE, patchSize: 96, overlap: 0, blend: 'constant', largestComponent: false });
      dice.p96 = r.domainDice!.mean;
      expect(dice.p96).toBeGreaterThan(dice.p64);
      console.log(`central 128³ Dice: ${JSON.stringify(Object.fromEntries(Object.entries(dice).map(([k, v]) => [k, Math.round(v * 1000) / 1000])))}`);
    }, 600_000);
  });
});
