import * as Plot from '@observablehq/plot';
import type { SweepView } from '../view/sweepView';
import type { ChartDocument, ChartElement } from './chartDom';
import { linearTicks } from './linearTicks';
import type { ChartTheme } from './theme';
import { plotWithLabel, tradeoffFrame } from './tradeoffMarks';

/**
 * Mean Dice against time per case: the configurations ({@link tradeoffMarks}), the Pareto front
 * as a dashed step line (`pareto-front`), the recommendation starred and labelled.
 * @returns Plot's element (a `<figure>`: it has a legend)
 */
export function diceTimeChart(doc: ChartDocument, view: Pick<SweepView, 'points' | 'front'>, theme: ChartTheme): ChartElement {
  const pts = view.points;
  const dices = pts.map((p) => p.dice);
  const lo = dices.length ? Math.min(...dices) : 0;
  const hi = dices.length ? Math.max(...dices) : 1;
  const pad = Math.max((hi - lo) * 0.15, 0.002);
  const domain: [number, number] = [Math.max(0, lo - pad), Math.min(1, hi + pad)];
  const ticks = linearTicks(domain[0], domain[1], 5);
  return plotWithLabel(
    {
      ...tradeoffFrame(doc, theme, theme.heights.diceTime),
      x: { label: 'time per case (s) →', zero: true, nice: true },
      y: { label: '↑ mean Dice', domain, ticks: ticks.values, tickFormat: ticks.format },
      marks: [Plot.line(view.front, { x: 'timeS', y: 'dice', curve: 'step-after', stroke: theme.ink, strokeDasharray: '5,3', strokeWidth: 1.2, className: 'pareto-front' })],
    },
    pts,
    'timeS',
    'dice',
    theme,
    false,
    false,
  );
}
