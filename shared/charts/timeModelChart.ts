import * as Plot from '@observablehq/plot';
import { PREDICTION_KINDS } from '../view/predictionPoints';
import type { SweepView } from '../view/sweepView';
import type { ChartDocument, ChartElement } from './chartDom';
import type { ChartTheme } from './theme';

/**
 * Predicted against measured time (the fastest run, which the time model predicts), with the
 * y = x line (`identity-line`) and one dot per prediction (`prediction-dot`, coloured by kind:
 * held out, fitted on, or a configuration's own prediction).
 * @returns the element, or null when nothing was predicted
 */
export function timeModelChart(doc: ChartDocument, view: Pick<SweepView, 'predictions'>, theme: ChartTheme): ChartElement | null {
  const rows = view.predictions;
  if (rows.length === 0) return null;
  const max = Math.max(...rows.map((r) => Math.max(r.predictedS, r.measuredS))) * 1.08;
  const kinds = [...new Set(rows.map((r) => r.kind))];
  const fastest = rows.some((r) => r.kind !== PREDICTION_KINDS.config);
  return Plot.plot({
    document: doc,
    width: theme.width,
    height: theme.heights.timeModel,
    marginLeft: 56,
    marginTop: 24,
    style: theme.style,
    grid: true,
    x: { label: 'predicted time per case (s) →', domain: [0, max], nice: true },
    y: { label: `↑ measured time per case (s)${fastest ? ', fastest run' : ''}`, domain: [0, max], nice: true },
    color: { legend: kinds.length > 1, domain: kinds, range: kinds.map((k) => (k === PREDICTION_KINDS.fitted ? '#ff7f0e' : '#1f77b4')) },
    marks: [
      Plot.line([{ x: 0, y: 0 }, { x: max, y: max }], { x: 'x', y: 'y', stroke: '#888', strokeDasharray: '4,3', className: 'identity-line' }),
      Plot.dot(rows, { x: 'predictedS', y: 'measuredS', fill: 'kind', r: 4.5, stroke: 'white', strokeWidth: 0.6, title: 'title', className: 'prediction-dot' } as Plot.DotOptions),
    ],
  });
}
