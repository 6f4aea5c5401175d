import type { NumericArray } from '../../stitching/types';

/** How predicted classes are compared with reference labels: label by label, or label > 0 against reference > 0. */
export const LABEL_MODES = ['classes', 'foreground'] as const;

/** One of {@link LABEL_MODES}. */
export type LabelMode = (typeof LABEL_MODES)[number];

/** Dice of one class (or of the foreground). */
export interface ClassDice {
  /** Class index (0 = background); -1 for the foreground (every label > 0). */
  label: number;
  /** Class name when known. */
  name?: string;
  /** 2·|A∩B| / (|A|+|B|); 1 when both are empty. */
  dice: number;
  /** Voxels of the class in the prediction and in the reference. */
  predicted: number;
  reference: number;
}

/** Per-class Dice and their mean over the foreground classes. */
export interface DiceReport {
  /** `'classes'`: label by label; `'foreground'`: label > 0 against reference > 0. */
  mode: LabelMode;
  perClass: ClassDice[];
  /** Mean over the foreground classes present in either volume (the foreground Dice in foreground mode). */
  mean: number;
}

/**
 * Dice between a predicted and a reference label map of the same size.
 * @param mode `'classes'` compares every label 1…n (n = `numClasses − 1`, or the largest label
 * seen); `'foreground'` compares label > 0 with reference > 0
 * @param mask optional: only voxels where mask ≠ 0 count
 */
export function diceReport(
  predicted: NumericArray,
  reference: NumericArray,
  options: { mode?: LabelMode; numClasses?: number; classNames?: string[]; mask?: NumericArray } = {},
): DiceReport {
  if (predicted.length !== reference.length) {
    throw new RangeError(`diceReport: predicted has ${predicted.length} voxels but the reference has ${reference.length}`);
  }
  const mode = options.mode ?? 'classes';
  const mask = options.mask;
  if (mask && mask.length !== predicted.length) throw new RangeError('diceReport: mask size differs from the label maps');
  if (mode === 'foreground') {
    let inter = 0;
    let p = 0;
    let r = 0;
    for (let i = 0; i < predicted.length; i++) {
      if (mask && mask[i] === 0) continue;
      const a = predicted[i] > 0;
      const b = reference[i] > 0;
      if (a) p++;
      if (b) r++;
      if (a && b) inter++;
    }
    const dice = p + r === 0 ? 1 : (2 * inter) / (p + r);
    return { mode, perClass: [{ label: -1, name: 'foreground', dice, predicted: p, reference: r }], mean: dice };
  }
  let maxLabel = (options.numClasses ?? 0) - 1;
  for (let i = 0; i < predicted.length; i++) {
    if (predicted[i] > maxLabel) maxLabel = predicted[i];
    if (reference[i] > maxLabel) maxLabel = reference[i];
  }
  const n = Math.max(1, Math.floor(maxLabel) + 1);
  const inter = new Float64Array(n);
  const pc = new Float64Array(n);
  const rc = new Float64Array(n);
  for (let i = 0; i < predicted.length; i++) {
    if (mask && mask[i] === 0) continue;
    const a = predicted[i];
    const b = reference[i];
    pc[a]++;
    rc[b]++;
    if (a === b) inter[a]++;
  }
  const perClass: ClassDice[] = [];
  let sum = 0;
  let counted = 0;
  for (let c = 0; c < n; c++) {
    const dice = pc[c] + rc[c] === 0 ? 1 : (2 * inter[c]) / (pc[c] + rc[c]);
    perClass.push({ label: c, name: options.classNames?.[c], dice, predicted: pc[c], reference: rc[c] });
    if (c > 0 && pc[c] + rc[c] > 0) {
      sum += dice;
      counted++;
    }
  }
  return { mode, perClass, mean: counted === 0 ? 1 : sum / counted };
}
