import { paretoFront } from '../../shared/sweep/pareto';
import { fromSweepSummary } from './fromSweepSummary';
import { arr, isRec, num, rec, str, strs } from './readLenient';
import { readConfig, knownConfigs } from './readConfig';
import { readMap } from './readMap';
import { readProvenance } from './readProvenance';
import { readRecommendation } from './readRecommendation';
import { caseRow, readResult, type ResultLite } from './readResult';
import { reportFindings } from './reportFindings';
import { REPORT_DATA_FORMAT, REPORT_DATA_VERSION, type ReportBorderProfile, type ReportConfig, type ReportData, type ReportTimePrediction } from './reportTypes';
import type { ReportParts } from './reportParts';
import { timeModelErrors } from './timeModelErrors';

/** `SweepSummary.format` (shared/sweep/types.ts). */
export const SWEEP_SUMMARY_FORMAT = 'patchlens.sweep-summary';

/**
 * Builds a complete {@link ReportData} from a sweep folder's parsed files.
 *
 * `summary.json` may be the sweep runner's `SweepSummary` (format `patchlens.sweep-summary`) or
 * a `ReportData` (format `patchlens.report-data`). In the latter any optional part may be
 * missing or null, and these shortcuts are accepted:
 * - `configs` may hold `ConfigSummary`s instead of `ReportConfig`s, or be missing (then built
 *   from the results); missing time ranges, per-class Dice, efficiency, prediction errors and
 *   Pareto flags are computed from the results;
 * - `performanceMap` may be the report form (with `slices`), a `PerformanceMapJSON` accumulator
 *   (`sum`, `count`), or `{ shape, mean }`; missing, the results' maps are merged; the border
 *   profile and the map's margin/overlap recommendation are derived from any full map;
 * - `recommendation` may give only `configId` and `rule`; missing, the fastest configuration
 *   by the sweep's default rule (`DEFAULT_RULE`: within 0.5 % of the best Dice) is recommended; missing savings are
 *   computed against the most expensive configuration and the one that discards the map's margin;
 * - `cases` missing: one row per result;
 * - `provenance` fields missing: taken from `sweep.json` (`app`, `versions.tfjs`, `backend`,
 *   `model`, `cases`, `options`/`grid`, `created`/`date`, `machines`) and the results.
 * @throws when summary.json is not a JSON object, or no configuration can be read from it or the results
 */
export function assembleReportData(parts: ReportParts): ReportData {
  if (!isRec(parts.summary)) throw new TypeError('loadReportData: summary.json must hold a JSON object (a sweep summary or report data)');
  const warnings: string[] = [];
  const raw = parts.summary;
  const isSweepSummary = raw.format === SWEEP_SUMMARY_FORMAT;
  if (str(raw.format) && !isSweepSummary && raw.format !== REPORT_DATA_FORMAT) {
    warnings.push(`summary.json has format "${raw.format as string}"; it was read as ${REPORT_DATA_FORMAT}`);
  }
  if (num(raw.version) !== null && (raw.version as number) > 1) warnings.push(`summary.json is version ${raw.version as number}; this build reads version 1 and may miss parts of it`);
  const s = isSweepSummary ? fromSweepSummary(raw, parts, warnings) : raw;
  const sweep = rec(parts.sweep);
  warnings.unshift(...(strs(s.warnings) ?? []), ...(strs(sweep.warnings) ?? []));

  const rawResults = parts.results ?? [];
  const results = rawResults.map(readResult).filter((r): r is ResultLite => r !== null);
  if (results.length < rawResults.length) {
    const n = rawResults.length - results.length;
    warnings.push(`${n} entr${n === 1 ? 'y' : 'ies'} in results/ ${n === 1 ? 'is' : 'are'} not a readable case result and ${n === 1 ? 'was' : 'were'} skipped`);
  }
  // Runs repeat the same warnings (the model spec's assumptions, say): list each text once,
  // with how many (case, configuration) pairs gave it.
  const byText = new Map<string, string[]>();
  for (const r of results) for (const w of new Set(r.warnings)) byText.set(w, [...(byText.get(w) ?? []), `${r.caseId} × ${r.configId}`]);
  for (const [w, pairs] of byText) {
    warnings.push(pairs.length === results.length && results.length > 1 ? `${w} (every run)` : pairs.length === 1 ? `${pairs[0]}: ${w}` : `${w} (${pairs.length} of ${results.length} runs, e.g. ${pairs[0]})`);
  }
  const plan = knownConfigs(sweep, results);
  const sum = rec(s.summary);
  const caseIdsGiven = strs(sum.caseIds);
  const caseCount = caseIdsGiven?.length ?? arr(sweep.cases).length;

  const rawConfigs = arr(s.configs);
  let configs = rawConfigs.map((c) => readConfig(c, results, plan, caseCount)).filter((c): c is ReportConfig => c !== null);
  if (configs.length < rawConfigs.length) warnings.push(`${rawConfigs.length - configs.length} configuration(s) in summary.json could not be read and were left out`);
  if (configs.length === 0) {
    configs = [...new Set(results.map((r) => r.configId))]
      .map((id) => readConfig({ ...(plan.get(id) ?? {}), id }, results, plan, caseCount))
      .filter((c): c is ReportConfig => c !== null);
  }
  if (configs.length === 0) throw new Error('loadReportData: summary.json has no configurations and results/ holds no readable case results, so there is nothing to report');
  if (!rawConfigs.some((c) => isRec(c) && typeof c.onParetoFront === 'boolean')) {
    const ranked = configs.filter((c) => c.complete);
    const front = paretoFront(ranked.map((c) => ({ timeMs: c.time.medianMs, dice: c.dice.mean })));
    ranked.forEach((c, i) => (c.onParetoFront = front[i]));
  }

  let cases = arr(s.cases).map(readResult).filter((r): r is ResultLite => r !== null).map(caseRow);
  if (cases.length === 0) cases = results.map(caseRow);

  const givenRec = rec(s.recommendation);
  const preferredShape = configs.find((c) => c.id === str(givenRec.configId))?.patchSize ?? null;
  const givenMap = isRec(s.performanceMap) ? s.performanceMap : isRec(s.performance) ? s.performance : null;
  const { map, derived } = readMap(givenMap, results, preferredShape, warnings);
  const performanceMap = map ?? derived?.performanceMap ?? null;
  const borderProfile = isRec(s.borderProfile) && Array.isArray(s.borderProfile.perAxis) ? (s.borderProfile as unknown as ReportBorderProfile) : (derived?.borderProfile ?? null);
  // A summary that names no recommendation on purpose (null, or an explanation) gets none; only
  // a report-data summary that leaves it out gets the report's default rule.
  const declined = !isRec(s.recommendation) && (s.recommendation === null || str(s.noRecommendation) !== null);
  const chosen = declined ? null : readRecommendation(s.recommendation, configs, derived ? { ...derived.margin, configId: null } : null, warnings);

  const timePredictions = arr(s.timePredictions).filter(isRec).filter((t) => str(t.configId) && num(t.predictedMs) !== null && num(t.measuredMs) !== null) as unknown as ReportTimePrediction[];
  const verdicts = reportFindings({ recommendation: chosen, declined, noRecommendation: str(s.noRecommendation), findings: strs(s.findings), configs, cases });
  const recommendation = verdicts.recommendation;
  const provenance = readProvenance(rec(s.provenance), sweep, results, parts);
  const caseIds = caseIdsGiven ?? [...new Set([...arr(sweep.cases).filter(isRec).map((c) => str(c.id)).filter((x): x is string => x !== null), ...cases.map((c) => c.caseId)])];
  const modelName = str(sum.modelName) ?? provenance.model?.name ?? null;
  const sweepName = str(sum.sweepName) ?? str(sweep.name) ?? (parts.sweepDir ? (parts.sweepDir.split(/[\\/]/).filter(Boolean).pop() ?? null) : null);
  const modes = new Set(results.map((r) => r.diceMode).filter((m) => m !== null));
  const diceMode = sum.diceMode === 'classes' || sum.diceMode === 'foreground' ? sum.diceMode : modes.size === 1 ? [...modes][0] : null;

  return {
    format: REPORT_DATA_FORMAT,
    version: REPORT_DATA_VERSION,
    summary: {
      title: str(sum.title) ?? `PatchLens report${modelName ? `: ${modelName}` : ''}`,
      sweepName,
      modelName,
      caseIds,
      configCount: configs.length,
      runCount: num(sum.runCount) ?? (results.length || cases.length),
      measure: str(sum.measure) ?? performanceMap?.measure ?? null,
      diceMode,
      sweepWallMs: num(sum.sweepWallMs),
    },
    recommendation,
    noRecommendation: verdicts.noRecommendation,
    findings: verdicts.findings,
    timeModelErrors: timeModelErrors(arr(s.timeModelErrors).filter(isRec), timePredictions, configs),
    performanceMap,
    borderProfile,
    configs,
    cases,
    timePredictions,
    provenance,
    warnings: [...new Set([...warnings, ...(parts.warnings ?? [])])],
  };
}
