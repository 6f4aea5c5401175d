import type { ReportParts } from './reportParts';
import { arr, isRec, num, nums, rec, sameShape, str, strs, type Rec } from './readLenient';
import type { ReportTimePrediction } from './reportTypes';

/**
 * A `SweepSummary` (format `patchlens.sweep-summary`, shared/sweep/types.ts) in the shape of
 * report data: configurations as they are (`ConfigSummary` is read by `readConfig`), the
 * recommendation with its savings against the most expensive configuration and against the
 * configuration that discards the map's margin, the calibration map of the recommended patch
 * size (from its `.npy`), the time model's predictions, provenance and warnings.
 */
export function fromSweepSummary(s: Rec, parts: ReportParts, warnings: string[]): Rec {
  const configs = arr(s.configs).filter(isRec);
  const pareto = strs(s.pareto);
  if (pareto) for (const c of configs) if (typeof c.onParetoFront !== 'boolean') c.onParetoFront = pareto.includes(str(rec(c.config).id) ?? '');
  const r = isRec(s.recommendation) ? s.recommendation : null;
  const recPatch = nums(rec(r?.config).patchSize);
  const margins = arr(s.margins).filter(isRec);
  const m = margins.find((x) => recPatch && nums(x.patchSize) && sameShape(x.patchSize as number[], recPatch)) ?? margins[0] ?? null;
  const mr = rec(m?.recommendation);
  const patchSize = nums(m?.patchSize) ?? [];
  const trim = (a: number[] | null) => (a && patchSize.length ? a.slice(0, patchSize.length) : (a ?? []));
  const margin = m && nums(mr.margin)
    ? { patchSize, margin: trim(nums(mr.margin)), overlap: trim(nums(mr.overlap)), keptFraction: mr.keptFraction, cropMean: mr.cropMean, fullMean: mr.fullMean, tolerance: mr.tolerance, configId: m.configId ?? null }
    : null;
  const asSaving = (v: unknown, label: string) => {
    const x = rec(v);
    const fraction = num(x.fraction);
    return str(x.configId) && num(x.ms) !== null
      ? { configId: x.configId, label, savingMs: x.ms, savingPct: fraction === null ? null : fraction * 100, savingWindows: num(x.windows), diceChange: -(num(x.diceDelta) ?? 0), time: x.time, diceComparison: x.diceComparison }
      : null;
  };
  const recommendation = r
    ? {
        configId: r.configId,
        dice: r.dice,
        timeMs: r.timeMs,
        windows: r.windows,
        rule: str(r.rule) ?? str(s.rule),
        reason: r.reason,
        savings: [asSaving(r.vsMostExpensive, 'the most expensive configuration'), asSaving(r.vsMargin, 'the configuration whose overlap discards the map’s recommended margin')].filter((x) => x !== null),
        margin,
      }
    : null;
  let performanceMap: Rec | null = null;
  const mapFile = str(m?.mapFile);
  if (mapFile) {
    const f = parts.mapFiles?.[mapFile];
    if (f) {
      const calib = configs.find((c) => str(rec(c.config).id) === str(m?.calibrationId));
      performanceMap = {
        shape: f.shape,
        mean: f.data,
        measure: str(rec(s.settings).measure),
        count: num(calib?.performanceCount),
        source: `calibration run ${str(m?.calibrationId) ?? ''}, merged over every case`.replace('run ,', 'run,'),
      };
    } else {
      warnings.push(`the calibration map ${mapFile} named in summary.json could not be read; the map shown is merged from the results`);
    }
  }
  const timePredictions: ReportTimePrediction[] = [];
  for (const tm of arr(s.timeModels).filter(isRec)) {
    for (const row of arr(tm.predictions).filter(isRec)) {
      const predictedMs = num(row.predictedMs);
      const measuredMs = num(row.measuredMs);
      if (!str(row.configId) || predictedMs === null || measuredMs === null) continue;
      timePredictions.push({
        caseId: str(tm.caseId) ?? '—',
        machine: str(tm.machine),
        configId: row.configId as string,
        predictedMs,
        measuredMs,
        medianMs: num(row.medianMs),
        errorPct: num(row.errorPct) ?? ((predictedMs - measuredMs) / measuredMs) * 100,
        heldOut: row.heldOut !== false,
      });
    }
  }
  const missing = arr(s.missing).filter(isRec);
  const extraWarnings: string[] = [];
  if (missing.length) {
    extraWarnings.push(`${missing.length} (case, configuration) pair${missing.length === 1 ? ' has' : 's have'} no result yet (e.g. ${str(missing[0].caseId)} × ${str(missing[0].configId)}); incomplete configurations are not ranked`);
  }
  const settings = rec(s.settings);
  const model = rec(s.model);
  return {
    summary: {
      modelName: str(model.name),
      caseIds: arr(s.cases).filter(isRec).map((c) => str(c.id)).filter((x) => x !== null),
      measure: str(settings.measure),
      diceMode: settings.diceMode === 'classes' || settings.diceMode === 'foreground' ? settings.diceMode : null,
    },
    configs,
    recommendation,
    noRecommendation: s.noRecommendation,
    findings: s.findings,
    timeModelErrors: arr(s.timeModels).filter(isRec),
    performanceMap,
    timePredictions,
    provenance: {
      ...rec(s.provenance),
      app: s.app ?? rec(s.provenance).app,
      versions: s.versions ?? rec(s.provenance).versions,
      backend: s.backend ?? rec(s.provenance).backend,
      model: s.model,
      cases: s.cases,
      machines: s.machines,
      date: s.created,
      options: { settings: s.settings, grid: s.grid, sources: s.sources, timingMachine: s.timingMachine, rule: s.rule },
    },
    warnings: [...(strs(s.warnings) ?? []), ...extraWarnings],
  };
}

