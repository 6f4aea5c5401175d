/**
 * Comparisons that exceed the measured noise (issue 12, item 3): a sweep states "faster",
 * "better", "beats" or "saves" only when the difference is larger than what repeating the same
 * measurement gives. Pure TypeScript.
 *
 * - Time: every (case, configuration) is timed several times (`SweepSettings.repeats`); two
 *   configurations differ only when, on every case, their [min, max] ranges do not overlap and
 *   the medians differ by at least {@link TIME_MIN_DIFFERENCE_FRACTION}.
 * - Dice: Dice is deterministic for a configuration, but it varies from case to case; two
 *   configurations differ only when the mean per-case (paired) difference is at least
 *   {@link DICE_MIN_DIFFERENCE} and, with two or more cases, the 95 % t-interval of the per-case
 *   differences excludes 0.
 */

/** What the time comparison of A against B concludes. */
export type TimeVerdict = 'faster' | 'slower' | 'within noise';
/** What the Dice comparison of A against B concludes. */
export type DiceVerdict = 'better' | 'worse' | 'no difference';

/** Median and range of a configuration's repeated timings, ms. */
export interface Spread {
  /** Median of the runs (mean over cases of each case's median when there are several cases). */
  medianMs: number;
  /** Fastest and slowest run over all cases. */
  minMs: number;
  maxMs: number;
}

/** The result of {@link compareTimes}. */
export interface TimeComparison {
  verdict: TimeVerdict;
  /** A's headline time minus B's (means over cases of the per-case medians), ms: negative when A is quicker. */
  deltaMs: number;
  a: Spread;
  b: Spread;
}

/** The result of {@link compareDice}. */
export interface DiceComparison {
  verdict: DiceVerdict;
  /** Mean over cases of (A's Dice − B's Dice). */
  delta: number;
  /** The 95 % t-interval of the per-case differences (null with a single case). */
  ciLow: number | null;
  ciHigh: number | null;
  cases: number;
}

/**
 * The smallest Dice difference PatchLens calls a difference: 0.005 (half a Dice point). Below it
 * a difference is "no difference" however consistent it is: it is smaller than what a single
 * boundary voxel layer changes on a typical brain structure, and it matches the default
 * selection rule's tolerance (fastest within 0.5 % of the best Dice).
 */
export const DICE_MIN_DIFFERENCE = 0.005;

/**
 * The smallest relative time difference PatchLens calls a difference: 5 % of the slower
 * configuration's median. Non-overlapping ranges alone are not enough: with one or two runs per
 * case the ranges are narrow by chance, and the machine's load drifts by a few per cent between
 * configurations measured minutes apart.
 */
export const TIME_MIN_DIFFERENCE_FRACTION = 0.05;

/** Two-sided 95 % quantiles t(0.975, df) of Student's t distribution for df = 1…30 (standard tables). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069,
  2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/**
 * The 97.5 % quantile of Student's t distribution with `df` degrees of freedom (the factor of a
 * two-sided 95 % confidence interval): the table for df ≤ 30, the Cornish–Fisher expansion around
 * the normal quantile 1.959964 above (error < 1e-4 there).
 * @throws RangeError `t975: …` unless df is a positive integer
 */
export function t975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`t975: degrees of freedom must be a positive integer, got ${df}`);
  if (df <= T975.length) return T975[df - 1];
  const z = 1.959963984540054;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function checkRuns(fn: string, name: string, runs: readonly (readonly number[])[]): void {
  if (runs.length === 0) throw new RangeError(`${fn}: ${name} has no cases`);
  runs.forEach((r, i) => {
    if (r.length === 0) throw new RangeError(`${fn}: ${name}'s case ${i} has no timed runs`);
    if (!r.every((x) => Number.isFinite(x) && x >= 0)) throw new RangeError(`${fn}: ${name}'s case ${i} has a time that is not a finite number ≥ 0 ([${r.join(', ')}])`);
  });
}

/** The spread of repeated runs per case. */
export function spreadOf(runs: readonly (readonly number[])[]): Spread {
  return { medianMs: mean(runs.map(median)), minMs: Math.min(...runs.map((r) => Math.min(...r))), maxMs: Math.max(...runs.map((r) => Math.max(...r))) };
}

/**
 * Time of A against B from their repeated runs, ms: `a[c]` are A's timed runs on case c, `b[c]`
 * B's on the same case. "faster" (or "slower") only when on every case A's [min, max] range lies
 * entirely below (above) B's and the medians differ by at least
 * {@link TIME_MIN_DIFFERENCE_FRACTION} of the slower one; otherwise "within noise" (cases that
 * disagree, ranges that overlap, or a difference of a few per cent).
 * @throws RangeError `compareTimes: …` when the case counts differ, a case has no runs or a time is not a finite number ≥ 0
 */
export function compareTimes(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): TimeComparison {
  const fn = 'compareTimes';
  checkRuns(fn, 'A', a);
  checkRuns(fn, 'B', b);
  if (a.length !== b.length) throw new RangeError(`${fn}: A has ${a.length} case(s) and B ${b.length}: the comparison is paired per case`);
  const apart = (x: readonly number[], y: readonly number[]) => {
    const mx = median(x);
    const my = median(y);
    return Math.max(...x) < Math.min(...y) && my - mx >= TIME_MIN_DIFFERENCE_FRACTION * my;
  };
  const faster = a.every((r, c) => apart(r, b[c]));
  const slower = a.every((r, c) => apart(b[c], r));
  const sa = spreadOf(a);
  const sb = spreadOf(b);
  return { verdict: faster ? 'faster' : slower ? 'slower' : 'within noise', deltaMs: sa.medianMs - sb.medianMs, a: sa, b: sb };
}

/**
 * Dice of A against B, paired per case (`a[c]` and `b[c]` are the two configurations' Dice on
 * case c): "no difference" when |mean Δ| < {@link DICE_MIN_DIFFERENCE} or, with two or more
 * cases, the 95 % t-interval mean Δ ± t975(n − 1)·sd/√n of the per-case differences includes 0.
 * @throws RangeError `compareDice: …` when the case counts differ, there are none, or a Dice is not finite
 */
export function compareDice(a: readonly number[], b: readonly number[]): DiceComparison {
  const fn = 'compareDice';
  if (a.length !== b.length) throw new RangeError(`${fn}: A has ${a.length} case(s) and B ${b.length}: the comparison is paired per case`);
  if (a.length === 0) throw new RangeError(`${fn}: no cases to compare`);
  if (![...a, ...b].every(Number.isFinite)) throw new RangeError(`${fn}: a Dice is not a finite number (A [${a.join(', ')}], B [${b.join(', ')}])`);
  const d = a.map((x, i) => x - b[i]);
  const n = d.length;
  const delta = mean(d);
  let ciLow: number | null = null;
  let ciHigh: number | null = null;
  if (n >= 2) {
    const sd = Math.sqrt(d.reduce((s, x) => s + (x - delta) ** 2, 0) / (n - 1));
    const half = (t975(n - 1) * sd) / Math.sqrt(n);
    ciLow = delta - half;
    ciHigh = delta + half;
  }
  const includesZero = ciLow !== null && ciHigh !== null && ciLow <= 0 && ciHigh >= 0;
  const verdict: DiceVerdict = Math.abs(delta) < DICE_MIN_DIFFERENCE || includesZero ? 'no difference' : delta > 0 ? 'better' : 'worse';
  return { verdict, delta, ciLow, ciHigh, cases: n };
}

/** A duration in the unit that reads best: "740 ms", "1.9 s", "12.4 s". */
export function formatMs(ms: number): string {
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(Math.abs(ms) < 10_000 ? 2 : 1)} s`;
}

function formatRange(s: Spread): string {
  // One unit for both ends, the one of the slower end.
  if (s.maxMs < 1000) return `${Math.round(s.minMs)}–${Math.round(s.maxMs)} ms`;
  const digits = s.maxMs < 10_000 ? 2 : 1;
  return `${(s.minMs / 1000).toFixed(digits)}–${(s.maxMs / 1000).toFixed(digits)} s`;
}

/**
 * One phrase for a time comparison, with both ranges (min–max of the timed runs):
 * "faster by 1.20 s (740–780 ms vs 1.90–2.10 s)", "slower by …", "within noise (740–940 ms vs 800–900 ms)".
 */
export function describeTime(c: TimeComparison): string {
  const ranges = `${formatRange(c.a)} vs ${formatRange(c.b)}`;
  if (c.verdict === 'within noise') return `within noise (${ranges})`;
  return `${c.verdict} by ${formatMs(Math.abs(c.deltaMs))} (${ranges})`;
}

/** "+0.0008", "−0.0030", and "0.0000" for what rounds to zero (no sign for nothing). */
function signed(x: number): string {
  const t = Math.abs(x).toFixed(4);
  return Number(t) === 0 ? t : `${x > 0 ? '+' : '−'}${t}`;
}

/**
 * One phrase for a Dice comparison: "Dice +0.0008, no difference (95 % CI −0.0040…+0.0056 over 3 cases)",
 * "Dice +0.0210, better (95 % CI +0.0150…+0.0270 over 3 cases)", "Dice −0.0030, no difference (1 case; below 0.005)".
 */
export function describeDice(c: DiceComparison): string {
  const why =
    c.ciLow !== null && c.ciHigh !== null
      ? `95 % CI ${signed(c.ciLow)}…${signed(c.ciHigh)} over ${c.cases} cases`
      : `${c.cases} case${c.cases === 1 ? '' : 's'}`;
  const below = Math.abs(c.delta) < DICE_MIN_DIFFERENCE ? `; below ${DICE_MIN_DIFFERENCE}` : '';
  return `Dice ${signed(c.delta)}, ${c.verdict} (${why}${below})`;
}
