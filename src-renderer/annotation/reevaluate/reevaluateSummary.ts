import type { RunReevaluation } from '../../../shared/api/contract';
import type { DiceReport } from '../../../shared/engine/postprocess/dice';
import { diceText, percent, short, signed, signedFixed } from '../../../shared/format/number';
import { includeMargin, marginChangedAxes, type MarginNoise } from '../../../shared/reevaluate/marginNoise';

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
  /**
   * Whether the recommended margin changed beyond its measured noise on some axis (false when
   * either side or the noise is missing, or the noise could not be measured).
   */
  marginChanged: boolean;
  /** The axes whose margin changed beyond the noise (empty when none or when the noise is unknown). */
  marginChangedAxes: number[];
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

const isMargin = (m: unknown): m is number[] => Array.isArray(m) && m.length > 0 && m.every((v) => Number.isInteger(v) && v >= 0);

function checkMargin(name: string, m: unknown): void {
  if (m !== null && !isMargin(m)) throw new RangeError(`reevaluateSummary: ${name} must be null or a list of integers ≥ 0, got ${JSON.stringify(m)}`);
}

/** A margin noise from the service: groups and windows counts, and with groups > 0 a range of one entry per axis of the margin. */
function checkNoise(noise: MarginNoise | null | undefined, after: number[] | null): void {
  if (noise === null || noise === undefined) return;
  const bad = (why: string): never => {
    throw new RangeError(`reevaluateSummary: marginNoise ${why}, got ${JSON.stringify({ windows: noise.windows, groups: noise.groups, low: noise.low, high: noise.high })}`);
  };
  if (!Number.isInteger(noise.windows) || noise.windows < 0 || !Number.isInteger(noise.groups) || noise.groups < 0 || noise.groups > noise.windows) bad('needs whole windows ≥ 0 and groups in [0, windows]');
  if (noise.groups === 0) return;
  if (!isMargin(noise.low) || !isMargin(noise.high) || noise.low.length !== noise.high.length || noise.low.some((l, a) => l > noise.high![a])) bad('needs low ≤ high, lists of integers ≥ 0 of one length');
  if (after !== null && noise.low!.length !== after.length) bad(`has ${noise.low!.length} axes but marginAfter has ${after.length}`);
}

/** `[0]` → `axis 0`, `[1, 2]` → `axes 1 and 2`, `[0, 1, 2]` → `axes 0, 1 and 2`. */
function axesText(axes: readonly number[]): string {
  if (axes.length === 1) return `axis ${axes[0]}`;
  return `axes ${axes.slice(0, -1).join(', ')} and ${axes[axes.length - 1]}`;
}

const SHARE = ['', '', 'a half', 'a third', 'a quarter', 'a fifth', 'a sixth', 'a seventh', 'an eighth', 'a ninth', 'a tenth'];

/** "when a tenth of the windows is left out", or with one group per window "when any one of the 7 windows is left out". */
function leftOutText(noise: MarginNoise): string {
  if (noise.groups === noise.windows) return `when any one of the ${noise.windows} windows is left out`;
  return `when ${SHARE[noise.groups] ?? `1/${noise.groups}`} of the windows is left out`;
}

/** "it varies over [6–7, 3, 3–4] when a tenth of the windows is left out", or "it does not vary when …". */
function variesText(noise: MarginNoise, after: readonly number[], subject = 'it'): string {
  const { low, high } = includeMargin(noise, after);
  if (low!.every((l, a) => l === high![a])) return `${subject} does not vary ${leftOutText(noise)}`;
  return `${subject} varies over [${low!.map((l, a) => (l === high![a] ? `${l}` : `${l}–${high![a]}`)).join(', ')}] ${leftOutText(noise)}`;
}

/** The sentence about a margin before and after, with the after margin's noise (measured or not). */
function comparedSentence(before: readonly number[], after: readonly number[], noise: MarginNoise | null | undefined): string {
  const same = before.length === after.length && before.every((m, a) => m === after[a]);
  const changed = marginChangedAxes(before, after, noise);
  if (changed === null) {
    const why = !noise ? 'the re-evaluation did not measure its noise' : `its noise cannot be measured from ${noise.windows === 1 ? 'a single window' : `only ${noise.windows} windows`}`;
    if (same) return noise ? `The recommended margin stays ${marginText(after)} voxels (${why}).` : `The recommended margin stays ${marginText(after)} voxels.`;
    return `The recommended margin is ${marginText(after)} voxels per axis against the edited reference and was ${marginText(before)}; ${why}, so no change is claimed.`;
  }
  const varies = variesText(noise!, after);
  const recommendationVaries = variesText(noise!, after, 'the recommendation');
  if (same) return `The recommended margin stays ${marginText(after)} voxels (${varies}).`;
  if (changed.length === 0) {
    return `The recommended margin stays ${marginText(before)} voxels within noise: the edited reference gives ${marginText(after)}, and ${recommendationVaries}.`;
  }
  const differing = after.map((_, a) => a).filter((a) => before[a] !== after[a]);
  if (changed.length === differing.length) {
    return `The recommended margin changes from ${marginText(before)} to ${marginText(after)} voxels per axis, beyond its noise (${varies}).`;
  }
  const moves = changed.map((a) => `axis ${a} from ${before[a]} to ${after[a]}`);
  const movesText = moves.length === 1 ? moves[0] : `${moves.slice(0, -1).join(', ')} and ${moves[moves.length - 1]}`;
  const within = differing.filter((a) => !changed.includes(a));
  return `The recommended margin changes beyond its noise on ${movesText} voxels; on ${axesText(within)} the change is within noise (before ${marginText(before)}, after ${marginText(after)} voxels per axis; ${recommendationVaries}).`;
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
 * The sentence about the recommended border margin. A change is stated only on the axes where the
 * margin before lies outside the after margin's noise range (`noise`, the leave-one-group-out
 * jackknife of the re-evaluation): "The recommended margin changes from [4, 3, 3] to [7, 6, 4]
 * voxels per axis, beyond its noise (it varies over [6–7, 6, 4] when a tenth of the windows is
 * left out).", "… changes beyond its noise on axis 0 from 1 to 4 voxels; on axis 2 the change is
 * within noise (…).", "The recommended margin stays [4, 3, 3] voxels within noise: the edited
 * reference gives [5, 3, 3], and the recommendation varies over [4–5, 3, 3] …". Without a
 * measured noise (none given, or fewer than 3 windows) a difference is reported as values, with
 * "no change is claimed". Without a margin after: "No margin can be recommended …".
 * @param afterMap the map against the edited reference (to say why there is no margin)
 * @param noise the after margin's noise (`RunReevaluation.marginNoise`)
 */
export function marginSentence(
  before: readonly number[] | null,
  after: readonly number[] | null,
  afterMap?: { data: ArrayLike<number> } | null,
  noise?: MarginNoise | null,
): string {
  if (after === null) {
    let bad = 0;
    const data = afterMap?.data ?? [];
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) bad++;
    const why = bad > 0 ? `${bad} of its ${data.length} map positions are not finite numbers` : 'the re-evaluation returned no margin for its map';
    return `No margin can be recommended from the edited reference: ${why}.`;
  }
  if (before === null) {
    const varies = noise && noise.groups > 0 ? ` (${variesText(noise, after)})` : '';
    return `The recommended margin from the edited reference is ${marginText(after)} voxels per axis${varies}; the run kept no map of its own, so there is no earlier margin to compare with.`;
  }
  return comparedSentence(before, after, noise);
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
  checkNoise(result.marginNoise, result.marginAfter);
  const { marginBefore, marginAfter, marginNoise, errorCounts } = result;
  const keys: ErrorRow['key'][] = result.dice.mode === 'classes' ? ['falsePositive', 'falseNegative', 'wrongClass'] : ['falsePositive', 'falseNegative'];
  const errors = keys.map((key) => ({ key, label: ERROR_LABELS[key], count: errorCounts[key], text: errorCounts[key].toLocaleString('en-US') }));
  const changedAxes = (marginBefore !== null && marginAfter !== null ? marginChangedAxes(marginBefore, marginAfter, marginNoise) : null) ?? [];
  return {
    runId: result.runId,
    mode: result.dice.mode,
    dice: diceRows(result.dice, before, classes),
    errors,
    marginBefore,
    marginAfter,
    marginChanged: changedAxes.length > 0,
    marginChangedAxes: changedAxes,
    recommendation: marginSentence(marginBefore, marginAfter, result.after, marginNoise),
    difference: differenceSummary(result.difference),
  };
}
