/**
 * `patchlens infer --label` and `patchlens sweep --case image:labels` with labels edited in the
 * app and saved by `saveLabels` (src-node/annotation): the CLI reads them as the reference, and
 * its Dice is the Dice of its prediction against exactly those edited voxels (issue 14, "the CLI
 * can use saved edits"). The model is the tiny fixture (test/fixtures/tiny-model), the image the demo's.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diceReport } from '../../shared/engine/postprocess/dice';
import { readNifti } from '../../shared/io/nifti';
import { saveLabels } from '../../src-node/annotation/saveLabels';
import type { Io } from '../../src-cli/io';
import { main } from '../../src-cli/main';
import type { SweepSummary } from '../../shared/sweep/types';
import { DEFAULT_BLEND, DEFAULT_PLACEMENT } from '../../shared/settings/defaults';
import { TINY_MODEL_DIR } from '../fixtures/tiny-model/makeTinyModel';
import { repoRoot } from '../helpers/sharedData';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-saved-labels-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const imagePath = join(repoRoot, 'demo', 'data', 'ch2-2mm_t1.nii.gz');
const labelPath = join(repoRoot, 'demo', 'data', 'ch2-2mm_brain.nii.gz');

async function infer(label: string, out: string): Promise<{ code: number; err: string }> {
  let err = '';
  const io: Io = { out: () => undefined, err: (s) => void (err += s), isTTY: false };
  const code = await main(['infer', '--image', imagePath, '--label', label, '--model', TINY_MODEL_DIR, '--out', out, '--patch', '24', '--overlap', '0', '--backend', 'cpu', '--quiet'], io);
  return { code, err };
}

describe('patchlens infer --label with labels saved by the annotation service', () => {
  it('uses the edited voxels as the reference: Dice against the saved file, not the original', async () => {
    const image = readNifti(readFileSync(imagePath));
    const original = readNifti(readFileSync(labelPath));
    // An edit: erase the brain in the lower half of the first array axis.
    const edited = Uint8Array.from(original.data);
    const [n0] = original.shape;
    const perSlice = edited.length / n0;
    edited.fill(0, 0, Math.floor(n0 / 2) * perSlice);
    const saved = saveLabels(join(tmp, 'labels-edited.nii.gz'), edited, { path: imagePath, header: image.header });
    expect(saved.datatype).toBe('uint8');

    const runEdited = await infer(saved.path, join(tmp, 'edited'));
    expect(runEdited.code, runEdited.err).toBe(0);
    const runOriginal = await infer(labelPath, join(tmp, 'original'));
    expect(runOriginal.code, runOriginal.err).toBe(0);

    const result = (dir: string) => JSON.parse(readFileSync(join(tmp, dir, 'result.json'), 'utf8')) as { dice: { mean: number } };
    const predicted = readNifti(readFileSync(join(tmp, 'edited', 'labels.nii.gz'))).data;
    // The same prediction both times (the reference does not change what the model predicts) …
    expect(readFileSync(join(tmp, 'edited', 'labels.nii.gz'))).toEqual(readFileSync(join(tmp, 'original', 'labels.nii.gz')));
    // … scored against the edited voxels in one run and the original ones in the other.
    expect(result('edited').dice.mean).toBeCloseTo(diceReport(predicted, edited, { mode: 'foreground' }).mean, 10);
    expect(result('original').dice.mean).toBeCloseTo(diceReport(predicted, original.data, { mode: 'foreground' }).mean, 10);
    expect(result('edited').dice.mean).toBeLessThan(result('original').dice.mean - 0.05);
  }, 120_000);

  it('sweeps against the saved edits: the sweep\'s Dice is the one of the same settings in infer, against the edited voxels', async () => {
    const image = readNifti(readFileSync(imagePath));
    const original = readNifti(readFileSync(labelPath));
    // Another edit: erase the brain in the upper half of the last array axis.
    const edited = Uint8Array.from(original.data);
    const n2 = original.shape[2];
    for (let i = 0; i < edited.length; i++) if (i % n2 >= n2 / 2) edited[i] = 0;
    const saved = saveLabels(join(tmp, 'labels-edited-sweep.nii.gz'), edited, { path: imagePath, header: image.header });
    const settings = ['--patch', '24', '--overlap', '0', '--backend', 'cpu'];
    let err = '';
    const io: Io = { out: () => undefined, err: (t) => void (err += t), isTTY: false };
    const code = await main(['sweep', '--model', TINY_MODEL_DIR, '--case', `edited=${imagePath}:${saved.path}`, '--out', join(tmp, 'sweep'), ...settings, '--blend', DEFAULT_BLEND, '--placement', DEFAULT_PLACEMENT, '--repeats', '1', '--warmup', 'none'], io);
    expect(code, err).toBe(0);
    const summary = JSON.parse(readFileSync(join(tmp, 'sweep', 'summary.json'), 'utf8')) as SweepSummary;
    const config = summary.configs.find((c) => !c.calibration)!;
    const run = await infer(saved.path, join(tmp, 'edited-for-sweep'));
    expect(run.code, run.err).toBe(0);
    const predicted = readNifti(readFileSync(join(tmp, 'edited-for-sweep', 'labels.nii.gz'))).data;
    const expected = diceReport(predicted, edited, { mode: 'foreground' }).mean;
    expect(config.dice).toBeCloseTo(expected, 6);
    expect(config.dice).not.toBeCloseTo(diceReport(predicted, original.data, { mode: 'foreground' }).mean, 2);
  }, 300_000);
});
