import { describe, expect, it } from 'vitest';
import type { PatchMapData, RunReevaluation } from '../../../../shared/api/contract';
import type { DiceReport } from '../../../../shared/engine/postprocess/dice';
import { compareMaps, reevaluate, type MarginNoise } from '../../../../shared/reevaluate';
import { borderRun } from '../../../shared/reevaluate/tiledCache';
import { diceRows, differenceSummary, marginSentence, reevaluateSummary } from '../../../../src-renderer/annotation/reevaluate/reevaluateSummary';

const TINY = 2 ** -21; // ≈ 4.8e-7: a change below the 1e-6 threshold
const map = (data: number[], source: string): PatchMapData => ({ shape: [2, 2, 2], data: Float32Array.from(data), measure: 'absoluteError', count: 12, source });

/** A run re-evaluated by hand: 2×2×2 maps with exact binary fractions, compared by the core's own compareMaps. */
function fixture(): { result: RunReevaluation; before: DiceReport } {
  const before = map([0.125, 0.25, 0.375, 0.5, 0.5, 0.5, 0.5, 0.75], 'run r7');
  const after = map([0.125, 0.375, 0.375, 0.25, 0.5 + TINY, 0.5, 1, 0.75], 'run r7 against the edited reference');
  const cmp = compareMaps(before, after);
  const dice: DiceReport = {
    mode: 'classes',
    perClass: [
      { label: 0, dice: 0.98, predicted: 900, reference: 910 },
      { label: 1, dice: 0.75, predicted: 40, reference: 60 },
      { label: 2, name: 'gm', dice: 0.5, predicted: 20, reference: 20 },
    ],
    mean: 0.625,
  };
  const result: RunReevaluation = {
    runId: 'r7',
    dice,
    diceBefore: null,
    before,
    after,
    difference: { ...map(Array.from(cmp.difference), 'run r7: after − before') },
    marginBefore: [...cmp.before.margin],
    marginAfter: [...cmp.after.margin],
    errorCounts: { falsePositive: 1234, falseNegative: 56, wrongClass: 7 },
  };
  const own: DiceReport = {
    mode: 'classes',
    perClass: [
      { label: 0, dice: 0.99, predicted: 900, reference: 905 },
      { label: 1, dice: 0.8, predicted: 40, reference: 50 },
      { label: 2, dice: 0.5, predicted: 20, reference: 20 },
    ],
    mean: 0.65,
  };
  return { result, before: own };
}

describe('reevaluateSummary', () => {
  it('builds the Dice rows, the error counts, the sentence and the difference numbers', () => {
    const { result, before } = fixture();
    const s = reevaluateSummary(result, before, [{ name: 'background' }, { name: 'white matter' }, { name: 'gray matter' }]);
    expect(s.dice.map((r) => [r.name, r.beforeText, r.afterText, r.changeText])).toEqual([
      ['background', '0.9900', '0.9800', '−0.0100'],
      ['white matter', '0.8000', '0.7500', '−0.0500'],
      ['gray matter', '0.5000', '0.5000', '0.0000'],
      ['mean of the foreground classes', '0.6500', '0.6250', '−0.0250'],
    ]);
    expect(s.dice[1].change).toBeCloseTo(-0.05, 12);
    expect(s.errors.map((e) => [e.key, e.count, e.text])).toEqual([
      ['falsePositive', 1234, '1,234'],
      ['falseNegative', 56, '56'],
      ['wrongClass', 7, '7'],
    ]);
    // A 2-wide axis has no margin to discard (maxMargin(2) = 0), before and after.
    expect([s.marginBefore, s.marginAfter, s.marginChanged]).toEqual([[0, 0, 0], [0, 0, 0], false]);
    expect(s.recommendation).toBe('The recommended margin stays [0, 0, 0] voxels.');
    const d = s.difference;
    expect([d.positions, d.min, d.max, d.changedShare, d.nonFinite]).toEqual([8, -0.25, 0.5, 3 / 8, 0]);
    expect(d.meanAbs).toBe((0.125 + 0.25 + 0.5 + TINY) / 8);
    expect(Math.max(-d.min, d.max)).toBe(compareMaps(result.before, result.after).maxAbsDifference);
    expect(d.text).toBe('Change from −0.25 to +0.5; mean absolute change 0.109; 37.5 % of the 8 positions changed by more than 1e-6.');
    // The map's diverging scale has zero as its neutral colour: nothing to warn about.
    expect(d.scaleNote).toBeNull();
  });

  it('names classes from the report, then "class n", when no names are given', () => {
    const { result } = fixture();
    expect(diceRows(result.dice, null).map((r) => [r.name, r.beforeText, r.changeText, r.change])).toEqual([
      ['class 0', '—', '—', null],
      ['class 1', '—', '—', null],
      ['gm', '—', '—', null],
      ['mean of the foreground classes', '—', '—', null],
    ]);
  });

  it('does not compare a foreground Dice with per-class Dice, and leaves out the wrong-class count in foreground mode', () => {
    const { result, before } = fixture();
    const fg: DiceReport = { mode: 'foreground', perClass: [{ label: -1, name: 'foreground', dice: 0.875, predicted: 60, reference: 80 }], mean: 0.875 };
    const s = reevaluateSummary({ ...result, dice: fg }, before, null);
    expect(s.dice.map((r) => [r.name, r.beforeText, r.afterText])).toEqual([
      ['foreground', '—', '0.8750'],
      ['mean (foreground)', '—', '0.8750'],
    ]);
    expect(s.errors.map((e) => e.key)).toEqual(['falsePositive', 'falseNegative']);
  });

  it('says how the margin moved, or why there is none', () => {
    expect(marginSentence([8, 8, 8], [8, 8, 8])).toBe('The recommended margin stays [8, 8, 8] voxels.');
    // Without a measured noise a difference is reported as values, never as a change.
    expect(marginSentence([8, 8, 8], [6, 8, 8])).toBe(
      'The recommended margin is [6, 8, 8] voxels per axis against the edited reference and was [8, 8, 8]; the re-evaluation did not measure its noise, so no change is claimed.',
    );
    expect(marginSentence(null, [6, 8, 8])).toBe(
      'The recommended margin from the edited reference is [6, 8, 8] voxels per axis; the run kept no map of its own, so there is no earlier margin to compare with.',
    );
    expect(marginSentence([8, 8, 8], null, { data: [1, NaN, 2, Infinity] })).toBe('No margin can be recommended from the edited reference: 2 of its 4 map positions are not finite numbers.');
    expect(marginSentence([8, 8, 8], null)).toBe('No margin can be recommended from the edited reference: the re-evaluation returned no margin for its map.');
    const { result, before } = fixture();
    const moved = reevaluateSummary({ ...result, marginBefore: [8, 8, 8], marginAfter: [6, 8, 8] }, before);
    expect([moved.marginChanged, moved.marginChangedAxes]).toEqual([false, []]);
    const measured = reevaluateSummary({ ...result, marginBefore: [8, 8, 8], marginAfter: [6, 8, 8], marginNoise: { windows: 40, groups: 10, tolerance: 0.05, margins: [], low: [6, 8, 8], high: [7, 8, 8] } }, before);
    expect([measured.marginChanged, measured.marginChangedAxes, measured.recommendation]).toEqual([
      true,
      [0],
      'The recommended margin changes from [8, 8, 8] to [6, 8, 8] voxels per axis, beyond its noise (it varies over [6–7, 8, 8] when a tenth of the windows is left out).',
    ]);
  });

  it('states a change only on the axes where the margin before lies outside the noise range', () => {
    const noise = (low: number[], high: number[], windows = 40, groups = 10): MarginNoise => ({ windows, groups, tolerance: 0.05, margins: [], low, high });
    expect(marginSentence([4, 3, 3], [7, 6, 4], null, noise([6, 6, 4], [7, 6, 4]))).toBe(
      'The recommended margin changes from [4, 3, 3] to [7, 6, 4] voxels per axis, beyond its noise (it varies over [6–7, 6, 4] when a tenth of the windows is left out).',
    );
    expect(marginSentence([4, 3, 3], [5, 3, 3], null, noise([4, 3, 3], [5, 3, 3]))).toBe(
      'The recommended margin stays [4, 3, 3] voxels within noise: the edited reference gives [5, 3, 3], and the recommendation varies over [4–5, 3, 3] when a tenth of the windows is left out.',
    );
    expect(marginSentence([1, 1, 1], [4, 1, 2], null, noise([4, 1, 1], [4, 1, 2]))).toBe(
      'The recommended margin changes beyond its noise on axis 0 from 1 to 4 voxels; on axis 2 the change is within noise (before [1, 1, 1], after [4, 1, 2] voxels per axis; the recommendation varies over [4, 1, 1–2] when a tenth of the windows is left out).',
    );
    expect(marginSentence([1, 1, 5], [4, 3, 4], null, noise([4, 2, 4], [4, 3, 5]))).toBe(
      'The recommended margin changes beyond its noise on axis 0 from 1 to 4 and axis 1 from 1 to 3 voxels; on axis 2 the change is within noise (before [1, 1, 5], after [4, 3, 4] voxels per axis; the recommendation varies over [4, 2–3, 4–5] when a tenth of the windows is left out).',
    );
    expect(marginSentence([2, 2], [2, 2], null, noise([2, 2], [2, 2], 7, 7))).toBe('The recommended margin stays [2, 2] voxels (it does not vary when any one of the 7 windows is left out).');
    expect(marginSentence([2, 2], [3, 2], null, noise([2, 2], [3, 2], 40, 4))).toBe(
      'The recommended margin stays [2, 2] voxels within noise: the edited reference gives [3, 2], and the recommendation varies over [2–3, 2] when a quarter of the windows is left out.',
    );
    // Fewer than 3 windows: no noise, no change claimed.
    const none: MarginNoise = { windows: 2, groups: 0, tolerance: 0.05, margins: [], low: null, high: null };
    expect(marginSentence([4, 3, 3], [7, 6, 4], null, none)).toBe(
      'The recommended margin is [7, 6, 4] voxels per axis against the edited reference and was [4, 3, 3]; its noise cannot be measured from only 2 windows, so no change is claimed.',
    );
    expect(marginSentence([4, 3, 3], [4, 3, 3], null, { ...none, windows: 1 })).toBe('The recommended margin stays [4, 3, 3] voxels (its noise cannot be measured from a single window).');
    expect(marginSentence(null, [6, 8, 8], null, noise([5, 8, 8], [6, 8, 8]))).toBe(
      'The recommended margin from the edited reference is [6, 8, 8] voxels per axis (it varies over [5–6, 8, 8] when a tenth of the windows is left out); the run kept no map of its own, so there is no earlier margin to compare with.',
    );
  });

  it('from real re-evaluations: a border changed in every window is a change, one changed window of ten is noise', () => {
    const FG = { measure: 'absoluteError' as const, labelMode: 'foreground' as const };
    const sentence = (run: ReturnType<typeof borderRun>) => {
      const shape = run.plan.patchSize;
      const data = (ref: Int32Array) => Float32Array.from(reevaluate(run.cache, run.plan, ref, FG).map());
      const after = reevaluate(run.cache, run.plan, run.after, FG);
      const mapOf = (d: Float32Array, source: string): PatchMapData => ({ shape, data: d, measure: 'absoluteError', count: run.plan.starts[2].length, source });
      const cmp = compareMaps(mapOf(data(run.before), 'before'), mapOf(Float32Array.from(after.map()), 'after'), {}, after.marginNoise());
      const { result, before } = fixture();
      const s = reevaluateSummary({ ...result, before: mapOf(data(run.before), 'b'), after: mapOf(data(run.after), 'a'), difference: mapOf(Float32Array.from(cmp.difference), 'd'), marginBefore: cmp.before.margin, marginAfter: cmp.after.margin, marginNoise: cmp.afterNoise }, before);
      return [s.marginChangedAxes, s.recommendation];
    };
    expect(sentence(borderRun(20, () => [1, 1, 1], () => [4, 3, 2]))).toEqual([
      [0, 1, 2],
      'The recommended margin changes from [1, 1, 1] to [4, 3, 2] voxels per axis, beyond its noise (it does not vary when a tenth of the windows is left out).',
    ]);
    expect(sentence(borderRun(10, () => [1, 1, 1], (w) => (w === 0 ? [3, 1, 1] : [1, 1, 1])))).toEqual([
      [],
      'The recommended margin stays [1, 1, 1] voxels within noise: the edited reference gives [2, 1, 1], and the recommendation varies over [1–2, 1, 1] when any one of the 10 windows is left out.',
    ]);
  });

  it('summarizes maps without a change, with changes of one sign and with rounding only', () => {
    expect(differenceSummary({ shape: [2, 2], data: [0, 0, 0, 0] })).toMatchObject({
      min: 0, max: 0, meanAbs: 0, changedShare: 0,
      text: 'No position changed by more than 1e-6 (of 4).',
      scaleNote: null,
    });
    expect(differenceSummary({ shape: [4], data: [0, 0.5, 0.25, 0] }).scaleNote).toBeNull();
    expect(differenceSummary({ shape: [2], data: [-0.5, -0.125] }).scaleNote).toBeNull();
    // Rounding only: the symmetric scale would stretch it to its darkest red and blue.
    expect(differenceSummary({ shape: [2], data: [-TINY, TINY] }).scaleNote).toBe('Every change is within ±1e-6: the colours show rounding, not edits.');
    expect(differenceSummary({ shape: [3], data: [NaN, 0.5, 0] })).toMatchObject({
      nonFinite: 1, min: 0, max: 0.5, meanAbs: 0.25,
      text: 'Change from 0 to +0.5; mean absolute change 0.25; 33.3 % of the 3 positions changed by more than 1e-6; 1 position is not finite.',
    });
  });

  it('refuses a difference map that does not match its shape and a margin that is not a list of integers', () => {
    expect(() => differenceSummary({ shape: [2, 2, 2], data: [0, 0] })).toThrow('differenceSummary: the difference map has 2 values but shape [2, 2, 2] needs 8');
    const { result, before } = fixture();
    expect(() => reevaluateSummary({ ...result, marginAfter: [1.5, 0, 0] }, before)).toThrow('reevaluateSummary: marginAfter must be null or a list of integers ≥ 0, got [1.5,0,0]');
    const noise: MarginNoise = { windows: 20, groups: 10, tolerance: 0.05, margins: [], low: [0, 0], high: [0, 0] };
    expect(() => reevaluateSummary({ ...result, marginNoise: noise }, before)).toThrow('reevaluateSummary: marginNoise has 2 axes but marginAfter has 3, got {"windows":20,"groups":10,"low":[0,0],"high":[0,0]}');
    expect(() => reevaluateSummary({ ...result, marginNoise: { ...noise, low: [1, 0, 0], high: [0, 0, 0] } }, before)).toThrow('reevaluateSummary: marginNoise needs low ≤ high, lists of integers ≥ 0 of one length');
    expect(() => reevaluateSummary({ ...result, marginNoise: { ...noise, groups: 30 } }, before)).toThrow('reevaluateSummary: marginNoise needs whole windows ≥ 0 and groups in [0, windows]');
  });
});
