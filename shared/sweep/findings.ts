/**
 * What a sweep may state as a finding (issue 12, items 2 and 3): the quality floor below which
 * nothing is recommended, the reference checks of the cases, and noise-aware comparisons of
 * configurations from their per-case results. Pure TypeScript; `buildSummary` uses these, and
 * the report and the explorer can call {@link compareBlends} / {@link compareConfigResults} on
 * the same results.
 */
import { compareDice, compareTimes, describeDice, describeTime, type DiceComparison, type TimeComparison } from './noise';
import type { CaseResult, ConfigSummary, Recommendation, Saving, SweepConfig, SweepFile } from './types';

/**
 * The quality floor: a configuration whose mean Dice is below 0.1 is never recommended. A Dice
 * that low means the segmentation failed or the reference does not mark what the model segments
 * (an intensity image given as the reference gives Dice ≈ 0): choosing "the fastest" among such
 * configurations would recommend a broken answer.
 */
export const DICE_FLOOR = 0.1;

/** The part of a case result the comparisons read. */
export type MeasuredResult = Pick<CaseResult, 'caseId' | 'configId' | 'timing' | 'dice'>;

/** The timed runs of a result: every run when it lists them, else its fastest, median and slowest. */
export function resultRuns(r: MeasuredResult): number[] {
  const runs = r.timing.runsMs;
  if (Array.isArray(runs) && runs.length > 0 && runs.every((x) => Number.isFinite(x) && x >= 0)) return [...runs];
  return [r.timing.minMs, r.timing.medianMs, r.timing.maxMs].filter((x) => Number.isFinite(x) && x >= 0);
}

/** A against B on the cases both were measured on (time from the repeated runs, Dice paired per case). */
export interface ConfigResultComparison {
  a: string;
  b: string;
  /** Case ids both have, sorted. */
  cases: string[];
  time: TimeComparison;
  dice: DiceComparison;
}

/**
 * Compares configuration `a` with configuration `b` from their per-case results (one result per
 * case and configuration, e.g. the ones a summary chose), paired on the cases both have.
 * @returns null when they share no case
 */
export function compareConfigResults(results: readonly MeasuredResult[], a: string, b: string): ConfigResultComparison | null {
  const of = (id: string) => new Map(results.filter((r) => r.configId === id).map((r) => [r.caseId, r]));
  const ra = of(a);
  const rb = of(b);
  const cases = [...ra.keys()].filter((k) => rb.has(k) && resultRuns(ra.get(k)!).length > 0 && resultRuns(rb.get(k)!).length > 0).sort();
  if (cases.length === 0) return null;
  return {
    a,
    b,
    cases,
    time: compareTimes(
      cases.map((k) => resultRuns(ra.get(k)!)),
      cases.map((k) => resultRuns(rb.get(k)!)),
    ),
    dice: compareDice(
      cases.map((k) => ra.get(k)!.dice.mean),
      cases.map((k) => rb.get(k)!.dice.mean),
    ),
  };
}

/** Performance-weighted blending against gaussian at the same patch size, overlap, placement and mirroring. */
export interface BlendComparison {
  /** e.g. "patch 64 · overlap 0 · stride". */
  setting: string;
  weightedId: string;
  gaussianId: string;
  /** Weighted against gaussian. */
  time: TimeComparison;
  dice: DiceComparison;
  /** True when either verdict is no finding ("no difference" or "within noise"). */
  notAFinding: boolean;
  /** One sentence with both verdicts. */
  sentence: string;
}

/** "patch 64 · overlap 0.25 · stride · mirrored". */
export function settingLabel(c: SweepConfig): string {
  const one = (xs: readonly number[]) => (xs.every((x) => x === xs[0]) ? `${+xs[0].toFixed(4)}` : xs.map((x) => +x.toFixed(4)).join('×'));
  return `patch ${one(c.patchSize)} · overlap ${one(c.overlap)} · ${c.placement}${c.mirror ? ' · mirrored' : ''}`;
}

/**
 * Every `performance-weighted` configuration against the `gaussian` one that differs only in
 * blending (the same windows, so the same time up to noise): does the measured map, used as a
 * weight map, beat gaussian blending at equal time? Both verdicts, noise-aware.
 * @param configs the sweep's configurations (`SweepFile.configs` or the summary's `configs[].config`)
 * @param results one result per (case, configuration)
 */
export function compareBlends(configs: readonly SweepConfig[], results: readonly MeasuredResult[]): BlendComparison[] {
  const key = (c: SweepConfig) => `${c.patchSize.join('×')}|${c.overlap.join('×')}|${c.placement}|${c.mirror}`;
  const gaussian = new Map(configs.filter((c) => c.blend === 'gaussian').map((c) => [key(c), c]));
  const out: BlendComparison[] = [];
  for (const w of configs) {
    if (w.blend !== 'performance-weighted') continue;
    const g = gaussian.get(key(w));
    if (!g) continue;
    const c = compareConfigResults(results, w.id, g.id);
    if (!c) continue;
    const notAFinding = c.dice.verdict === 'no difference' || c.time.verdict === 'within noise';
    const setting = settingLabel(w);
    out.push({
      setting,
      weightedId: w.id,
      gaussianId: g.id,
      time: c.time,
      dice: c.dice,
      notAFinding,
      sentence: `performance-weighted vs gaussian blending (${setting}): ${describeDice(c.dice)}; time ${describeTime(c.time)}`,
    });
  }
  return out;
}

/** The end of `checkReference`'s image reason (how a result's warnings say it). */
const IMAGE_SUFFIX = ': this looks like an image, not labels';

/**
 * The cases whose reference looks like an intensity image, with the reason: from the results'
 * `reference` check, or (results without it) the run's warning that says so.
 */
export function referenceImages(sweep: Pick<SweepFile, 'cases'>, results: readonly Pick<CaseResult, 'caseId' | 'reference' | 'warnings'>[]): { caseId: string; reason: string }[] {
  const out: { caseId: string; reason: string }[] = [];
  for (const c of sweep.cases) {
    let reason: string | null = null;
    for (const r of results) {
      if (r.caseId !== c.id) continue;
      reason = r.reference?.looksLikeImage ? r.reference.imageReason : (r.warnings ?? []).find((w) => w.endsWith(IMAGE_SUFFIX)) ?? null;
      if (reason) break;
    }
    if (reason) out.push({ caseId: c.id, reason });
  }
  return out;
}

/**
 * The Warnings' sentences for the recommendation's savings that are no findings: a time within
 * noise ("no saving is claimed") and a Dice that is no different from the other configuration's.
 */
export function savingFindings(rec: Pick<Recommendation, 'configId' | 'vsMostExpensive' | 'vsMargin'>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const one = (label: string, s: Saving | null) => {
    if (!s || s.configId === rec.configId || seen.has(s.configId)) return;
    seen.add(s.configId);
    const who = `the recommendation (${rec.configId}) against ${label} (${s.configId})`;
    if (s.time?.verdict === 'within noise') out.push(`${who}: time ${describeTime(s.time)}; no saving is claimed`);
    if (s.diceComparison?.verdict === 'no difference' && s.diceComparison.delta !== 0) out.push(`${who}: ${describeDice(s.diceComparison)}`);
  };
  one('the most expensive configuration', rec.vsMostExpensive);
  one("recommendMargin's overlap", rec.vsMargin);
  return out;
}

/** At most this many ties with the recommendation are listed (the rest are counted). */
const MAX_TIES = 5;

/**
 * Configurations as good as the recommendation: time within noise and no Dice difference, so
 * "the fastest" is no finding against them ("either is as good"). Quickest first.
 */
export function tiesWithRecommendation(rec: ConfigSummary, candidates: readonly ConfigSummary[], results: readonly MeasuredResult[]): string[] {
  const ties: string[] = [];
  for (const c of [...candidates].sort((a, b) => a.timeMs - b.timeMs)) {
    if (c === rec) continue;
    const cmp = compareConfigResults(results, c.config.id, rec.config.id);
    if (!cmp || cmp.time.verdict !== 'within noise' || cmp.dice.verdict !== 'no difference') continue;
    ties.push(`${c.config.id} against the recommendation (${rec.config.id}): time ${describeTime(cmp.time)}, ${describeDice(cmp.dice)}: either is as good`);
  }
  if (ties.length <= MAX_TIES) return ties;
  return [...ties.slice(0, MAX_TIES), `and ${ties.length - MAX_TIES} more configuration(s) within noise of the recommendation in time and Dice`];
}
