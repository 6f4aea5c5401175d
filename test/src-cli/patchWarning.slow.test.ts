/**
 * Issue 12, items 1 and 10, through the real `patchlens` command (a child process, as a user runs
 * it): a patch below the model's receptive field is warned about before the run and recorded in
 * result.json; the default patch is never one PatchLens warns about; and no tfjs banner
 * ("Hi, looks like you are running TensorFlow.js in Node.js … tfjs-node") in any thread's output.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti, writeNifti } from '../../shared/io/nifti';
import { repoRoot, sharedDir } from '../helpers/sharedData';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'patchlens-patchwarn-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const model5 = resolve(sharedDir, 'models/brainchop/model5_gw_ae');
const ch2 = resolve(sharedDir, 'data/mricron/ch2.nii.gz');
const bin = resolve(repoRoot, 'bin/patchlens.mjs');

/** `patchlens …` as a child process: exit code, stdout, stderr (both whole). */
async function patchlens(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const r = await run(process.execPath, [bin, ...argv], { cwd: repoRoot, maxBuffer: 1 << 24 });
    return { code: 0, out: r.stdout, err: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, out: x.stdout, err: x.stderr };
  }
}

const BANNER = /Hi, looks like you are running TensorFlow\.js|tfjs-node|install our node backend/;

/** A 48³ block of ch2 around its centre (model5's crop of it is 84³: fast, and smaller than a whole head). */
let small = '';
beforeAll(() => {
  const v = readNifti(readFileSync(ch2));
  const [nk, nj, ni] = v.shape;
  const size = 48;
  const o = [Math.floor(nk / 2) - 24, Math.floor(nj / 2) - 24, Math.floor(ni / 2) - 24];
  const data = new Uint8Array(size ** 3);
  for (let k = 0; k < size; k++) for (let j = 0; j < size; j++) for (let i = 0; i < size; i++) data[(k * size + j) * size + i] = v.data[((o[0] + k) * nj + o[1] + j) * ni + o[2] + i];
  const affine = v.affine.map((row) => [...row]);
  for (let r = 0; r < 3; r++) affine[r][3] += affine[r][0] * o[0] + affine[r][1] * o[1] + affine[r][2] * o[2];
  small = join(tmp, 'small.nii.gz');
  writeFileSync(small, writeNifti({ data, shape: [size, size, size], spacing: v.spacing, affine }));
});

describe('patchlens infer: the receptive-field warning (model5_gw_ae, receptive field 93)', () => {
  it('--patch 64 is warned about on stderr before the run, and the warning is in result.json', async () => {
    const out = join(tmp, 'p64');
    const r = await patchlens('infer', '--image', small, '--model', model5, '--out', out, '--patch', '64', '--overlap', '0', '--backend', 'cpu', '--no-consistency');
    expect(r.code).toBe(0);
    const lines = r.err.split('\n');
    const warning = 'warning: patch 64 < receptive field 93 on every axis: expect border errors; the whole volume (84×84×84) fits in memory and is expected to be better';
    const at = lines.indexOf(warning);
    expect(at).toBeGreaterThan(0);
    // after the model line, before any progress of the run
    expect(lines.findIndex((l) => l.startsWith('model model5_gw_ae'))).toBe(at - 1);
    expect(lines.findIndex((l) => /^(preprocess|model: \d+\/\d+ windows)/.test(l))).toBeGreaterThan(at);
    expect(lines.filter((l) => l === warning)).toHaveLength(1);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.warnings[0]).toBe(warning.slice('warning: '.length));
    expect(result.model.receptiveField).toEqual([93, 93, 93]);
    expect(r.err).not.toMatch(BANNER);
  }, 240_000);

  it('the default patch (no --patch) is one PatchLens does not warn about: whole, as brainchop runs it', async () => {
    const out = join(tmp, 'default');
    const r = await patchlens('infer', '--image', small, '--model', model5, '--out', out, '--backend', 'cpu', '--no-consistency');
    expect(r.code).toBe(0);
    expect(r.err).not.toMatch(/receptive field/);
    expect(r.err).not.toMatch(BANNER);
    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(result.options.patchSize).toBe('whole');
    expect(result.windows ?? result.plan?.windows ?? 1).toBe(1);
    expect(result.warnings.filter((w: string) => /receptive field/.test(w))).toEqual([]);
  }, 240_000);

  it('no banner with --help either', async () => {
    const r = await patchlens('infer', '--help');
    expect(r.code).toBe(0);
    expect(r.out + r.err).not.toMatch(BANNER);
  }, 60_000);
});

describe('patchlens sweep: the receptive-field warning, for every patch size of the grid, before any work', () => {
  it('demo model (receptive field 21), --patch 16,24: one warning, for 16, before the sweep starts', async () => {
    const { main } = await import('../../src-cli/main');
    const stop = new AbortController();
    let err = '';
    // Stopped as soon as the sweep announces its pairs: the warnings came before any run.
    const io = { out: () => undefined, err: (s: string) => void ((err += s), /^sweep: \d+ configuration/m.test(err) && stop.abort()), isTTY: false, signal: stop.signal };
    const demoData = (f: string) => resolve(repoRoot, 'demo/data', f);
    const code = await main(['sweep', '--model', resolve(repoRoot, 'demo/model'), '--case', `a=${demoData('ch2-2mm_t1.nii.gz')}:${demoData('ch2-2mm_brain.nii.gz')}`, '--out', join(tmp, 'sweep'), '--patch', '16,24', '--overlap', '0', '--blend', 'constant', '--repeats', '1', '--backend', 'cpu'], io);
    expect(code).toBe(1);
    const lines = err.split('\n');
    const warnings = lines.filter((l) => l.startsWith('warning: '));
    expect(warnings).toEqual(['warning: patch 16 < receptive field 21 on every axis: expect border errors; the whole volume (91×109×91) fits in memory and is expected to be better']);
    expect(lines.indexOf(warnings[0])).toBeLessThan(lines.findIndex((l) => /^sweep: 2 configuration/.test(l)));
    expect(err).toMatch(/interrupted/);
  }, 120_000);
});
