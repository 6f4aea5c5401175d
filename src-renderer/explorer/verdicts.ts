import { compareTimes, describeDice, describeTime, type TimeComparison } from '../../shared/sweep/noise';
import type { ConfigSummary, Saving, SweepSummary } from '../../shared/sweep/types';
import { percent, seconds } from '../../shared/format/number';

/**
 * What the explorer states about a comparison (issue 12, item 3): only what exceeds the measured
 * noise. A saving is claimed ("saves …") only when the sweep's time comparison says `faster`;
 * otherwise it says "within noise" (or "slower"), with both ranges; Dice differences carry
 * their verdict ("no difference" below the stated threshold or when the per-case interval
 * includes 0). The phrases are the summary's own (`describeTime`, `describeDice`), the words the
 * report uses too.
 */

/** A configuration's time as median with its spread: "7.71 s (7.52–8.03 s)"; '—' when missing. */
export function timeWithSpread(c: Pick<ConfigSummary, 'timeMs' | 'timing'> | null | undefined): string {
  if (!c || !Number.isFinite(c.timeMs)) return '—';
  const { minMs, maxMs } = c.timing;
  if (!Number.isFinite(minMs) || !Number.isFinite(maxMs)) return seconds(c.timeMs);
  return `${seconds(c.timeMs)} (${spreadText(minMs, maxMs)})`;
}

/** A range of times in seconds: "7.52–8.03 s". */
export function spreadText(minMs: number, maxMs: number): string {
  return `${seconds(minMs).replace(/ s$/, '')}–${seconds(maxMs)}`;
}

/**
 * The time comparison behind a saving: the summary's (`saving.time`), or for a summary written
 * before it recorded one, the two configurations' [min, max] ranges compared the same way
 * (`compareTimes` with each one's fastest, median and slowest run as its runs).
 */
export function savingTime(saving: Saving, recommendedId: string, summary: Pick<SweepSummary, 'configs'>): TimeComparison | null {
  if (saving.time) return saving.time;
  const of = (id: string) => summary.configs.find((c) => c.config.id === id);
  const a = of(recommendedId);
  const b = of(saving.configId);
  if (!a || !b) return null;
  const runs = (c: ConfigSummary) => [[c.timing.minMs, c.timeMs, c.timing.maxMs].filter(Number.isFinite)];
  try {
    return compareTimes(runs(a), runs(b));
  } catch {
    return null;
  }
}

/** What the recommendation card says about a saving against another configuration. */
export interface SavingStatement {
  /** True only when the time verdict is `faster`: the card may say "saves". */
  saves: boolean;
  /** The sentence. */
  text: string;
  /** The time verdict ('unknown' when there is no timing to compare). */
  verdict: TimeComparison['verdict'] | 'unknown';
}

/**
 * The sentence about a saving against `label` (e.g. "the most expensive"): "Saves 57 s (81 %) and
 * 960 windows per case against the most expensive, p24-o0.5-…: faster by 57 s (12.9–13.5 s vs
 * 69.8–71.0 s). Recommended against it: Dice +0.0021, no difference (…)." when the time verdict is `faster`, else
 * "Against the most expensive, …: within noise (…): no saving is claimed. …".
 */
export function savingStatement(saving: Saving, label: string, recommendedId: string, summary: Pick<SweepSummary, 'configs'>): SavingStatement {
  const time = savingTime(saving, recommendedId, summary);
  const dice = saving.diceComparison
    ? `Recommended against it: ${describeDice(saving.diceComparison)}.`
    : `Its Dice differs by ${saving.diceDelta >= 0 ? '+' : '−'}${Math.abs(saving.diceDelta).toFixed(4)} (no per-case comparison in this summary).`;
  if (time?.verdict === 'faster') {
    return { saves: true, verdict: 'faster', text: `Saves ${seconds(saving.ms)} (${percent(saving.fraction)}) and ${saving.windows} windows per case against ${label}, ${saving.configId}: ${describeTime(time)}. ${dice}` };
  }
  if (!time) return { saves: false, verdict: 'unknown', text: `Against ${label}, ${saving.configId}: no timings to compare. ${dice}` };
  const tail = time.verdict === 'within noise' ? ': no saving is claimed' : '';
  return { saves: false, verdict: time.verdict, text: `Against ${label}, ${saving.configId}: ${describeTime(time)}${tail}. ${dice}` };
}
