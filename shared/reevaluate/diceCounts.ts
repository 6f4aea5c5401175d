import type { DiceReport, LabelMode } from '../engine/postprocess/dice';

/**
 * The confusion counts behind `diceReport` (voxels per class in the prediction and in the
 * reference, and where they agree), kept so a reference edit updates Dice in O(changed voxels).
 * `report()` gives exactly what `diceReport(predicted, reference, { mode, numClasses, classNames })`
 * gives for the current reference.
 */
export class DiceCounts {
  private readonly predicted: number[] = [];
  private readonly reference: number[] = [];
  private readonly both: number[] = [];

  constructor(
    predicted: ArrayLike<number>,
    reference: ArrayLike<number>,
    readonly mode: LabelMode,
    readonly numClasses: number,
  ) {
    for (let i = 0; i < predicted.length; i++) this.add(predicted[i], reference[i], 1);
  }

  /** In foreground mode every label > 0 counts as class 1. */
  private key(label: number): number {
    return this.mode === 'foreground' ? (label > 0 ? 1 : 0) : label;
  }

  private bump(counts: number[], c: number, by: number): void {
    while (counts.length <= c) counts.push(0);
    counts[c] += by;
  }

  private add(predicted: number, reference: number, by: number): void {
    const p = this.key(predicted);
    const r = this.key(reference);
    this.bump(this.predicted, p, by);
    this.bump(this.reference, r, by);
    if (p === r) this.bump(this.both, p, by);
  }

  /** One voxel's reference label changed from `before` to `after`; `predicted` is its predicted label. */
  change(predicted: number, before: number, after: number): void {
    this.add(predicted, before, -1);
    this.add(predicted, after, 1);
  }

  /** The Dice report of the counts (the same numbers, names and order as `diceReport`). */
  report(classNames?: string[]): DiceReport {
    const at = (counts: number[], c: number) => counts[c] ?? 0;
    const dice = (c: number) => {
      const sum = at(this.predicted, c) + at(this.reference, c);
      return sum === 0 ? 1 : (2 * at(this.both, c)) / sum;
    };
    if (this.mode === 'foreground') {
      const d = dice(1);
      return { mode: 'foreground', perClass: [{ label: -1, name: 'foreground', dice: d, predicted: at(this.predicted, 1), reference: at(this.reference, 1) }], mean: d };
    }
    // diceReport lists 0 … max(numClasses − 1, the largest label present).
    let last = this.numClasses - 1;
    const longest = Math.max(this.predicted.length, this.reference.length);
    for (let c = longest - 1; c > last; c--) {
      if (at(this.predicted, c) + at(this.reference, c) > 0) {
        last = c;
        break;
      }
    }
    const perClass: DiceReport['perClass'] = [];
    let sum = 0;
    let counted = 0;
    for (let c = 0; c < Math.max(1, last + 1); c++) {
      const d = dice(c);
      perClass.push({ label: c, name: classNames?.[c], dice: d, predicted: at(this.predicted, c), reference: at(this.reference, c) });
      if (c > 0 && at(this.predicted, c) + at(this.reference, c) > 0) {
        sum += d;
        counted++;
      }
    }
    return { mode: 'classes', perClass, mean: counted === 0 ? 1 : sum / counted };
  }
}
