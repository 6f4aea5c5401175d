import { describe, expect, it } from 'vitest';
import { diceReport } from '../../../shared/engine/postprocess/dice';
import { DiceCounts } from '../../../shared/reevaluate/diceCounts';
import { mulberry32 } from '../../../shared/util/mulberry32';

describe('DiceCounts (Dice updated per changed voxel)', () => {
  it('equals diceReport after every change, also when a label beyond the classes appears and disappears', () => {
    const rand = mulberry32(3);
    const predicted = Uint8Array.from({ length: 500 }, () => Math.floor(rand() * 3));
    const reference = Int32Array.from({ length: 500 }, () => Math.floor(rand() * 3));
    for (const mode of ['classes', 'foreground'] as const) {
      const ref = Int32Array.from(reference);
      const counts = new DiceCounts(predicted, ref, mode, 3);
      const names = ['background', 'a', 'b', 'extra'];
      expect(counts.report(names)).toEqual(diceReport(predicted, ref, { mode, numClasses: 3, classNames: names }));
      for (const [v, label] of [[10, 3], [11, 3], [10, 0], [11, 1], [12, 2], [13, 0]]) {
        counts.change(predicted[v], ref[v], label);
        ref[v] = label;
        expect(counts.report(names)).toEqual(diceReport(predicted, ref, { mode, numClasses: 3, classNames: names }));
      }
    }
    // an empty class on both sides has Dice 1 and does not count in the mean
    const two = new DiceCounts(Uint8Array.of(0, 1), Int32Array.of(0, 1), 'classes', 3);
    expect(two.report()).toEqual(diceReport(Uint8Array.of(0, 1), Int32Array.of(0, 1), { numClasses: 3 }));
    expect(two.report().perClass[2].dice).toBe(1);
  });
});
