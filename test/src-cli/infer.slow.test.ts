import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { main } from '../../src-cli/main';
import type { Io } from '../../src-cli/io';
import { readNifti, writeNifti } from '../../shared/io/nifti';
import { parseNpy } from '../../shared/io/npy';
import { sharedDir } from '../helpers/sharedData';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-cli-'));
const model5 = resolve(sharedDir, 'models/brainchop/model5_gw_ae');
const ch2 = resolve(sharedDir, 'data/mricron/ch2.nii.gz');

/** Runs the CLI in-process, capturing its output. */
async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false };
  const code = await main(argv, io);
  return { code, out, err };
}

/** A small 3-D image: a 48³ block of ch2 around the brain's centre, as .nii.gz. */
let small = '';
let smallLabel = '';
beforeAll(async () => {
  const v = readNifti(readFileSync(ch2));
  const [nk, nj, ni] = v.shape;
  const size = 48;
  const o = [Math.floor(nk / 2) - 24, Math.floor(nj / 2) - 24, Math.floor(ni / 2) - 24];
  const data = new Uint8Array(size ** 3);
  for (let k = 0; k < size; k++) for (let j = 0; j < size; j++) for (let i = 0; i < size; i++) data[(k * size + j) * size + i] = v.data[((o[0] + k) * nj + o[1] + j) * ni + o[2] + i];
  const affine = v.affine.map((row) => [...row]);
  for (let r = 0; r < 3; r++) affine[r][3] += affine[r][0] * o[0] + affine[r][1] * o[1] + affine[r][2] * o[2];
  const vol = { data, shape: [size, size, size], spacing: v.spacing, affine };
  small = join(tmp, 'small.nii.gz');
  writeFileSync(small, writeNifti(vol));
  smallLabel = join(tmp, 'small-label.nii.gz');
  writeFileSync(smallLabel, writeNifti({ ...vol, data: Uint8Array.from(data, (x) => (x > 60 ? 1 : 0)) }));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Saves a tfjs layers model into a folder as model.json + weights.bin. */
async function saveModel(dir: string, model: tfl.LayersModel): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      writeFileSync(join(dir, 'model.json'), JSON.stringify({ format: 'layers-model', generatedBy: 'test', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }));
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

describe('patchlens CLI', () => {
  it('--help on every command', async () => {
    for (const argv of [['--help'], ['help']]) {
      const r = await cli(...argv);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Usage: patchlens <command>/);
    }
    const r = await cli('infer', '--help');
    expect(r.code).toBe(0);
    for (const flag of ['--image', '--label', '--model', '--patch', '--overlap', '--placement', '--blend', '--batch', '--backend', '--out']) expect(r.out).toContain(flag);
    expect((await cli('--version')).out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('runs a model and writes every output (labels overlay the input, maps with their .json)', async () => {
    const out = join(tmp, 'run1');
    const r = await cli('infer', '--image', small, '--label', smallLabel, '--model', model5, '--out', out, '--patch', '32', '--overlap', '0.5', '--blend', 'gaussian', '--batch', '2', '--backend', 'cpu', '--measure', 'absoluteError');
    expect(r.err).not.toMatch(/^patchlens: error/m);
    expect(r.code).toBe(0);
    // Patch 32 is below model5's receptive field (93): said once, before the run (item 1 of issue 12).
    expect(r.err.match(/^warning: patch 32 < receptive field 93 on every axis: expect border errors; /gm)).toHaveLength(1);
    expect(readdirSync(out).sort()).toEqual(['consistency.json', 'consistency.nii.gz', 'consistency.npy', 'coverage.nii.gz', 'labels.nii.gz', 'patch-performance.json', 'patch-performance.nii.gz', 'patch-performance.npy', 'probabilities.nii.gz', 'result.json']);
    // plain progress lines (not a terminal)
    expect(r.err).toMatch(/^model: \d+\/\d+ windows/m);
    expect(r.err).not.toContain('\r');
    const input = readNifti(readFileSync(small));
    const labels = readNifti(readFileSync(join(out, 'labels.nii.gz')));
    expect(labels.shape).toEqual(input.shape);
    labels.affine.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(input.affine[i][j], 4)));
    const probs = readNifti(readFileSync(join(out, 'probabilities.nii.gz')));
    expect(probs.shape).toEqual([3, 48, 48, 48]);
    const coverage = readNifti(readFileSync(join(out, 'coverage.nii.gz')));
    expect(coverage.shape).toEqual([2, 48, 48, 48]);
    const pp = parseNpy(readFileSync(join(out, 'patch-performance.npy')));
    expect(pp.shape).toEqual([32, 32, 32]);
    expect(JSON.parse(readFileSync(join(out, 'patch-performance.json'), 'utf8'))).toMatchObject({ measure: 'absoluteError', shape: [32, 32, 32] });
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.model.sha256).toBe('5c7bf00e6f8718b75512618a4f948f185aaff8cdbf3830757910c59785ef843d');
    expect(result.inputs.image.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.inputs.label.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.backend.name).toBe('cpu');
    expect(result.windows).toBeGreaterThan(1);
    expect(Object.keys(result.timing).sort()).toEqual(['modelMs', 'postprocessMs', 'preprocessMs', 'stitchMs', 'totalMs']);
    expect(result.dice.perClass.length).toBeGreaterThan(0);
    expect(typeof result.dice.mean).toBe('number');
    expect(result.options).toMatchObject({ patchSize: [32, 32, 32], overlap: 0.5, blend: 'gaussian', batchSize: 2 });
    expect(result.versions.tfjs).toBe('4.22.0');
    expect(result.tensorsLeaked).toBe(0);
    // stdout lists the files written
    expect(r.out.trim().split('\n')).toHaveLength(10);
  }, 120_000);

  describe('bad input: one line, non-zero exit, no stack trace', () => {
    const expectOneLine = (r: { code: number; err: string }, code: number, pattern: RegExp) => {
      expect(r.code).toBe(code);
      const lines = r.err.trim().split('\n');
      expect(lines.at(-1)).toMatch(/^patchlens: error: /);
      expect(lines.at(-1)).toMatch(pattern);
      expect(r.err).not.toMatch(/\n\s+at /);
    };

    it('an unknown flag or value, a missing required flag, an unknown command', async () => {
      expectOneLine(await cli('infer', '--image', small, '--model', model5, '--out', tmp, '--frobnicate'), 2, /Unknown option '--frobnicate'/);
      expectOneLine(await cli('infer', '--image', small, '--model', model5, '--out', tmp, '--blend', 'median'), 2, /--blend must be one of constant, gaussian, gaussian-nnunet, hann, crop; got "median"/);
      expectOneLine(await cli('infer', '--image', small, '--model', model5, '--out', tmp, '--overlap', '1.2'), 2, /--overlap must be a number in \[0, 0.9\]/);
      expectOneLine(await cli('infer', '--image', small, '--model', model5, '--out', tmp, '--patch', '0'), 2, /--patch must be an integer in 1..1024 or whole/);
      expectOneLine(await cli('infer', '--image', small, '--model', model5, '--out', tmp, '--backend', 'cuda'), 2, /--backend must be one of auto, wasm, cpu; got "cuda"$/);
      expectOneLine(await cli('infer', '--model', model5, '--out', tmp), 2, /--image is required/);
      expectOneLine(await cli('segment'), 2, /unknown command "segment"/);
    });

    it('a missing file, a corrupt file, a truncated .nii.gz', async () => {
      expectOneLine(await cli('infer', '--image', join(tmp, 'nope.nii.gz'), '--model', model5, '--out', tmp), 1, /--image .*nope\.nii\.gz: no such file/);
      const junk = join(tmp, 'junk.nii');
      writeFileSync(junk, new Uint8Array(1000).fill(7));
      expectOneLine(await cli('infer', '--image', junk, '--model', model5, '--out', tmp), 1, /junk\.nii: readNifti(Header)?: not a NIfTI file/);
      const truncated = join(tmp, 'truncated.nii.gz');
      const bytes = readFileSync(ch2);
      writeFileSync(truncated, bytes.subarray(0, bytes.length >> 1));
      expectOneLine(await cli('infer', '--image', truncated, '--model', model5, '--out', tmp), 1, /the gzip stream is truncated or corrupt/);
    });

    it('a model folder with a missing shard', async () => {
      const dir = join(tmp, 'broken-model');
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(model5, 'model.json'), join(dir, 'model.json'));
      expectOneLine(await cli('infer', '--image', small, '--model', dir, '--out', tmp), 1, /group1-shard1of1\.bin/);
    });

    it('a model whose input rank or channels do not fit the image', async () => {
      const twoD = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [null, null, 1] as unknown as number[], filters: 2, kernelSize: 3, padding: 'same', activation: 'softmax' })] });
      await saveModel(join(tmp, 'model2d'), twoD);
      // (--out must be a new folder: the test's scratch folder holds files PatchLens did not write)
      expectOneLine(await cli('infer', '--image', small, '--model', join(tmp, 'model2d'), '--out', join(tmp, 'o-rank'), '--backend', 'cpu'), 1, /takes 2-D patches \(input rank 4\) but the image is 3-D/);
      const twoChannels = tfl.sequential({ layers: [tfl.layers.conv3d({ inputShape: [null, null, null, 2] as unknown as number[], filters: 2, kernelSize: 3, padding: 'same', activation: 'softmax' })] });
      await saveModel(join(tmp, 'model2ch'), twoChannels);
      expectOneLine(await cli('infer', '--image', small, '--model', join(tmp, 'model2ch'), '--out', join(tmp, 'o-channels'), '--backend', 'cpu'), 1, /takes 2 input channels but the image has 1/);
    });

    it('a patch larger than the image with padding off', async () => {
      const tiny = tfl.sequential({ layers: [tfl.layers.conv3d({ inputShape: [null, null, null, 1] as unknown as number[], filters: 2, kernelSize: 3, padding: 'same', activation: 'softmax' })] });
      await saveModel(join(tmp, 'tiny3d'), tiny);
      expectOneLine(await cli('infer', '--image', small, '--model', join(tmp, 'tiny3d'), '--out', join(tmp, 'o'), '--patch', '64', '--pad', 'none', '--backend', 'cpu'), 1, /patch 64 is larger than image axis 0 \(48 voxels\) and padding is off/);
    });

    it('NaN in the input', async () => {
      const v = readNifti(readFileSync(small));
      const data = Float32Array.from(v.data);
      data[1234] = Number.NaN;
      const nan = join(tmp, 'nan.nii.gz');
      writeFileSync(nan, writeNifti({ ...v, data }));
      expectOneLine(await cli('infer', '--image', nan, '--model', model5, '--out', join(tmp, 'o2'), '--backend', 'cpu'), 1, /non-finite value \(NaN\) at voxel 1234/);
      expect(existsSync(join(tmp, 'o2'))).toBe(false); // nothing half-written
    });

    it('--verbose adds the stack trace', async () => {
      const r = await cli('infer', '--image', join(tmp, 'nope.nii.gz'), '--model', model5, '--out', tmp, '--verbose');
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/\n\s+at /);
    });
  });
});
