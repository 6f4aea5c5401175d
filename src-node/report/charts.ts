import { borderProfileCurves, profileChart } from '../../shared/charts/profileChart';
import { diceTimeChart as diceTimeFigure } from '../../shared/charts/diceTimeChart';
import { overlapTimeChart as overlapTimeFigure } from '../../shared/charts/overlapTimeChart';
import { PRINT_THEME } from '../../shared/charts/theme';
import { timeModelChart } from '../../shared/charts/timeModelChart';
import { PREDICTION_KINDS } from '../../shared/view/predictionPoints';
import type { SweepView } from '../../shared/view/sweepView';
import type { ReportBorderProfile, ReportMarginRecommendation } from './reportTypes';

/**
 * The report's charts: the shared chart builders (shared/charts) drawn with the print theme on
 * the report's (jsdom) document, each with its caption.
 */

const legendNote = (n: number, recommended: boolean) =>
  `Colour: blending; shape: placement. Black rings: the ${n} configuration${n === 1 ? '' : 's'} on the Pareto front (no other configuration is both at least as fast and at least as accurate).${recommended ? ' Red star: the recommendation.' : ' No configuration is recommended.'}`;

/** Overlap (mean over axes) against time per case. */
export function overlapTimeChart(doc: Document, view: SweepView): { svg: string; caption: string } {
  const pts = view.points.filter((p) => Number.isFinite(p.overlap));
  const svg = overlapTimeFigure(doc, view, PRINT_THEME);
  return { svg: svg.outerHTML, caption: `Overlap against inference time per case (median of repeated runs), one line per blend and patch size. ${legendNote(pts.filter((p) => p.front).length, pts.some((p) => p.recommended))}` };
}

/** Dice against time per case with the Pareto front drawn as a step line. */
export function diceTimeChart(doc: Document, view: SweepView): { svg: string; caption: string } {
  const svg = diceTimeFigure(doc, view, PRINT_THEME);
  return { svg: svg.outerHTML, caption: `Mean Dice against inference time per case. The dashed step line is the Pareto front: moving right along it buys Dice with time. ${legendNote(view.front.length, view.recommendation !== null)}` };
}

/** The time model's predictions against the measured times (per case when the sweep gives them, else per configuration). */
export function predictionChart(doc: Document, view: SweepView): { svg: string; caption: string } | null {
  const svg = timeModelChart(doc, view, PRINT_THEME);
  if (!svg) return null;
  const rows = view.predictions;
  const perCase = rows.some((r) => r.kind !== PREDICTION_KINDS.config);
  const errors = rows.filter((r) => r.kind !== PREDICTION_KINDS.fitted).map((r) => Math.abs(r.errorPct));
  const meanErr = errors.length ? errors.reduce((a, b) => a + b, 0) / errors.length : null;
  const maxErr = errors.length ? Math.max(...errors) : null;
  return {
    svg: svg.outerHTML,
    caption: `Predicted against measured time ${perCase ? 'per case and configuration' : 'per configuration'} (measured: the fastest of the repeated runs, the least disturbed measurement, which the time model predicts); the dashed line is a perfect prediction.${meanErr !== null ? ` Mean absolute error ${meanErr.toFixed(1)} %, largest ${maxErr!.toFixed(1)} %${perCase ? ' (held-out runs)' : ''}.` : ''}`,
  };
}

/** Mean error against the distance to the patch border, per axis and to the nearest border. */
export function borderProfileChart(doc: Document, profile: ReportBorderProfile, margin: ReportMarginRecommendation | null, overallMean: number | null): { svg: string; caption: string } {
  const rules =
    margin && margin.margin.length === profile.perAxis.length ? profile.perAxis.map((c, a) => ({ x: margin.margin[a], curve: `along ${c.name}` })).filter((r) => r.x > 0) : [];
  const svg = profileChart(doc, { curves: borderProfileCurves(profile), labels: { x: 'distance to the patch border (voxels)', y: `mean ${profile.measure}` }, rules, meanLine: overallMean }, PRINT_THEME);
  const marginText = margin
    ? ` Dashed vertical lines: the recommended margin per axis (${margin.margin.join(', ')} voxels), the border the recommended crop discards.`
    : '';
  return {
    svg: svg.outerHTML,
    caption: `Border profile: the mean ${profile.measure} of every position at a given distance to the patch border (0 = on the border), along each axis and to the nearest border over all axes.${overallMean !== null ? ' The dotted horizontal line is the mean over the whole patch.' : ''}${marginText} A curve that falls away from the border is the border effect that overlap removes.`,
  };
}
