/** planInferPatch / planSweepPatches (src-cli/patchPlan.ts): the patch the CLI runs and what it says first. */
import { describe, expect, it } from 'vitest';
import { planInferPatch, planSweepPatches } from '../../src-cli/patchPlan';

const model5 = { receptiveField: [93, 93, 93] };
const demo = { trainedPatchSize: [24, 24, 24], receptiveField: [21, 21, 21] };
const CH2 = [216, 213, 251];
const never = (): never => {
  throw new Error('the grid was not needed');
};

describe('planInferPatch', () => {
  it('--patch 64 with model5 on ch2: the warning of patchAdvice', () => {
    expect(planInferPatch([64], model5, () => CH2)).toEqual({
      patch: [64],
      defaulted: false,
      warnings: ['patch 64 < receptive field 93 on every axis: expect border errors; the whole volume (216×213×251) fits in memory and is expected to be better'],
    });
  });

  it('the default with model5 (no trained patch) is whole; with the demo model its trained 24³', () => {
    expect(planInferPatch(undefined, model5, () => CH2)).toEqual({ patch: 'whole', defaulted: true, warnings: [] });
    expect(planInferPatch(undefined, demo, never)).toEqual({ patch: [24, 24, 24], defaulted: true, warnings: [] });
  });

  it('a trained patch below the receptive field is not the default', () => {
    expect(planInferPatch(undefined, { trainedPatchSize: [64, 64, 64], receptiveField: [93, 93, 93] }, () => CH2).patch).toBe('whole');
    expect(planInferPatch(undefined, { trainedPatchSize: [64, 64, 64], receptiveField: [93, 93, 93] }, () => [512, 512, 512]).patch).toEqual([96, 96, 96]);
  });

  it('does not compute the grid when nothing depends on it', () => {
    expect(planInferPatch([128], model5, never).warnings).toEqual([]);
    expect(planInferPatch('whole', model5, never).warnings).toEqual([]);
    expect(planInferPatch([16], {}, never)).toEqual({ patch: [16], defaulted: false, warnings: [] });
    expect(planInferPatch(undefined, {}, never).patch).toBe('whole');
  });
});

describe('planSweepPatches', () => {
  it('one warning per patch size that is too small; the same line for every case is said once', () => {
    const grids = () => [{ id: 'a', shape: [91, 109, 91] }, { id: 'b', shape: [91, 109, 91] }];
    expect(planSweepPatches([[16], [24], [16, 24, 16]], demo, grids)).toEqual({
      patchSizes: [[16], [24], [16, 24, 16]],
      warnings: [
        'patch 16 < receptive field 21 on every axis: expect border errors; the whole volume (91×109×91) fits in memory and is expected to be better',
        'patch 16×24×16 < receptive field 21 on axes 0 and 2: expect border errors; the whole volume (91×109×91) fits in memory and is expected to be better',
      ],
    });
  });

  it('cases whose grids give different lines are named', () => {
    const grids = () => [{ id: 'a', shape: [91, 109, 91] }, { id: 'b', shape: [80, 100, 80] }, { id: 'c', shape: [14, 14, 14] }];
    expect(planSweepPatches([[16]], demo, grids).warnings).toEqual([
      'case a: patch 16 < receptive field 21 on every axis: expect border errors; the whole volume (91×109×91) fits in memory and is expected to be better',
      'case b: patch 16 < receptive field 21 on every axis: expect border errors; the whole volume (80×100×80) fits in memory and is expected to be better',
    ]);
  });

  it('the default: the trained patch when it covers the receptive field, else one window over the largest case', () => {
    expect(planSweepPatches(undefined, demo, never)).toEqual({ patchSizes: [[24, 24, 24]], warnings: [] });
    const grids = () => [{ id: 'a', shape: [216, 213, 251] }, { id: 'b', shape: [220, 200, 240] }];
    expect(planSweepPatches(undefined, model5, grids)).toEqual({ patchSizes: [[220, 213, 251]], warnings: [] });
    // Before: [64, 64, 64] for model5, a size below its receptive field of 93.
    expect(planSweepPatches(undefined, {}, never)).toEqual({ patchSizes: [[64, 64, 64]], warnings: [] });
  });
});
