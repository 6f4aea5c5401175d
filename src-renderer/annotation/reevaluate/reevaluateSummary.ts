import type { RunReevaluation } from '../../../shared/api/contract';
import type { DiceReport } from '../../../shared/engine/postprocess/dice';
import { diceText, percent, short, signed, signedFixed } from '../../../shared/format/number';

/**
 * What the re-evaluation panel shows of a run re-evaluated against the edited reference
 * (docs/reevaluation.md): Dice per class before and after the edits, the error counts, the
 * recommended margin before and after in one sentence, and the difference map in numbers.
 */

/** Positions whose value changed by more than this count as changed (float32 maps carry rounding below it). */
export const CHANGE_EPSILON = 1e-6;
const EPSILON_TEXT = '1e-6';

/** One row of the Dice table: a class (or the foreground, or the mean). */
export interface DiceRow {
  /** Class index; -1 for the foreground (foreground mode); null for the mean row. */
  label: number | null;
  name: string;
  /** The run's own Dice, null when it is not known. */
  before: number | null;
  /** Dice against the edited reference. */
  after: number;
  /** after − before, null without before. */
  change: number | null;
  beforeText: string;
  afterText: string;
  changeText: string;
}

/** One error count: voxels the run's labels get wrong against the edited reference. */
export interface ErrorRow {
  key: 'falsePositive' | 'falseNegative' | 'wrongClass';
  label: string;
  count: number;
  /** The count with thousands separators: "12,345". */
  text: string;
}

/** The difference map (after − before) in numbers. */
export interface DifferenceSummary {
  /** Positions of the patch. */
  positions: number;
  /** Smallest and largest change (finite values); 0 when there is none. */
  min: number;
  max: number;
  /** Mean of |after − before| over the finite values. */
  meanAbs: number;
  /** Share of the positions whose value changed by more than {@link CHANGE_EPSILON}. */
  changedShare: number;
  /** Positions whose difference is not a finite number (none for maps the service computes). */
  nonFinite: number;
  /** One line: "Change from −0.0123 to +0.045; mean absolute change 0.00312; 37.5 % of the 8 positions changed by more than 1e-6." */
  text: string;
  /**
   * A warning for what the map's diverging colour scale (symmetric about zero, out to the largest
   * |change|) would overstate: changes that are all within ±{@link CHANGE_EPSILON} yet not zero
   * still reach the scale's ends. Null otherwise (zero is the scale's neutral colour).
   */
  scaleNote: string | null;
}

/** Everything the panel shows of one re-evaluation. */
export interface ReevaluationSummary {
  runId: string;
  mode: DiceReport['mode'];
  dice: DiceRow[];
  errors: ErrorRow[];
  marginBefore: number[] | null;
  marginAfter: number[] | null;
  /** Whether the recommended margin differs (false when either side is missing). */
  marginChanged: boolean;
  /** The one sentence about the recommended margin. */
  recommendation: string;
  difference: DifferenceSummary;
}

const ERROR_LABELS: Record<ErrorRow['key'], string> = {
  falsePositive: 'False positives (predicted foreground, reference background)',
  falseNegative: 'False negatives (reference foreground, predicted background)',
  wrongClass: 'Wrong class (two different foreground classes)',
};

const marginText = (m: readonly number[]): string => `[${m.join(', ')}]`;

function checkMargin(name: string, m: unknown): void {
  if (m === null) return;
  if (!Array.isArray(m) || m.length === 0 || !m.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new RangeError(`reevaluateSummary: ${name} must be null or a list of integers ≥ 0, got ${JSON.stringify(m)}`);
  }
}

/** A class's name: from `classes`, else the report's own name, else "foreground" / "class n". */
function className(label: number, reported: string | undefined, classes: readonly { name: string }[] | null | undefined): string {
  if (label >= 0 && classes?.[label]?.name) return classes[label].name;
  if (reported) return reported;
  return label === -1 ? 'foreground' : `class ${label}`;
}

function diceRow(label: number | null, name: string, before: number | null, after: number): DiceRow {
  const change = before === null ? null : after - before;
  return { label, name, before, after, change, beforeText: diceText(before), afterText: diceText(after), changeText: change === null ? '—' : signedFixed(change, 4) };
}

/**
 * The Dice rows: every class the re-evaluation reports (background included, as the report does),
 * then the mean over the foreground classes. Before values come from the run's own report, matched
 * by label; a `before` in another mode (classes vs foreground) is not compared.
 */
export function diceRows(after: DiceReport, before: DiceReport | null, classes?: readonly { name: string }[] | null): DiceRow[] {
  const comparable = before !== null && before.mode === after.mode;
  const rows = after.perClass.map((c) => {
    const old = comparable ? (before.perClass.find((b) => b.label === c.label)?.dice ?? null) : null;
    return diceRow(c.label, className(c.label, c.name, classes), old, c.dice);
  });
  const meanName = after.mode === 'foreground' ? 'mean (foreground)' : 'mean of the foreground classes';
  rows.push(diceRow(null, meanName, comparable ? before.mean : null, after.mean));
  return rows;
}

/**
 * The sentence about the recommended border margin: "The recommended margin stays [8, 8, 8]
 * voxels.", "The recommended margin changes from [8, 8, 8] to [6, 8, 8] voxels per axis.", or,
 * without a margin after, "No margin can be recommended from the edited reference: …".
 * @param afterMap the map against the edited reference (to say why there is no margin)
 */
export function marginSentence(before: readonly number[] | null, after: readonly number[] | null, afterMap?: { data: ArrayLike<number> } | null): string {
  if (after === null) {
    let bad = 0;
    const data = afterMap?.data ?? [];
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) bad++;
    const why = bad > 0 ? `${bad} of its ${data.length} map positions are not finite numbers` : 'the re-evaluation returned no margin for its map';
    return `No margin can be recommended from the edited reference: ${why}.`;
  }
  if (before === null) {
    return `The recommended margin from the edited reference is ${marginText(after)} voxels per axis; the run kept no map of its own, so there is no earlier margin to compare with.`;
  }
  const same = before.length === after.length && before.every((m, a) => m === after[a]);
  return same ? `The recommended margin stays ${marginText(after)} voxels.` : `The recommended margin changes from ${marginText(before)} to ${marginText(after)} voxels per axis.`;
}

const signedShort = (x: number): string => signed(x, short(x));

/**
 * The difference map in numbers: its smallest and largest change, the mean absolute change, and
 * the share of positions that changed by more than {@link CHANGE_EPSILON}.
 * @throws RangeError when the data does not match the shape
 */
export function differenceSummary(map: { shape: readonly number[]; data: ArrayLike<number> }): DifferenceSummary {
  const n = map.shape.reduce((p, s) => p * s, 1);
  if (!map.shape.every((s) => Number.isInteger(s) && s > 0) || map.data.length !== n) {
    throw new RangeError(`differenceSummary: the difference map has ${map.data.length} values but shape [${map.shape.join(', ')}] needs ${n}`);
  }
  let min = Infinity;
  let max = -Infinity;
  let sumAbs = 0;
  let finite = 0;
  let changed = 0;
  for (let i = 0; i < n; i++) {
    const d = map.data[i];
    if (!Number.isFinite(d)) continue;
    finite++;
    min = Math.min(min, d);
    max = Math.max(max, d);
    sumAbs += Math.abs(d);
    if (Math.abs(d) > CHANGE_EPSILON) changed++;
  }
  if (finite === 0) [min, max] = [0, 0];
  const meanAbs = finite === 0 ? 0 : sumAbs / finite;
  const changedShare = changed / n;
  const bad = n - finite;
  const skipped = bad === 0 ? '' : bad === 1 ? '; 1 position is not finite' : `; ${bad} positions are not finite`;
  const text =
    changed === 0
      ? `No position changed by more than ${EPSILON_TEXT} (of ${n})${skipped}.`
      : `Change from ${signedShort(min)} to ${signedShort(max)}; mean absolute change ${short(meanAbs)}; ${percent(changedShare)} of the ${n} positions changed by more than ${EPSILON_TEXT}${skipped}.`;
  return { positions: n, min, max, meanAbs, changedShare, nonFinite: bad, text, scaleNote: scaleNote(min, max) };
}

/** The warning of {@link DifferenceSummary.scaleNote}: rounding only, which the symmetric scale stretches to its ends. */
function scaleNote(min: number, max: number): string | null {
  const m = Math.max(-min, max);
  return m > 0 && m <= CHANGE_EPSILON ? `Every change is within ±${EPSILON_TEXT}: the colours show rounding, not edits.` : null;
}

/**
 * The panel's summary of a re-evaluation.
 * @param before the run's own Dice (from its run record), null when unknown
 * @param classes class names by label (the model's), optional
 * @throws RangeError naming what is wrong when a margin is not a list of integers ≥ 0 or the
 * difference map does not match its shape
 */
export function reevaluateSummary(result: RunReevaluation, before: DiceReport | null, classes?: readonly { name: string }[] | null): ReevaluationSummary {
  checkMargin('marginBefore', result.marginBefore);
  checkMargin('marginAfter', result.marginAfter);
  const { marginBefore, marginAfter, errorCounts } = result;
  const keys: ErrorRow['key'][] = result.dice.mode === 'classes' ? ['falsePositive', 'falseNegative', 'wrongClass'] : ['falsePositive', 'falseNegative'];
  const errors = keys.map((key) => ({ key, label: ERROR_LABELS[key], count: errorCounts[key], text: errorCounts[key].toLocaleString('en-US') }));
  const marginChanged = marginBefore !== null && marginAfter !== null && (marginBefore.length !== marginAfter.length || marginBefore.some((m, a) => m !== marginAfter[a]));
  return {
    runId: result.runId,
    mode: result.dice.mode,
    dice: diceRows(result.dice, before, classes),
    errors,
    marginBefore,
    marginAfter,
    marginChanged,
    recommendation: marginSentence(marginBefore, marginAfter, result.after),
    difference: differenceSummary(result.difference),
  };
}
