import type { ConfigSummary, SweepSummary } from '../sweep/types';
import { configPoints, frontOf, type ConfigPoint, type ViewConfig } from './configPoints';
import { mapView, type MapInput, type MapView } from './mapView';
import { predictionPoints, type PredictionPoint, type ViewPrediction } from './predictionPoints';

/**
 * What the explorer and the report draw of a sweep, computed once: the configurations as points,
 * the Pareto front (in drawing order), the recommended point, the time model's predictions, and
 * the map's slices and border profile. Both surfaces build their charts from this object, so
 * they cannot disagree.
 */
export interface SweepView {
  points: ConfigPoint[];
  /** The points on the Pareto front, faster first ({@link frontOf}). */
  front: ConfigPoint[];
  /** The recommended point; null when the sweep recommends nothing. */
  recommendation: ConfigPoint | null;
  predictions: PredictionPoint[];
  /** The map's view, when a map was given. */
  map: MapView | null;
}

/** The parts a {@link SweepView} is built from (a summary's, or a report's). */
export interface ViewInput {
  configs: readonly ViewConfig[];
  recommendedId: string | null;
  predictions: readonly ViewPrediction[];
  map?: MapInput | null;
}

/** A {@link SweepView} from its parts (see {@link sweepView} for a `SweepSummary`). */
export function viewOf(input: ViewInput): SweepView {
  const points = configPoints(input.configs, input.recommendedId);
  return {
    points,
    front: frontOf(points),
    recommendation: points.find((p) => p.recommended) ?? null,
    predictions: predictionPoints(input.predictions),
    map: input.map ? mapView(input.map) : null,
  };
}

/** A summary's configuration as a view row. */
export function viewConfig(c: ConfigSummary): ViewConfig {
  return { ...c.config, id: c.config.id, timeMs: c.timeMs, dice: c.dice, windows: c.windows, onParetoFront: c.onParetoFront };
}

/**
 * The predictions a summary's time model chart shows: every time model prediction (per case and
 * machine); a summary without them, each configuration's own mean prediction against its fastest run.
 */
export function summaryPredictions(summary: Pick<SweepSummary, 'timeModels' | 'configs'>): ViewPrediction[] {
  const rows = summary.timeModels.flatMap((m) => m.predictions.map((p) => ({ configId: p.configId, caseId: m.caseId, predictedMs: p.predictedMs, measuredMs: p.measuredMs, heldOut: p.heldOut })));
  if (rows.length > 0) return rows;
  return summary.configs
    .filter((c) => c.predictedMs !== null)
    .map((c) => ({ configId: c.config.id, caseId: null, predictedMs: c.predictedMs!, measuredMs: c.timing.fastestMs ?? c.timeMs, heldOut: null }));
}

/**
 * The view of a sweep summary (`buildSummary`, shared/sweep/summarize.ts): its configurations,
 * Pareto flags and recommendation as they are, its time model's predictions and, when given, a
 * map (e.g. the recommended patch size's calibration map).
 */
export function sweepView(summary: SweepSummary, map: MapInput | null = null): SweepView {
  return viewOf({ configs: summary.configs.map(viewConfig), recommendedId: summary.recommendation?.configId ?? null, predictions: summaryPredictions(summary), map });
}
