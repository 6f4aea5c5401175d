import { planSweep, patchKey } from './grid';
import { calibrationTiming, fitTimeModel, predictTime } from './timeModel';
import type { CaseResult, SweepConfig, SweepGrid } from './types';

/** A configuration's predicted cost, before it runs. */
export interface PredictedConfig {
  config: SweepConfig;
  /** Mean over cases of the predicted time, ms. */
  predictedMs: number;
  /** Mean over cases of the windows. */
  windows: number;
}

/**
 * Ranks every configuration of a grid by the time the time model predicts for it, from the
 * calibration results alone (one per patch size and case): what a sweep will cost before it
 * runs. Configurations whose patch size has no calibration result yet are left out.
 */
export function rankByPredictedTime(grid: SweepGrid, calibrations: readonly CaseResult[]): PredictedConfig[] {
  const plan = planSweep(grid);
  const byCase = new Map<string, CaseResult[]>();
  for (const r of calibrations) byCase.set(r.caseId, [...(byCase.get(r.caseId) ?? []), r]);
  const calIds = new Set(Object.values(plan.calibration));
  const models = [...byCase.values()].map((results) => {
    const cals = results.filter((r) => calIds.has(r.configId));
    return { cals, model: cals.length > 0 ? fitTimeModel(cals.map(calibrationTiming)) : null };
  });
  const rows: PredictedConfig[] = [];
  for (const config of plan.configs) {
    const calId = plan.calibration[patchKey(config.patchSize)];
    const times: number[] = [];
    const windows: number[] = [];
    for (const { cals, model } of models) {
      const cal = cals.find((r) => r.configId === calId);
      if (!cal || !model) continue;
      const p = predictTime(model, config, cal.domainSize);
      times.push(p.totalMs);
      windows.push(p.windows);
    }
    if (times.length === 0) continue;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    rows.push({ config, predictedMs: mean(times), windows: mean(windows) });
  }
  return rows.sort((a, b) => a.predictedMs - b.predictedMs);
}
