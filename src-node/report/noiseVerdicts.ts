import { compareConfigResults, type MeasuredResult } from '../../shared/sweep/findings';
import { compareDice, compareTimes, describeTime, type DiceComparison, type TimeComparison } from '../../shared/sweep/noise';
import { configLabel } from '../../shared/format/config';
import type { ReportCaseRow, ReportConfig, ReportSaving } from './reportTypes';

/**
 * What the report may say when it compares two configurations: the sweep's noise-aware verdicts
 * (shared/sweep/noise.ts) on the per-case data the report holds. Every "faster", "saves",
 * "better" or "beats" the report prints goes through here.
 */

/** A per-case row as the sweep's comparisons read a result. */
function measured(r: ReportCaseRow): MeasuredResult {
  return { caseId: r.caseId, configId: r.configId, timing: { medianMs: r.timeMs, minMs: r.minMs ?? NaN, maxMs: r.maxMs ?? NaN, runsMs: r.runsMs ?? undefined } as MeasuredResult['timing'], dice: { mean: r.dice } as MeasuredResult['dice'] };
}

/**
 * Without per-case rows, a configuration is one "case": its fastest, median and slowest run
 * over every case (wider than any one case's range, so it errs toward "within noise").
 */
function overallRuns(c: ReportConfig): number[] {
  const runs = [c.time.minMs, c.time.medianMs, c.time.maxMs].filter((x): x is number => x !== null && Number.isFinite(x) && x >= 0);
  return runs.length ? runs : [c.time.medianMs];
}

/** A against B, paired over the cases both measured (or their overall figures when they share none). */
export interface ConfigComparison {
  time: TimeComparison;
  dice: DiceComparison;
}

/**
 * Compares configuration `a` with `b` on the cases both were measured on, with the sweep's own
 * rule (`compareConfigResults`: time "within noise" unless every case's timed runs are apart,
 * Dice paired per case). With no shared case rows, each configuration's overall figures are used.
 */
export function compareConfigs(cases: readonly ReportCaseRow[], a: ReportConfig, b: ReportConfig): ConfigComparison {
  const rows = cases.filter((r) => (r.configId === a.id || r.configId === b.id) && Number.isFinite(r.dice)).map(measured);
  const c = compareConfigResults(rows, a.id, b.id);
  if (c) return { time: c.time, dice: c.dice };
  return { time: compareTimes([overallRuns(a)], [overallRuns(b)]), dice: compareDice([a.dice.mean], [b.dice.mean]) };
}

/** Fills a saving's missing verdicts (older summaries lack them) from the per-case data; returns the saving. */
export function withVerdicts(s: ReportSaving, rec: ReportConfig | undefined, other: ReportConfig | undefined, cases: readonly ReportCaseRow[]): ReportSaving {
  if ((s.time && s.diceComparison) || !rec || !other) return s;
  const c = compareConfigs(cases, rec, other);
  return { ...s, time: s.time ?? c.time, diceComparison: s.diceComparison ?? c.dice };
}

/** The sentences for the Warnings section: savings the report does not claim because the times are within noise. */
export function savingFindings(savings: readonly ReportSaving[], recId: string, byId: ReadonlyMap<string, ReportConfig>): string[] {
  const out: string[] = [];
  for (const s of savings) {
    if (s.configId === recId || !s.time || s.time.verdict !== 'within noise') continue;
    const other = byId.get(s.configId);
    out.push(`the recommendation against ${s.label}${other ? ` (${configLabel(other)})` : ''}: time ${describeTime(s.time)}; no saving is claimed`);
  }
  return out;
}

/** Reads a `TimeComparison` as the sweep writes it (null when it is not one). */
export function readTimeComparison(v: unknown): TimeComparison | null {
  const x = v as Partial<TimeComparison> | null;
  const spread = (s: unknown) => {
    const t = s as { medianMs?: unknown; minMs?: unknown; maxMs?: unknown } | null;
    return !!t && [t.medianMs, t.minMs, t.maxMs].every((n) => typeof n === 'number' && Number.isFinite(n));
  };
  if (!x || typeof x !== 'object' || !['faster', 'slower', 'within noise'].includes(x.verdict as string) || typeof x.deltaMs !== 'number' || !spread(x.a) || !spread(x.b)) return null;
  return { verdict: x.verdict!, deltaMs: x.deltaMs, a: { ...x.a! }, b: { ...x.b! } };
}

/** Reads a `DiceComparison` as the sweep writes it (null when it is not one). */
export function readDiceComparison(v: unknown): DiceComparison | null {
  const x = v as Partial<DiceComparison> | null;
  const numOrNull = (n: unknown) => n === null || (typeof n === 'number' && Number.isFinite(n));
  if (!x || typeof x !== 'object' || !['better', 'worse', 'no difference'].includes(x.verdict as string) || typeof x.delta !== 'number' || typeof x.cases !== 'number' || !numOrNull(x.ciLow) || !numOrNull(x.ciHigh)) return null;
  return { verdict: x.verdict!, delta: x.delta, ciLow: x.ciLow ?? null, ciHigh: x.ciHigh ?? null, cases: x.cases };
}
