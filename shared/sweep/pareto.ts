import { describe } from '../util/validate';

/** What the Pareto front and the selection rules look at: one configuration's mean time and Dice. */
export interface RankRow {
  id: string;
  /** Mean time per case, ms. */
  timeMs: number;
  /** Mean Dice. */
  dice: number;
  /** Windows per case (a tie-breaker: fewer is cheaper on other machines too). */
  windows?: number;
}

/**
 * The rule that picks one configuration from a sweep:
 * - `fastest-within`: the fastest configuration whose Dice is within `tolerance` of the best
 *   measured Dice: `dice ≥ best·(1 − tolerance)` (`relative`) or `dice ≥ best − tolerance`
 *   (`absolute`). The default is relative 0.5 %.
 * - `fastest-above`: the fastest configuration with `dice ≥ minDice` (none when no one reaches it).
 * - `max-efficiency`: the highest Dice per second.
 * - `max-dice`: the best Dice (then the fastest).
 * - `custom`: your own function: it gets the rows and returns the index of the pick (or null).
 */
export type SelectionRule =
  | { kind: 'fastest-within'; tolerance: number; mode: 'relative' | 'absolute' }
  | { kind: 'fastest-above'; minDice: number }
  | { kind: 'max-efficiency' }
  | { kind: 'max-dice' }
  | { kind: 'custom'; name: string; select: (rows: readonly RankRow[]) => number | null };

/**
 * The default rule: fastest within 0.5 % (relative) of the best measured Dice. Relative, not an
 * absolute 0.005 Dice: the same tolerance then means the same share of the quality whatever the
 * task's Dice level. The report applies this rule too when its data names no recommendation.
 */
export const DEFAULT_RULE: SelectionRule = { kind: 'fastest-within', tolerance: 0.005, mode: 'relative' };

/** The rule syntax `parseRule` understands (for help texts). */
export const RULE_SYNTAX = ['fastest-within:<x>%', 'fastest-within-abs:<dice>', 'fastest-above:<dice>', 'max-efficiency', 'max-dice'] as const;

/**
 * Whether each row is on the Pareto front of Dice against time: a row is dominated when another
 * row is at least as fast and at least as good and strictly better in one of the two; rows that
 * tie exactly are all on the front. This is the one Pareto function (the summary, the explorer
 * and the report all use it). Exact ties stay on the front because neither is better: dropping
 * one would hide an equal choice (e.g. another blend at the same cost); which of them the rule
 * picks is `applyRule`'s tie order (fewer windows, then the earlier row), not the front's.
 */
export function paretoFront(rows: readonly Pick<RankRow, 'timeMs' | 'dice'>[]): boolean[] {
  return rows.map((r, i) => !rows.some((o, j) => j !== i && o.timeMs <= r.timeMs && o.dice >= r.dice && (o.timeMs < r.timeMs || o.dice > r.dice)));
}

/**
 * Parses a rule: `fastest-within:0.5%` (relative to the best Dice), `fastest-within-abs:0.005`
 * (Dice points), `fastest-above:0.9`, `max-efficiency`, `max-dice`.
 * @throws RangeError naming the rule and the accepted forms
 */
export function parseRule(text: string): SelectionRule {
  const fail = (why: string): never => {
    throw new RangeError(`parseRule: ${why}; rules: ${RULE_SYNTAX.join(', ')}`);
  };
  if (typeof text !== 'string') return fail(`the rule must be a string, got ${describe(text)}`);
  const t = text.trim();
  if (t === 'max-efficiency') return { kind: 'max-efficiency' };
  if (t === 'max-dice') return { kind: 'max-dice' };
  const m = /^([a-z-]+):(.*)$/.exec(t);
  if (!m) return fail(`unknown rule ${describe(text)}`);
  const [, name, arg] = m;
  const num = (s: string) => (/^\d+(\.\d*)?$|^\.\d+$/.test(s) ? Number(s) : NaN);
  if (name === 'fastest-within') {
    if (!arg.endsWith('%')) return fail(`fastest-within takes a relative tolerance in percent (e.g. fastest-within:0.5%), got ${describe(arg)}; use fastest-within-abs:<dice> for Dice points`);
    const p = num(arg.slice(0, -1));
    if (!(p >= 0 && p < 100)) return fail(`fastest-within needs a percentage in [0, 100), got ${describe(arg)}`);
    return { kind: 'fastest-within', tolerance: p / 100, mode: 'relative' };
  }
  if (name === 'fastest-within-abs') {
    const d = num(arg);
    if (!(d >= 0 && d <= 1)) return fail(`fastest-within-abs needs Dice points in [0, 1], got ${describe(arg)}`);
    return { kind: 'fastest-within', tolerance: d, mode: 'absolute' };
  }
  if (name === 'fastest-above') {
    const d = num(arg);
    if (!(d >= 0 && d <= 1)) return fail(`fastest-above needs a Dice in [0, 1], got ${describe(arg)}`);
    return { kind: 'fastest-above', minDice: d };
  }
  return fail(`unknown rule ${describe(text)}`);
}

/** The canonical text of a rule (what `parseRule` reads back). */
export function formatRule(rule: SelectionRule): string {
  switch (rule.kind) {
    case 'fastest-within':
      return rule.mode === 'relative' ? `fastest-within:${+(rule.tolerance * 100).toPrecision(12)}%` : `fastest-within-abs:${rule.tolerance}`;
    case 'fastest-above':
      return `fastest-above:${rule.minDice}`;
    case 'custom':
      return `custom:${rule.name}`;
    default:
      return rule.kind;
  }
}

/** Faster first, then better Dice, then fewer windows, then the earlier row: a total order for ties. */
function cheaper(rows: readonly RankRow[], i: number, j: number): boolean {
  const a = rows[i];
  const b = rows[j];
  if (a.timeMs !== b.timeMs) return a.timeMs < b.timeMs;
  if (a.dice !== b.dice) return a.dice > b.dice;
  const wa = a.windows ?? 0;
  const wb = b.windows ?? 0;
  if (wa !== wb) return wa < wb;
  return i < j;
}

function cheapestOf(rows: readonly RankRow[], candidates: number[]): number | null {
  let best: number | null = null;
  for (const i of candidates) if (best === null || cheaper(rows, i, best)) best = i;
  return best;
}

/**
 * Applies a rule to the rows (configurations measured on every case).
 * Ties: equal time → higher Dice → fewer windows → earlier row; `max-efficiency` ties → the cheaper by the same order.
 * @returns the index of the pick and a one-line reason, or null when nothing qualifies (no rows, or `fastest-above` unmet)
 */
export function applyRule(rule: SelectionRule, rows: readonly RankRow[]): { index: number; reason: string } | null {
  if (rows.length === 0) return null;
  const all = rows.map((_, i) => i);
  const best = Math.max(...rows.map((r) => r.dice));
  const fmt = (d: number) => d.toFixed(4);
  switch (rule.kind) {
    case 'fastest-within': {
      const floor = rule.mode === 'relative' ? best * (1 - rule.tolerance) : best - rule.tolerance;
      // A tiny slack so that the best row itself always qualifies despite float rounding.
      const ok = all.filter((i) => rows[i].dice >= floor - 1e-12);
      const index = cheapestOf(rows, ok)!;
      const tol = rule.mode === 'relative' ? `${+(rule.tolerance * 100).toPrecision(12)} %` : `${rule.tolerance} Dice`;
      return { index, reason: `fastest of ${ok.length} configuration(s) with Dice ≥ ${fmt(floor)} (within ${tol} of the best, ${fmt(best)})` };
    }
    case 'fastest-above': {
      const ok = all.filter((i) => rows[i].dice >= rule.minDice);
      const index = cheapestOf(rows, ok);
      return index === null ? null : { index, reason: `fastest of ${ok.length} configuration(s) with Dice ≥ ${rule.minDice}` };
    }
    case 'max-dice': {
      const index = cheapestOf(rows, all.filter((i) => rows[i].dice === best))!;
      return { index, reason: `best Dice (${fmt(best)}), fastest among equals` };
    }
    case 'max-efficiency': {
      const eff = rows.map((r) => (r.timeMs > 0 ? r.dice / (r.timeMs / 1000) : r.dice > 0 ? Infinity : 0));
      const top = Math.max(...eff);
      const index = cheapestOf(rows, all.filter((i) => eff[i] === top))!;
      return { index, reason: `highest efficiency (${top.toFixed(4)} Dice/s)` };
    }
    case 'custom': {
      const index = rule.select(rows);
      if (index === null) return null;
      if (!Number.isInteger(index) || index < 0 || index >= rows.length) throw new RangeError(`applyRule: custom rule ${rule.name} returned ${describe(index)}, not a row index`);
      return { index, reason: `custom rule ${rule.name}` };
    }
  }
}
