import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import '@tensorflow/tfjs-backend-cpu';
import type { Io } from '../../src-cli/io';
import { parseCase, parseSweepArgs, SWEEP_HELP } from '../../src-cli/sweepArgs';
import { runSweepCommand, sweepProgressPrinter } from '../../src-cli/sweepCommand';
import { UsageError } from '../../src-cli/usageError';
import type { SweepSummary } from '../../shared/sweep/types';
import { tempFolder, writeCase } from '../helpers/fakeModel';

const tmp = tempFolder('patchlens-sweep-cli-');
afterAll(() => tmp.cleanup());
const modelDir = join(tmp.dir, 'model');

/**
 * A real tfjs layers model: one 3×3×3 Conv3D with softmax whose class-1 logit is 20·(mean of the
 * 3×3×3 neighbourhood − 0.5): zero padding at the patch border lowers that mean, so it errs at
 * the border like a real patch-based model (receptive field 3).
 */
beforeAll(async () => {
  await tf.setBackend('cpu');
  // A functional model (the engine's layer-by-layer runner reads `outputLayers`, which a
  // tfl.sequential model loaded back does not have).
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
});

async function sweep(...argv: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false };
  await runSweepCommand(parseSweepArgs(argv), io);
  return { out, err };
}

describe('patchlens sweep (arguments)', () => {
  it('parses the grid, the cases and the defaults', () => {
    const a = parseSweepArgs(['--model', 'm', '--case', 'a/ch2.nii.gz:a/ch2-label.nii.gz', '--case', 'b/ch2.nii:b/l.nii', '--out', 'o', '--patch', '64,96x96x64', '--overlap', '0,0.25', '--blend', 'gaussian,performance-weighted', '--mirror', 'off,on', '--shard', '1/3', '--rule', 'max-efficiency']);
    expect(a.cases).toEqual([
      { id: 'ch2', image: 'a/ch2.nii.gz', label: 'a/ch2-label.nii.gz' },
      { id: 'ch2-2', image: 'b/ch2.nii', label: 'b/l.nii' },
    ]);
    expect(a.patch).toEqual([[64], [96, 96, 64]]);
    expect(a.overlap).toEqual([[0], [0.25]]);
    expect(a.mirror).toEqual([false, true]);
    expect(a.shard).toEqual({ index: 1, count: 3 });
    expect(a.rule).toEqual({ kind: 'max-efficiency' });
    expect(a).toMatchObject({ placement: ['stride'], repeats: 3, warmup: 'patch', resume: true, backend: 'auto', measure: 'absoluteError' });
    const d = parseSweepArgs(['--model', 'm', '--case', 'x=i.nii:l.nii', '--out', 'o', '--no-resume']);
    expect(d).toMatchObject({ patch: undefined, overlap: [[0], [0.25], [0.5]], blend: ['constant', 'gaussian'], mirror: [false], resume: false, cases: [{ id: 'x', image: 'i.nii', label: 'l.nii' }] });
    expect(parseSweepArgs(['--merge', 'a', '--merge', 'b', '--out', 'o']).merge).toEqual(['a', 'b']);
    expect(parseSweepArgs(['--help']).help).toBe(true);
    for (const flag of ['--model', '--case', '--out', '--patch', '--overlap', '--placement', '--blend', '--mirror', '--repeats', '--shard', '--backend', '--rule', '--no-resume', '--merge']) expect(SWEEP_HELP).toContain(flag);
    expect(parseCase('C=img.nii.gz:lab.nii.gz').id).toBe('C');
  });

  it('progress: a redrawn line on a terminal, plain lines otherwise', () => {
    let tty = '';
    const p = sweepProgressPrinter((s) => void (tty += s), true);
    p.update({ done: 0, total: 4, caseId: 'a', configId: 'p64-o0-stride-constant-tta0', stage: 'run', run: 1, runs: 3, inference: { phase: 'model', done: 5, total: 27, etaMs: 2000 } });
    p.update({ done: 1, total: 4, caseId: 'a', configId: 'p64-o0-stride-constant-tta0', stage: 'skip' });
    p.done();
    expect(tty).toBe('\rsweep [------------------------] 0/4 a p64-o0-stride-constant-tta0 · run 1/3 · 5/27 windows, 2 s left\x1b[K\n');
    let plain = '';
    const q = sweepProgressPrinter((s) => void (plain += s), false);
    q.update({ done: 0, total: 4, caseId: 'a', configId: 'x', stage: 'skip' });
    q.update({ done: 1, total: 4, caseId: 'a', configId: 'y', stage: 'load' });
    q.update({ done: 1, total: 4, caseId: 'a', configId: 'y', stage: 'run', run: 1, runs: 3 });
    q.done();
    expect(plain).toBe('resuming: 1 finished pair(s) kept\ncase a\n');
    expect(q.finished()).toBe(1);
  });

  it('one-line usage errors naming the flag', () => {
    const bad = (...argv: string[]) => () => parseSweepArgs(argv);
    const base = ['--model', 'm', '--case', 'i:l', '--out', 'o'];
    expect(bad('--case', 'i:l', '--out', 'o')).toThrow(UsageError);
    expect(bad('--case', 'i:l', '--out', 'o')).toThrow(/sweep: --model is required/);
    expect(bad('--model', 'm', '--out', 'o')).toThrow(/--case <image>:<label> is required/);
    expect(bad(...base, '--case', 'just-one-file')).toThrow(/--case takes <image>:<label>/);
    expect(bad(...base, '--overlap', '0,1')).toThrow(/--overlap must be a number in \[0, 0.9\].*got "1"/);
    expect(bad(...base, '--patch', '64x64')).toThrow(/--patch "64x64": give one value or three/);
    expect(bad(...base, '--blend', 'gaussian,median')).toThrow(/--blend takes constant, gaussian, gaussian-nnunet, hann, crop, performance-weighted .*got "median"/);
    expect(bad(...base, '--mirror', 'yes')).toThrow(/--mirror takes off, on/);
    expect(bad(...base, '--shard', '2/2')).toThrow(/--shard takes i\/n with 0 ≤ i < n/);
    expect(bad(...base, '--rule', 'fastest-within:0.5')).toThrow(/--rule: fastest-within takes a relative tolerance in percent/);
    expect(bad(...base, '--repeats', '0')).toThrow(/--repeats must be an integer in 1..100/);
    expect(bad(...base, '--warmup', 'twice')).toThrow(/--warmup must be one of patch, each, none/);
    expect(bad(...base, '--bogus')).toThrow(/sweep: Unknown option '--bogus'/);
    expect(bad('--merge', 'a', '--model', 'm', '--out', 'o')).toThrow(/--merge combines finished sweep folders; it takes no --model or --case/);
  });
});

describe('patchlens sweep (a real tfjs model)', () => {
  it('runs, resumes, shards and merges; prints the table and the recommendation', async () => {
    const cases = [writeCase(tmp.dir, 'one', [24, 24, 24], 1), writeCase(tmp.dir, 'two', [20, 24, 28], 2)];
    const caseArgs = cases.flatMap((c) => ['--case', `${c.image}:${c.label}`]);
    const grid = ['--patch', '12,16', '--overlap', '0,0.5', '--blend', 'gaussian,performance-weighted', '--backend', 'cpu', '--repeats', '2', '--machine', 'ci'];
    const out = join(tmp.dir, 'sweep');
    const first = await sweep('--model', modelDir, ...caseArgs, '--out', out, ...grid);
    expect(first.err).toMatch(/sweep: 10 configuration\(s\) × 2 case\(s\) = 20 pair\(s\)/);
    expect(first.err).toMatch(/^\[20\/20\] two p1[26]-\S+: [\d.]+ s \(2 run\(s\), \d+ windows\), Dice 0\.\d{4}$/m);
    expect(first.err).toMatch(/^one p12-o0.5-stride-constant-tta0: warm-up \(untimed\)$/m);
    expect(first.err).not.toMatch(/calibration map \(untimed\)/); // in one process the calibration pairs run when needed
    expect(first.err).not.toContain('\r');
    expect(first.out).toMatch(/^config\s+windows\s+time s/);
    expect(first.out).toMatch(/recommended \(fastest-within:0\.5%\): p1[26]-/);
    expect(first.out).toMatch(/margin \(patch 12×12×12, calibration map\): [\d,]+ voxels → overlap/);
    expect(first.out).toContain(`summary: ${join(out, 'summary.json')}`);
    expect(readdirSync(join(out, 'results'))).toHaveLength(20);
    expect(readdirSync(join(out, 'maps')).sort()).toEqual(['p12-o0.5-stride-constant-tta0.nii.gz', 'p12-o0.5-stride-constant-tta0.npy', 'p16-o0.5-stride-constant-tta0.nii.gz', 'p16-o0.5-stride-constant-tta0.npy']);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as SweepSummary;
    expect(summary.format).toBe('patchlens.sweep-summary');
    expect(summary.configs).toHaveLength(10);
    expect(summary.backend?.name).toBe('cpu');
    expect(summary.app?.name).toBe('patchlens');
    expect(summary.machines.map((m) => m.id)).toEqual(['ci']);
    const held = summary.timeModels.flatMap((t) => t.predictions.filter((p) => p.heldOut));
    expect(held.length).toBe(2 * 8);
    for (const p of held) expect(Number.isFinite(p.predictedMs) && p.predictedMs > 0).toBe(true);
    console.log(`real tfjs model (cpu): time model mean |error| ${summary.timeModels.map((t) => t.meanAbsErrorPct!.toFixed(1)).join(', ')} %, max ${summary.timeModels.map((t) => t.maxAbsErrorPct!.toFixed(1)).join(', ')} %`);
    // gaussian beats performance-weighted or not: both are measured; the border effect is in the map
    const cal = summary.margins.find((m) => m.patchSize[0] === 16)!;
    expect(cal.recommendation.fullMean).toBeGreaterThan(cal.recommendation.bestCropMean);

    // Resume: nothing to do.
    const again = await sweep('--model', modelDir, ...caseArgs, '--out', out, ...grid);
    expect(again.err).toMatch(/resuming: 20 finished pair\(s\) kept/);
    expect(again.err).toMatch(/0 pair\(s\) measured, 20 kept from before/);

    // Shards into two folders, merged: the same Dice as the single run.
    const a = join(tmp.dir, 'shard-a');
    const b = join(tmp.dir, 'shard-b');
    await sweep('--model', modelDir, ...caseArgs, '--out', a, ...grid, '--shard', '0/2', '--repeats', '1');
    const partial = JSON.parse(readFileSync(join(a, 'summary.json'), 'utf8')) as SweepSummary;
    expect(partial.missing).toHaveLength(10);
    await sweep('--model', modelDir, ...caseArgs, '--out', b, ...grid, '--shard', '1/2', '--repeats', '1');
    const merged = await sweep('--merge', a, '--merge', b, '--out', join(tmp.dir, 'merged'), '--rule', 'max-dice');
    expect(merged.out).toMatch(/recommended \(max-dice\)/);
    const ms = JSON.parse(readFileSync(join(tmp.dir, 'merged', 'summary.json'), 'utf8')) as SweepSummary;
    expect(ms.missing).toEqual([]);
    expect(ms.configs.map((c) => [c.config.id, c.dice])).toEqual(summary.configs.map((c) => [c.config.id, c.dice]));
    expect(existsSync(join(tmp.dir, 'merged', 'sweep.json'))).toBe(true);
  }, 60_000);

  it('bad input is an InputError naming the file', async () => {
    const c = writeCase(tmp.dir, 'x', [12, 12, 12], 1);
    await expect(sweep('--model', join(tmp.dir, 'nope'), '--case', `${c.image}:${c.label}`, '--out', join(tmp.dir, 'o1'))).rejects.toThrow(/--model: readModelFolder: .*nope does not exist/);
    await expect(sweep('--model', modelDir, '--case', `${c.image}:${join(tmp.dir, 'missing.nii.gz')}`, '--out', join(tmp.dir, 'o2'), '--backend', 'cpu', '--patch', '8')).rejects.toThrow(
      /case x: cannot read the label .*missing.nii.gz: no such file/,
    );
    await expect(sweep('--merge', tmp.dir, '--out', join(tmp.dir, 'o3'))).rejects.toThrow(/is not a sweep folder/);
  });
});
