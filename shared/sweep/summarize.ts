import { INFERENCE_MEASURES, InferencePerformance, type InferenceMeasure } from '../engine/inference/inferencePerformance';
import { PerformanceMap } from '../performance/PerformanceMap';
import { recommendMargin } from '../recommend/recommendMargin';
import { compareBlends, compareConfigResults, DICE_FLOOR, referenceImages, savingFindings, tiesWithRecommendation } from './findings';
import { patchKey } from './grid';
import { applyRule, DEFAULT_RULE, formatRule, paretoFront, type SelectionRule } from './pareto';
import { calibrationTiming, fitTimeModel, predictTime } from './timeModel';
import type {
  CaseResult,
  ClassDiceSummary,
  ConfigSummary,
  MarginSummary,
  Recommendation,
  Saving,
  SweepConfig,
  SweepFile,
  SweepSummary,
  TimeModel,
  TimeModelSummary,
  TimePredictionRow,
} from './types';

/** Options of {@link buildSummary}. */
export interface SummaryOptions {
  /** The selection rule (default {@link DEFAULT_RULE}: fastest within 0.5 % of the best Dice). */
  rule?: SelectionRule;
  /** The machine whose timings the headline numbers use (default: the one with the most results; ties by name). */
  machine?: string;
  /** `recommendMargin`'s tolerance (default 0.05). */
  marginTolerance?: number;
  /** Folders the results came from (recorded in the summary). */
  sources?: string[];
  /** ISO date of the summary (default now). */
  created?: string;
}

/** A summary and the merged calibration maps (patch-shaped means) its `margins` refer to. */
export interface BuiltSummary {
  summary: SweepSummary;
  /** Per calibration configuration id: the merged map over all cases, patch-shaped mean. */
  maps: Map<string, { data: Float64Array; shape: number[] }>;
}

/** The patch-shaped map of an accumulator (the `diceError` accumulator keeps [I, U] in a trailing axis). */
export function patchShapedMap(acc: PerformanceMap, patchSize: readonly number[]): Float64Array {
  const measure = acc.measure as InferenceMeasure | undefined;
  if (measure !== undefined && INFERENCE_MEASURES.includes(measure) && acc.shape.length === patchSize.length + (measure === 'diceError' ? 1 : 0)) {
    const ip = new InferencePerformance(patchSize, measure, 'classes');
    ip.accumulator.merge(acc);
    return ip.map();
  }
  return acc.mean();
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Builds `summary.json` from a sweep's description and results (pure: the Node side reads and
 * writes the files).
 *
 * - Only results of a configuration and case of the sweep whose fingerprint matches count
 *   (stale results are reported in `warnings`).
 * - Timings are kept per machine (`byMachine`); the headline time of each (case, configuration)
 *   is the `timingMachine`'s measurement where it has one, else the first other machine's by name
 *   (a warning says so). Dice and the map come from the same result.
 * - A configuration's numbers are means over cases; only configurations measured on every case
 *   (`complete`) enter the Pareto front and the rule.
 * - Time models are fitted per (case, machine) from that machine's calibration runs of the case
 *   (their fastest run's split) and predict the fastest run of that machine's other runs of the
 *   case (like with like; other processes only ever add time, so the fastest run is the least
 *   disturbed measurement of the machine's cost; the median stays the headline time).
 * - `margins`: `recommendMargin` on each patch size's calibration map merged over all cases.
 * - The recommendation: the rule over complete configurations with Dice ≥ `DICE_FLOOR`; none
 *   (`recommendation` null, `noRecommendation` says why) when every Dice is below the floor or a
 *   case's reference looks like an image (`CaseResult.reference`, see `checkReference`). Its
 *   savings carry noise-aware verdicts (`Saving.time`, `Saving.diceComparison`); `findings` lists
 *   the comparisons that are no findings (savings within noise, Dice no different, ties with the
 *   recommendation, performance-weighted vs gaussian blending).
 */
export function buildSummary(sweep: SweepFile, results: readonly CaseResult[], options: SummaryOptions = {}): BuiltSummary {
  const rule = options.rule ?? DEFAULT_RULE;
  const warnings: string[] = [];
  const configIndex = new Map(sweep.configs.map((c, i) => [c.id, i]));
  const caseIds = new Set(sweep.cases.map((c) => c.id));
  const calibrationIds = new Set(Object.values(sweep.calibration));

  // 1. The results that count.
  let stale = 0;
  const valid = results.filter((r) => {
    if (!configIndex.has(r.configId) || !caseIds.has(r.caseId)) return false;
    if (r.fingerprint !== sweep.fingerprints[r.caseId]) {
      stale++;
      return false;
    }
    return true;
  });
  if (stale > 0) warnings.push(`${stale} result(s) were measured with another model, other case files or other settings and are ignored (rerun the sweep to replace them)`);

  // 2. Machines and the timing machine.
  const machines = new Map<string, { results: number; backends: Set<string> }>();
  for (const r of valid) {
    const m = machines.get(r.machine) ?? { results: 0, backends: new Set<string>() };
    m.results++;
    m.backends.add(r.backend);
    machines.set(r.machine, m);
  }
  const byCount = [...machines].sort((a, b) => b[1].results - a[1].results || (a[0] < b[0] ? -1 : 1));
  let timingMachine = byCount[0]?.[0] ?? null;
  if (options.machine !== undefined) {
    if (machines.has(options.machine)) timingMachine = options.machine;
    else warnings.push(`machine ${JSON.stringify(options.machine)} measured nothing in this sweep; using ${timingMachine}`);
  }

  // 3. One result per (case, configuration): the timing machine's where it has one.
  const chosen = new Map<string, CaseResult>();
  const key = (caseId: string, configId: string) => `${caseId}\u0000${configId}`;
  let fromOthers = 0;
  for (const r of valid) {
    const k = key(r.caseId, r.configId);
    const cur = chosen.get(k);
    const rank = (x: CaseResult) => (x.machine === timingMachine ? '' : x.machine);
    if (!cur || rank(r) < rank(cur)) chosen.set(k, r);
  }
  for (const r of chosen.values()) if (r.machine !== timingMachine) fromOthers++;
  if (fromOthers > 0) warnings.push(`${fromOthers} (case, configuration) pair(s) were not measured on ${timingMachine}: their headline times come from another machine (see byMachine)`);
  for (const r of valid) {
    const c = chosen.get(key(r.caseId, r.configId))!;
    if (c !== r && Math.abs(c.dice.mean - r.dice.mean) > 1e-9) {
      warnings.push(`${r.caseId} × ${r.configId}: Dice differs between machines (${c.machine} ${c.dice.mean.toFixed(6)}, ${r.machine} ${r.dice.mean.toFixed(6)})`);
    }
  }

  // 4. Time models per (case, machine).
  const timeModels: TimeModelSummary[] = [];
  const models = new Map<string, TimeModel>();
  for (const c of sweep.cases) {
    for (const machine of [...machines.keys()].sort()) {
      const own = valid.filter((r) => r.caseId === c.id && r.machine === machine);
      const cals = own.filter((r) => calibrationIds.has(r.configId));
      if (cals.length === 0) continue;
      const model = fitTimeModel(cals.map(calibrationTiming));
      models.set(key(c.id, machine), model);
      const predictions: TimePredictionRow[] = own
        .sort((a, b) => configIndex.get(a.configId)! - configIndex.get(b.configId)!)
        .map((r) => {
          const p = predictTime(model, r.config, r.domainSize).totalMs;
          const measured = r.timing.minMs;
          return { configId: r.configId, predictedMs: p, measuredMs: measured, medianMs: r.timing.medianMs, errorPct: (100 * (p - measured)) / measured, heldOut: !calibrationIds.has(r.configId) };
        });
      const held = predictions.filter((p) => p.heldOut).map((p) => Math.abs(p.errorPct));
      timeModels.push({ caseId: c.id, machine, model, predictions, meanAbsErrorPct: held.length ? mean(held) : null, maxAbsErrorPct: held.length ? Math.max(...held) : null });
    }
  }

  // 5. Per configuration.
  const configs: ConfigSummary[] = [];
  const mergedMaps = new Map<string, PerformanceMap>();
  const missing: SweepSummary['missing'] = [];
  for (const config of sweep.configs) {
    const rs = sweep.cases.map((c) => chosen.get(key(c.id, config.id)) ?? null);
    sweep.cases.forEach((c, i) => {
      if (!rs[i]) missing.push({ caseId: c.id, configId: config.id });
    });
    const have = rs.filter((r): r is CaseResult => r !== null);
    if (have.length === 0) continue;
    let map: PerformanceMap | null = null;
    for (const r of have) {
      if (!r.performance) continue;
      const m = PerformanceMap.fromJSON(r.performance);
      map = map ? map.merge(m) : m;
    }
    if (map) mergedMaps.set(config.id, map);
    const timeMs = mean(have.map((r) => r.timing.medianMs));
    const dice = mean(have.map((r) => r.dice.mean));
    const predicted = have.map((r) => {
      const m = models.get(key(r.caseId, r.machine));
      return m ? predictTime(m, config, r.domainSize).totalMs : null;
    });
    const calibration = calibrationIds.has(config.id);
    const predictedMs = !calibration && predicted.every((p) => p !== null) ? mean(predicted as number[]) : null;
    const fastestMs = mean(have.map((r) => r.timing.minMs));
    const byMachine = [...new Set(valid.filter((r) => r.configId === config.id).map((r) => r.machine))].sort().map((machine) => {
      const own = valid.filter((r) => r.configId === config.id && r.machine === machine);
      return { machine, timeMs: mean(own.map((r) => r.timing.medianMs)), cases: own.length };
    });
    configs.push({
      config,
      windows: mean(have.map((r) => r.windows)),
      timeMs,
      dice,
      efficiency: timeMs > 0 ? dice / (timeMs / 1000) : 0,
      predictedMs,
      onParetoFront: false,
      predictionErrorPct: predictedMs === null ? null : (100 * (predictedMs - fastestMs)) / fastestMs,
      cases: have.length,
      complete: have.length === sweep.cases.length,
      calibration,
      timing: {
        preprocessMs: mean(have.map((r) => r.timing.preprocessMs)),
        modelMs: mean(have.map((r) => r.timing.modelMs)),
        stitchMs: mean(have.map((r) => r.timing.stitchMs)),
        postprocessMs: mean(have.map((r) => r.timing.postprocessMs)),
        minMs: Math.min(...have.map((r) => r.timing.minMs)),
        maxMs: Math.max(...have.map((r) => r.timing.maxMs)),
        fastestMs,
      },
      perClassDice: perClassMean(have),
      performanceCount: map?.count ?? 0,
      byMachine,
    });
  }

  // 6. Pareto front and the rule, over complete configurations.
  const ranked = configs.filter((c) => c.complete);
  const rows = ranked.map((c) => ({ id: c.config.id, timeMs: c.timeMs, dice: c.dice, windows: c.windows }));
  paretoFront(rows).forEach((on, i) => (ranked[i].onParetoFront = on));
  const pareto = ranked
    .filter((c) => c.onParetoFront)
    .sort((a, b) => a.timeMs - b.timeMs || b.dice - a.dice)
    .map((c) => c.config.id);

  // 7. Margins from the calibration maps.
  const maps = new Map<string, { data: Float64Array; shape: number[] }>();
  const margins: MarginSummary[] = [];
  for (const calId of Object.values(sweep.calibration)) {
    const cal = sweep.configs.find((c) => c.id === calId)!;
    const acc = mergedMaps.get(calId);
    if (!acc) continue;
    const data = patchShapedMap(acc, cal.patchSize);
    maps.set(calId, { data, shape: [...cal.patchSize] });
    const recommendation = recommendMargin({ data, shape: cal.patchSize }, { tolerance: options.marginTolerance ?? 0.05 });
    margins.push({ patchSize: [...cal.patchSize], calibrationId: calId, recommendation, configId: marginConfig(sweep.configs, cal, recommendation.overlap)?.id ?? null, mapFile: `maps/${calId}.npy` });
  }

  // 8. The recommendation: never one below the quality floor, none when a reference is an image.
  const chosenResults = [...chosen.values()];
  const imageCases = referenceImages(sweep, chosenResults);
  const eligible = ranked.filter((c) => c.dice >= DICE_FLOOR);
  const eligibleRows = eligible.map((c) => ({ id: c.config.id, timeMs: c.timeMs, dice: c.dice, windows: c.windows }));
  let recommendation: Recommendation | null = null;
  let noRecommendation: string | null = null;
  const findings: string[] = [];
  const pick = imageCases.length === 0 ? applyRule(rule, eligibleRows) : null;
  if (ranked.length === 0) {
    warnings.push('no configuration has been measured on every case yet: nothing to rank');
    noRecommendation = 'no configuration has been measured on every case yet: nothing to rank';
  } else if (imageCases.length > 0) {
    const list = imageCases.map((c) => `case ${c.caseId}: ${c.reason}`).join('; ');
    noRecommendation = `${list}. Dice against an image means nothing, so there is no recommendation: give ${imageCases.length === 1 ? 'this case' : 'these cases'} a label map (the reference segmentation) instead.`;
  } else if (eligible.length === 0) {
    const best = ranked.reduce((a, b) => (b.dice > a.dice ? b : a));
    noRecommendation =
      `every configuration's Dice is below ${DICE_FLOOR} (best ${best.dice.toFixed(4)}, ${best.config.id}): the segmentation fails or the reference does not mark what the model segments, so there is no recommendation. ` +
      `Check that each case's label file is its reference segmentation, in the model's labels.`;
  } else if (!pick) {
    warnings.push(`no configuration satisfies the rule ${formatRule(rule)}`);
    noRecommendation = `no configuration with Dice ≥ ${DICE_FLOOR} satisfies the rule ${formatRule(rule)}`;
  } else {
    const rec = eligible[pick.index];
    const bestDice = Math.max(...ranked.map((c) => c.dice));
    const best = ranked.find((c) => c.dice === bestDice)!;
    const saving = (other: ConfigSummary | undefined): Saving | null => {
      if (!other) return null;
      const s: Saving = { configId: other.config.id, ms: other.timeMs - rec.timeMs, fraction: other.timeMs > 0 ? (other.timeMs - rec.timeMs) / other.timeMs : 0, windows: other.windows - rec.windows, diceDelta: other.dice - rec.dice };
      const c = other === rec ? null : compareConfigResults(chosenResults, rec.config.id, other.config.id);
      if (c) {
        s.time = c.time;
        s.diceComparison = c.dice;
      }
      return s;
    };
    const mostExpensive = ranked.reduce((a, b) => (b.timeMs > a.timeMs ? b : a));
    const marginRow = margins.map((m) => ranked.find((c) => c.config.id === m.configId)).find((c) => c !== undefined);
    recommendation = {
      rule: formatRule(rule),
      configId: rec.config.id,
      config: rec.config,
      timeMs: rec.timeMs,
      dice: rec.dice,
      windows: rec.windows,
      bestDice,
      bestDiceConfigId: best.config.id,
      reason: pick.reason,
      vsMostExpensive: saving(mostExpensive),
      vsMargin: saving(marginRow),
    };
    const below = ranked.filter((c) => c.dice < DICE_FLOOR).length;
    if (below > 0) recommendation.reason += `; ${below} configuration(s) with Dice below ${DICE_FLOOR} were not considered`;
    findings.push(...savingFindings(recommendation));
    findings.push(...tiesWithRecommendation(rec, eligible, chosenResults));
  }
  findings.push(...compareBlends(sweep.configs, chosenResults).filter((b) => b.notAFinding).map((b) => `${b.sentence}: not a finding`));

  const summary: SweepSummary = {
    format: 'patchlens.sweep-summary',
    version: 1,
    created: options.created ?? new Date().toISOString(),
    model: sweep.model,
    grid: sweep.grid,
    cases: sweep.cases,
    settings: sweep.settings,
    sources: options.sources ?? [],
    machines: byCount.map(([id, m]) => ({ id, results: m.results, backends: [...m.backends].sort() })),
    timingMachine,
    configs,
    pareto,
    rule: formatRule(rule),
    recommendation,
    margins,
    timeModels,
    missing,
    warnings,
    noRecommendation,
    findings,
  };
  if (sweep.app) summary.app = sweep.app;
  if (sweep.versions) summary.versions = sweep.versions;
  if (sweep.backend) summary.backend = sweep.backend;
  return { summary, maps };
}

/** Per-class Dice averaged over the cases that report the class. */
function perClassMean(results: CaseResult[]): ClassDiceSummary[] {
  const acc = new Map<number, { name?: string; sum: number; n: number }>();
  for (const r of results)
    for (const c of r.dice.perClass) {
      const a = acc.get(c.label) ?? { name: c.name, sum: 0, n: 0 };
      a.sum += c.dice;
      a.n++;
      acc.set(c.label, a);
    }
  return [...acc]
    .sort((a, b) => a[0] - b[0])
    .map(([label, a]) => (a.name !== undefined ? { label, name: a.name, dice: a.sum / a.n } : { label, dice: a.sum / a.n }));
}

/**
 * The configuration that discards `recommendMargin`'s margin: the calibration's patch size, no
 * mirroring, an overlap equal to the recommended one within half a voxel on every axis;
 * preferring the calibration's placement, then `crop` blending (TorchIO's crop discards exactly
 * the margin), then `constant`, then the first in grid order.
 */
function marginConfig(configs: readonly SweepConfig[], cal: SweepConfig, overlap: readonly number[]): SweepConfig | null {
  const pk = patchKey(cal.patchSize);
  const fits = configs.filter(
    (c) => patchKey(c.patchSize) === pk && !c.mirror && c.overlap.every((o, a) => Math.abs(o - overlap[a]) * c.patchSize[a] <= 0.5 + 1e-9),
  );
  const score = (c: SweepConfig) => (c.placement === cal.placement ? 0 : 10) + (c.blend === 'crop' ? 0 : c.blend === 'constant' ? 1 : 2);
  let best: SweepConfig | null = null;
  for (const c of fits) if (best === null || score(c) < score(best)) best = c;
  return best;
}
