import { seconds } from '../format/number';

/** One prediction of the time model: a configuration's predicted and measured time on one case. */
export interface ViewPrediction {
  configId: string;
  caseId: string | null;
  predictedMs: number;
  /** The measured time the model predicts (the fastest timed run), ms. */
  measuredMs: number;
  /** False for the runs the time model was fitted on; null for a configuration's own mean prediction. */
  heldOut: boolean | null;
}

/** The kinds of prediction point (the chart's colours). */
export const PREDICTION_KINDS = { heldOut: 'held out (predicted)', fitted: 'fitted on (calibration)', config: 'configuration' } as const;

/** One point of the time model chart. */
export interface PredictionPoint {
  id: string;
  predictedS: number;
  measuredS: number;
  kind: (typeof PREDICTION_KINDS)[keyof typeof PREDICTION_KINDS];
  /** (predicted − measured) / measured · 100. */
  errorPct: number;
  title: string;
}

/** The time model's predictions as chart points. */
export function predictionPoints(rows: readonly ViewPrediction[]): PredictionPoint[] {
  return rows.map((p) => {
    const errorPct = ((p.predictedMs - p.measuredMs) / p.measuredMs) * 100;
    const kind = p.heldOut === null ? PREDICTION_KINDS.config : p.heldOut ? PREDICTION_KINDS.heldOut : PREDICTION_KINDS.fitted;
    const where = p.caseId === null ? '' : `${p.caseId}: `;
    return {
      id: p.configId,
      predictedS: p.predictedMs / 1000,
      measuredS: p.measuredMs / 1000,
      kind,
      errorPct,
      title: `${p.configId}\n${where}predicted ${seconds(p.predictedMs)}, measured ${seconds(p.measuredMs)} (${errorPct >= 0 ? '+' : ''}${errorPct.toFixed(1)} %)`,
    };
  });
}
