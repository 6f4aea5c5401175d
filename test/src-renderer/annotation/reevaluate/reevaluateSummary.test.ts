import { describe, expect, it } from 'vitest';
import type { PatchMapData, RunReevaluation } from '../../../../shared/api/contract';
import type { DiceReport } from '../../../../shared/engine/postprocess/dice';
import { compareMaps } from '../../../../shared/reevaluate';
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
    expect(marginSentence([8, 8, 8], [6, 8, 8])).toBe('The recommended margin changes from [8, 8, 8] to [6, 8, 8] voxels per axis.');
    expect(marginSentence(null, [6, 8, 8])).toBe(
      'The recommended margin from the edited reference is [6, 8, 8] voxels per axis; the run kept no map of its own, so there is no earlier margin to compare with.',
    );
    expect(marginSentence([8, 8, 8], null, { data: [1, NaN, 2, Infinity] })).toBe('No margin can be recommended from the edited reference: 2 of its 4 map positions are not finite numbers.');
    expect(marginSentence([8, 8, 8], null)).toBe('No margin can be recommended from the edited reference: the re-evaluation returned no margin for its map.');
    const { result, before } = fixture();
    const moved = reevaluateSummary({ ...result, marginBefore: [8, 8, 8], marginAfter: [6, 8, 8] }, before);
    expect([moved.marginChanged, moved.recommendation]).toEqual([true, 'The recommended margin changes from [8, 8, 8] to [6, 8, 8] voxels per axis.']);
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
  });
});
