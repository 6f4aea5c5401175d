import type { ReportConfig, ReportTimeModelError, ReportTimePrediction } from './reportTypes';

type Rec = Record<string, unknown>;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** Mean and largest |error| of a list of errors, %. */
function stats(errors: number[]): { meanAbsErrorPct: number | null; maxAbsErrorPct: number | null } {
  const abs = errors.map(Math.abs);
  return abs.length ? { meanAbsErrorPct: abs.reduce((a, b) => a + b, 0) / abs.length, maxAbsErrorPct: Math.max(...abs) } : { meanAbsErrorPct: null, maxAbsErrorPct: null };
}

/**
 * The time model's measured error on this sweep, per case and machine, over the held-out
 * configurations (those the model was not fitted on): `TimeModelSummary.meanAbsErrorPct` /
 * `maxAbsErrorPct` as the sweep wrote them; where a summary lacks them, computed from its held-out
 * predictions; without time models, from `timePredictions` (per case and machine), else from the
 * configurations' `predictionErrorPct` (one row over the configurations).
 * @param timeModels `SweepSummary.timeModels` (`TimeModelSummary`s), or `ReportData.timeModelErrors` read back
 */
export function timeModelErrors(timeModels: readonly Rec[], predictions: readonly ReportTimePrediction[], configs: readonly ReportConfig[]): ReportTimeModelError[] {
  if (timeModels.length) {
    return timeModels.map((tm) => {
      const held = (Array.isArray(tm.predictions) ? tm.predictions : [])
        .filter((p): p is Rec => p !== null && typeof p === 'object' && (p as Rec).heldOut !== false)
        .map((p) => num(p.errorPct) ?? (num(p.predictedMs) !== null && num(p.measuredMs) ? ((num(p.predictedMs)! - num(p.measuredMs)!) / num(p.measuredMs)!) * 100 : null))
        .filter((e): e is number => e !== null);
      const given = { meanAbsErrorPct: num(tm.meanAbsErrorPct), maxAbsErrorPct: num(tm.maxAbsErrorPct) };
      const s = given.meanAbsErrorPct !== null && given.maxAbsErrorPct !== null ? given : stats(held);
      return { caseId: str(tm.caseId), machine: str(tm.machine), heldOut: num(tm.heldOut) ?? held.length, ...s };
    });
  }
  if (predictions.length) {
    const groups = new Map<string, ReportTimePrediction[]>();
    for (const p of predictions) if (p.heldOut) groups.set(`${p.caseId}\u0000${p.machine ?? ''}`, [...(groups.get(`${p.caseId}\u0000${p.machine ?? ''}`) ?? []), p]);
    return [...groups.values()].map((ps) => ({ caseId: ps[0].caseId, machine: ps[0].machine, heldOut: ps.length, ...stats(ps.map((p) => p.errorPct)) }));
  }
  const errors = configs.filter((c) => !c.calibration && c.predictionErrorPct !== null).map((c) => c.predictionErrorPct!);
  return errors.length ? [{ caseId: null, machine: null, heldOut: errors.length, ...stats(errors) }] : [];
}
