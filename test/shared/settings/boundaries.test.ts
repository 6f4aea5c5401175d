// Every face accepts and refuses the same boundary values (issue 13: the overlap was ≤ 0.9 in the
// app, ≤ 0.95 in the CLI and < 1 in the contract and the core; the patch ≤ 512, ≤ 1024 or unbounded).
// The faces: the app's run and sweep forms, `patchlens infer` and `patchlens sweep`, the settings
// check (checkRunSettings), the contract's validators of `run:start` and `sweep:start`
// (validateArgs) and the engine core (runOnGrid).
import { describe, expect, it } from 'vitest';
import { checkRunSettings, OVERLAP_LIMITS, PATCH_LIMITS, type RunSettings } from '../../../shared/settings/index';
import { runOnGrid } from '../../../shared/engine/inference/runOnGrid';
import { validateArgs } from '../../../shared/api/validateArgs';
import type { ModelRunner } from '../../../shared/engine/inference/modelRunner';
import { defaultRunForm, validateRunForm } from '../../../src-renderer/jobs/runSettingsForm';
import { defaultSweepForm, validateSweepForm } from '../../../src-renderer/explorer/sweepForm';
import { parseInferArgs } from '../../../src-cli/inferArgs';
import { parseSweepArgs } from '../../../src-cli/sweepArgs';

const settings: RunSettings = { patchSize: [8], overlap: 0.5, placement: 'stride', blend: 'constant', measure: 'absoluteError' };

/** A one-class model that answers 1 everywhere. */
const ones: ModelRunner = {
  classes: 1,
  channels: 1,
  backend: () => ({ name: 'test', fallbacks: [] }),
  predict: async (batch) => new Float32Array(batch.data.length).fill(1),
};

/** Whether each face accepts a run with this patch edge (every axis) and overlap. */
async function faces(patch: number, overlap: number): Promise<Record<string, boolean>> {
  const attempt = async (f: () => unknown) => {
    try {
      await f();
      return true;
    } catch {
      return false;
    }
  };
  const form = validateRunForm({ ...defaultRunForm(null), patch: [String(patch), String(patch), String(patch)], overlap: String(overlap) });
  const sweepForm = validateSweepForm({ ...defaultSweepForm(null, true), patchSizes: String(patch), overlaps: String(overlap) });
  const cli = ['--model', 'm', '--out', 'o', '--patch', String(patch), '--overlap', String(overlap)];
  return {
    runForm: form.ok,
    sweepForm: sweepForm.ok,
    infer: await attempt(() => parseInferArgs(['--image', 'i.nii', ...cli])),
    sweep: await attempt(() => parseSweepArgs(['--case', 'i.nii:l.nii', ...cli])),
    contract: await attempt(() => checkRunSettings({ ...settings, patchSize: [patch, patch, patch], overlap }, 'run:start')),
    runRequest: await attempt(() => validateArgs('run:start', { settings: { ...settings, patchSize: [patch, patch, patch], overlap } })),
    sweepRequest: await attempt(() =>
      validateArgs('sweep:start', { request: { patchSizes: [patch], overlaps: [overlap], blends: ['gaussian'], placements: ['stride'], repeats: 1, cases: 'current' } }),
    ),
    // A 1-D image of 4 voxels: the frame is padded up to the patch (1024 values at the most).
    core: await attempt(() => runOnGrid({ data: new Float32Array(4), shape: [4, 1] }, null, ones, { patchSize: patch, overlap, consistency: false })),
  };
}

const all = (value: boolean) => ({ runForm: value, sweepForm: value, infer: value, sweep: value, contract: value, runRequest: value, sweepRequest: value, core: value });

describe('one set of limits on every face', () => {
  it('the overlap: 0 and 0.9 are accepted everywhere, 0.91 and 0.95 refused everywhere', async () => {
    expect(OVERLAP_LIMITS.max).toBe(0.9);
    expect(await faces(4, 0)).toEqual(all(true));
    expect(await faces(4, 0.9)).toEqual(all(true));
    expect(await faces(4, 0.91)).toEqual(all(false));
    expect(await faces(4, 0.95)).toEqual(all(false));
  });

  it('the patch: 1 and 1024 are accepted everywhere, 0 and 1025 refused everywhere', async () => {
    expect(PATCH_LIMITS).toEqual({ min: 1, max: 1024 });
    expect(await faces(1, 0.5)).toEqual(all(true));
    expect(await faces(1024, 0.5)).toEqual(all(true));
    expect(await faces(0, 0.5)).toEqual(all(false));
    expect(await faces(1025, 0.5)).toEqual(all(false));
  });

  it('the same defaults: overlap 0.5 and measure absoluteError in the run form and the CLI', () => {
    const form = defaultRunForm(null);
    const infer = parseInferArgs(['--image', 'i.nii', '--model', 'm', '--out', 'o']);
    const sweep = parseSweepArgs(['--case', 'i.nii:l.nii', '--model', 'm', '--out', 'o']);
    expect([form.overlap, form.measure, form.blend, form.placement]).toEqual(['0.5', 'absoluteError', 'gaussian', 'stride']);
    expect([infer.overlap, infer.measure, infer.blend, infer.placement]).toEqual([[0.5], 'absoluteError', 'gaussian', 'stride']);
    expect(sweep.measure).toBe('absoluteError');
  });
});
