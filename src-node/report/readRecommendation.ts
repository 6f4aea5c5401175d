import { DICE_FLOOR } from '../../shared/sweep/findings';
import { applyRule, DEFAULT_RULE, formatRule } from '../../shared/sweep/pareto';
import { readDiceComparison, readTimeComparison } from './noiseVerdicts';
import { arr, isRec, num, nums, rec, sameShape, str } from './readLenient';
import type { ReportConfig, ReportMarginRecommendation, ReportRecommendation, ReportSaving } from './reportTypes';

/**
 * The report's default rule, for report data that names no recommendation: the sweep's own
 * default (`DEFAULT_RULE`, shared/sweep/pareto.ts: the fastest within 0.5 % of the best Dice,
 * ties by `applyRule`'s order) over the configurations at or above the quality floor
 * (`DICE_FLOOR`), or over all of them when none is. One rule, so a report and the sweep summary
 * it comes from cannot pick differently.
 */
function defaultRecommendation(all: ReportConfig[]): { configId: string; rule: string } {
  const configs = all.some((c) => c.dice.mean >= DICE_FLOOR) ? all.filter((c) => c.dice.mean >= DICE_FLOOR) : all;
  const pick = applyRule(DEFAULT_RULE, configs.map((c) => ({ id: c.id, timeMs: c.time.medianMs, dice: c.dice.mean, windows: Number.isFinite(c.windows) ? c.windows : undefined })))!;
  return { configId: configs[pick.index].id, rule: formatRule(DEFAULT_RULE) };
}

/** The saving of `c` against `other`, per case. */
function saving(c: ReportConfig, other: ReportConfig, label: string): ReportSaving {
  const ms = other.time.medianMs - c.time.medianMs;
  return {
    configId: other.id,
    label,
    savingMs: ms,
    savingPct: other.time.medianMs > 0 ? (ms / other.time.medianMs) * 100 : null,
    savingWindows: Number.isFinite(other.windows) && Number.isFinite(c.windows) ? other.windows - c.windows : null,
    diceChange: c.dice.mean - other.dice.mean,
    time: null,
    diceComparison: null,
  };
}

function readSaving(v: unknown, configs: ReportConfig[]): ReportSaving | null {
  if (!isRec(v)) return null;
  const id = str(v.configId);
  const ms = num(v.savingMs);
  const dice = num(v.diceChange);
  if (!id || ms === null || dice === null || !configs.some((c) => c.id === id)) return null;
  return {
    configId: id,
    label: str(v.label) ?? 'another configuration',
    savingMs: ms,
    savingPct: num(v.savingPct),
    savingWindows: num(v.savingWindows),
    diceChange: dice,
    time: readTimeComparison(v.time),
    diceComparison: readDiceComparison(v.diceComparison),
  };
}

function readMargin(v: unknown, configs: ReportConfig[]): ReportMarginRecommendation | null {
  if (!isRec(v)) return null;
  const margin = nums(v.margin);
  const overlap = nums(v.overlap);
  if (!margin || !overlap) return null;
  const patchSize = nums(v.patchSize) ?? [];
  const configId = str(v.configId);
  return {
    patchSize,
    margin,
    overlap,
    keptFraction: num(v.keptFraction) ?? NaN,
    cropMean: num(v.cropMean) ?? NaN,
    fullMean: num(v.fullMean) ?? NaN,
    tolerance: num(v.tolerance) ?? NaN,
    configId: configId && configs.some((c) => c.id === configId) ? configId : null,
  };
}

/** The grid configuration whose overlap discards `m`'s margin (same patch size, overlap within ½ voxel), fastest first. */
function marginConfig(m: ReportMarginRecommendation, configs: ReportConfig[]): string | null {
  const fits = configs.filter(
    (c) =>
      sameShape(c.patchSize, m.patchSize) &&
      c.overlap.length === m.overlap.length &&
      c.overlap.every((o, a) => Math.abs(o - m.overlap[a]) * m.patchSize[a] <= 0.5),
  );
  return fits.sort((a, b) => a.time.medianMs - b.time.medianMs)[0]?.id ?? null;
}

/**
 * The recommendation of report data: the one `v` names (its savings and margin as given, or
 * computed against the most expensive configuration and the one that discards the map's margin),
 * else the report's default rule's pick (with a warning).
 * @returns null without configurations
 */
export function readRecommendation(v: unknown, configs: ReportConfig[], margin: ReportMarginRecommendation | null, warnings: string[]): ReportRecommendation | null {
  if (configs.length === 0) return null;
  const ranked = configs.filter((c) => c.complete).length ? configs.filter((c) => c.complete) : configs;
  const r = rec(v);
  let configId = str(r.configId);
  let rule = str(r.rule);
  if (configId && !configs.some((c) => c.id === configId)) {
    warnings.push(`summary.json recommends configuration ${configId}, which is not among the configurations; the report applies its default rule instead`);
    configId = null;
  }
  if (!configId) {
    const d = defaultRecommendation(ranked);
    warnings.push(`${isRec(v) ? 'summary.json names no recommended configuration' : 'summary.json has no recommendation'}; the report applied its default rule (${d.rule})`);
    configId = d.configId;
    rule = d.rule;
  }
  const c = configs.find((x) => x.id === configId)!;
  let savings = arr(r.savings).map((s) => readSaving(s, configs)).filter((s): s is ReportSaving => s !== null);
  if (savings.length === 0) {
    const costly = ranked.reduce((a, b) => (b.time.medianMs > a.time.medianMs ? b : a));
    savings = [saving(c, costly, 'the most expensive configuration')];
    const m = margin ? (margin.configId ?? marginConfig(margin, configs)) : null;
    if (m && m !== costly.id) savings.push(saving(c, configs.find((x) => x.id === m)!, 'the configuration whose overlap discards the map’s recommended margin'));
  }
  const givenMargin = readMargin(r.margin, configs);
  const theMargin = givenMargin ?? margin;
  if (theMargin && theMargin.configId === null) theMargin.configId = marginConfig(theMargin, configs);
  return {
    configId: c.id,
    dice: num(r.dice) ?? c.dice.mean,
    timeMs: num(r.timeMs) ?? c.time.medianMs,
    windows: num(r.windows) ?? c.windows,
    rule: rule ?? 'as chosen by the sweep',
    reason: str(r.reason),
    savings,
    margin: theMargin,
  };
}

