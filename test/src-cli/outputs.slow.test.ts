/**
 * `patchlens infer --out`: never over an input, the outputs written as a whole folder with every
 * file's SHA-256 in result.json, an existing folder reused only for the same result (verified),
 * replaced only with --force and never when it holds files PatchLens did not write; reference
 * label maps checked before running.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import { main } from '../../src-cli/main';
import type { Io } from '../../src-cli/io';
import { writeNifti } from '../../shared/io/nifti';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-outputs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const modelDir = join(tmp, 'model');
const image = join(tmp, 'image.nii.gz');
const label = join(tmp, 'label.nii.gz');
const S = 12;
const affine = [
  [1, 0, 0, 0],
  [0, 1, 0, 0],
  [0, 0, 1, 0],
  [0, 0, 0, 1],
];
const data = Float32Array.from({ length: S ** 3 }, (_, v) => ((v * 37) % 101) / 100);

/** A real tfjs layers model: one 3×3×3 Conv3D with softmax (fast on the cpu backend). */
beforeAll(async () => {
  await tf.setBackend('cpu');
  const input = tfl.input({ shape: [null, null, null, 1] });
  const conv = tfl.layers.conv3d({ filters: 2, kernelSize: 3, padding: 'same', activation: 'softmax' });
  const model = tfl.model({ inputs: input, outputs: conv.apply(input) as tfl.SymbolicTensor });
  const kernel = new Float32Array(27 * 2);
  for (let i = 0; i < 27; i++) kernel[i * 2 + 1] = 20 / 27;
  conv.setWeights([tf.tensor5d(kernel, [3, 3, 3, 1, 2]), tf.tensor1d([0, -10])]);
  mkdirSync(modelDir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      writeFileSync(join(modelDir, 'model.json'), JSON.stringify({ format: 'layers-model', generatedBy: 'test', modelTopology: a.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }] }));
      writeFileSync(join(modelDir, 'weights.bin'), new Uint8Array(a.weightData as ArrayBuffer));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  writeFileSync(image, writeNifti({ data, shape: [S, S, S], spacing: [1, 1, 1], affine }));
  writeFileSync(label, writeNifti({ data: Uint8Array.from(data, (x) => (x > 0.5 ? 1 : 0)), shape: [S, S, S], spacing: [1, 1, 1], affine }));
});

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false };
  const code = await main(argv, io);
  return { code, out, err };
}
const infer = (out: string, ...extra: string[]) => cli('infer', '--image', image, '--label', label, '--model', modelDir, '--out', out, '--patch', '8', '--backend', 'cpu', '--quiet', ...extra);
const lastLine = (s: string) => s.trim().split('\n').at(-1);
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
/** Every file of a folder with its bytes' SHA-256 and mtime. */
const snapshot = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((n) => [n, `${sha256(join(dir, n))} ${statSync(join(dir, n)).mtimeMs}`]));

describe('patchlens infer --out: never over an input', () => {
  it('refuses --out X when --label is X/labels.nii.gz (it used to replace the reference labels with the prediction)', async () => {
    const x = join(tmp, 'X');
    mkdirSync(x);
    writeFileSync(join(x, 'labels.nii.gz'), readFileSync(label));
    const before = snapshot(x);
    const r = await cli('infer', '--image', image, '--label', join(x, 'labels.nii.gz'), '--model', modelDir, '--out', x, '--patch', '8', '--backend', 'cpu', '--quiet');
    expect(r.code).toBe(1);
    expect(lastLine(r.err)).toBe(`patchlens: error: infer: --out ${x} would write ${join(x, 'labels.nii.gz')}, which is the --label file; choose another --out`);
    expect(snapshot(x)).toEqual(before); // the reference labels are untouched, nothing was added
    expect(readdirSync(tmp).filter((n) => n.startsWith('.patchlens-tmp-'))).toEqual([]);
  });

  it('refuses --out inside the model folder and --out that is the image, even with --force', async () => {
    const r = await infer(join(modelDir, 'run'), '--force');
    expect(r.code).toBe(1);
    expect(lastLine(r.err)).toBe(`patchlens: error: infer: --out ${join(modelDir, 'run')} is inside the --model folder ${modelDir}; choose another --out`);
    expect(readdirSync(modelDir).sort()).toEqual(['model.json', 'weights.bin']);
    const i = await infer(image, '--force');
    expect(lastLine(i.err)).toBe(`patchlens: error: infer: --out ${image} is the --image file; choose another --out`);
  });
});

describe('patchlens infer --out: written whole, reused only for the same result', () => {
  const out = join(tmp, 'run');
  let first: { code: number; out: string; err: string };
  beforeAll(async () => {
    first = await infer(out);
  }, 60_000);

  it('writes the folder with every file’s SHA-256 in result.json, and nothing else beside it', () => {
    expect(first.code).toBe(0);
    const names = readdirSync(out).sort();
    expect(names).toEqual(['consistency.json', 'consistency.nii.gz', 'consistency.npy', 'coverage.nii.gz', 'labels.nii.gz', 'patch-performance.json', 'patch-performance.nii.gz', 'patch-performance.npy', 'probabilities.nii.gz', 'result.json']);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.format).toBe('patchlens.infer-result');
    expect(result.files.map((f: { name: string }) => f.name).sort()).toEqual(names.filter((n) => n !== 'result.json'));
    for (const f of result.files) {
      expect(f.sha256, f.name).toBe(sha256(join(out, f.name)));
      expect(f.bytes, f.name).toBe(statSync(join(out, f.name)).size);
    }
    expect(result.request).toMatchObject({ patch: [8], overlap: [0.5], blend: 'gaussian', backend: 'cpu' });
    expect(first.out.trim().split('\n')).toEqual([...result.files.map((f: { name: string }) => join(out, f.name)), join(out, 'result.json')]);
    expect(readdirSync(tmp).filter((n) => n.startsWith('.patchlens-tmp-'))).toEqual([]); // the temp folder became `out`
  });

  it('the same command again: verified, nothing to do, the same paths, no file rewritten', async () => {
    const before = snapshot(out);
    const r = await cli('infer', '--image', image, '--label', label, '--model', modelDir, '--out', out, '--patch', '8', '--backend', 'cpu');
    expect(r.code).toBe(0);
    expect(r.err).toBe(`infer: reading ${image} and its labels, checking the model\ninfer: ${out} already holds this result (verified): nothing to do\n`);
    expect(r.out).toBe(first.out);
    expect(snapshot(out)).toEqual(before);
  });

  it('other options are refused without --force; with it the earlier result is replaced as a whole', async () => {
    const before = snapshot(out);
    const refused = await infer(out, '--overlap', '0.25');
    expect(refused.code).toBe(1);
    expect(lastLine(refused.err)).toBe(`patchlens: error: infer: --out ${out} already holds another result (other options (overlap)); add --force to replace it, or choose another --out`);
    expect(snapshot(out)).toEqual(before);
    const forced = await cli('infer', '--image', image, '--label', label, '--model', modelDir, '--out', out, '--patch', '8', '--backend', 'cpu', '--overlap', '0.25', '--force');
    expect(forced.code).toBe(0);
    expect(forced.err).toContain(`infer: replacing the earlier result in ${out} (--force)`);
    expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')).request.overlap).toEqual([0.25]);
    expect(readdirSync(join(tmp)).filter((n) => n.startsWith('.patchlens-tmp-'))).toEqual([]);
  }, 60_000);

  it('a file PatchLens did not write is never replaced, even with --force', async () => {
    writeFileSync(join(out, 'my-notes.txt'), 'mine');
    const before = snapshot(out);
    const r = await infer(out, '--overlap', '0.5', '--force');
    expect(r.code).toBe(1);
    expect(lastLine(r.err)).toBe(
      `patchlens: error: infer: --out ${out} holds my-notes.txt beside an earlier PatchLens result, which PatchLens did not write; they are never replaced, even with --force; move them or choose another --out`,
    );
    expect(snapshot(out)).toEqual(before);
  });
});

describe('patchlens infer --label: a label map is checked before running', () => {
  const bad = (name: string, values: Float32Array, shape = [S, S, S]) => {
    const path = join(tmp, name);
    writeFileSync(path, writeNifti({ data: values, shape, spacing: [1, 1, 1], affine }));
    return path;
  };

  it('NaN, 0.5 and −1 labels, and labels on another grid, exit 1 naming --label', async () => {
    for (const [name, value] of [
      ['nan.nii.gz', Number.NaN],
      ['half.nii.gz', 0.5],
      ['negative.nii.gz', -1],
    ] as const) {
      const values = Float32Array.from(data, (x) => (x > 0.5 ? 1 : 0));
      values[5] = value;
      const path = bad(name, values);
      const out = join(tmp, `o-${name}`);
      const r = await cli('infer', '--image', image, '--label', path, '--model', modelDir, '--out', out, '--backend', 'cpu', '--quiet');
      expect(r.code, name).toBe(1);
      expect(lastLine(r.err), name).toMatch(new RegExp(`^patchlens: error: --label ${path}: `));
      expect(() => readdirSync(out), name).toThrow(/ENOENT/); // nothing written
    }
    const other = bad('other-grid.nii.gz', new Float32Array(S * S * (S - 2)), [S, S, S - 2]);
    const r = await cli('infer', '--image', image, '--label', other, '--model', modelDir, '--out', join(tmp, 'o-grid'), '--backend', 'cpu', '--quiet');
    expect(r.code).toBe(1);
    expect(lastLine(r.err)).toMatch(new RegExp(`^patchlens: error: --label ${other}: `));
  }, 60_000);
});
