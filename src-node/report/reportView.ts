import { viewOf, type SweepView } from '../../shared/view/sweepView';
import type { ViewConfig } from '../../shared/view/configPoints';
import type { ViewPrediction } from '../../shared/view/predictionPoints';
import type { ReportConfig, ReportData } from './reportTypes';

/** A report configuration as a view row (the same fields a `ConfigSummary` gives `sweepView`). */
export function reportViewConfig(c: ReportConfig): ViewConfig {
  return { id: c.id, patchSize: c.patchSize, overlap: c.overlap, placement: c.placement, blend: c.blend, mirror: c.mirror, timeMs: c.time.medianMs, dice: c.dice.mean, windows: c.windows, onParetoFront: c.onParetoFront };
}

/** The predictions the report's time model chart shows: per case where the sweep gives them, else each configuration's own against its fastest run. */
export function reportPredictions(data: Pick<ReportData, 'timePredictions' | 'configs'>): ViewPrediction[] {
  if (data.timePredictions.length) return data.timePredictions.map((t) => ({ configId: t.configId, caseId: t.caseId, predictedMs: t.predictedMs, measuredMs: t.measuredMs, heldOut: t.heldOut }));
  return data.configs
    .filter((c) => c.predictedMs !== null)
    .map((c) => ({ configId: c.id, caseId: null, predictedMs: c.predictedMs!, measuredMs: c.time.fastestMs ?? c.time.medianMs, heldOut: null }));
}

/**
 * The shared view (`SweepView`, shared/view/sweepView.ts) of report data: for a sweep summary
 * its configurations, Pareto flags and recommendation are the summary's own, so the report draws
 * exactly what the explorer's `sweepView(summary)` draws. The map's view is not built here: the
 * report keeps its map as slices already (`ReportPerformanceMap`).
 */
export function reportView(data: Pick<ReportData, 'configs' | 'recommendation' | 'timePredictions'>): SweepView {
  return viewOf({ configs: data.configs.map(reportViewConfig), recommendedId: data.recommendation?.configId ?? null, predictions: reportPredictions(data) });
}
