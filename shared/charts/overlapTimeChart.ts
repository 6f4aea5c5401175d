import type { SweepView } from '../view/sweepView';
import type { ChartDocument, ChartElement } from './chartDom';
import { linearTicks } from './linearTicks';
import type { ChartTheme } from './theme';
import { plotWithLabel, tradeoffFrame } from './tradeoffMarks';

/**
 * Time per case against overlap (mean over axes): one line per series (blend and patch size,
 * `series-line`), the configurations ({@link tradeoffMarks}) nudged sideways per series so
 * points that share an overlap do not hide each other, the recommendation starred and labelled.
 * Configurations without an overlap are left out.
 * @returns Plot's element (a `<figure>`: it has a legend)
 */
export function overlapTimeChart(doc: ChartDocument, view: Pick<SweepView, 'points'>, theme: ChartTheme): ChartElement {
  const pts = view.points.filter((p) => Number.isFinite(p.overlap)).sort((a, b) => a.overlap - b.overlap);
  // Overlaps are fractions in [0, 1): a single overlap gets a 0.1-wide axis around it (the
  // default would print "0.000000"), and the ticks carry only the decimals their step needs.
  const overlaps = pts.map((p) => p.overlap);
  const oLo = overlaps.length ? Math.min(...overlaps) : 0;
  const oHi = overlaps.length ? Math.max(...overlaps) : 0.5;
  const xDomain: [number, number] = oHi - oLo < 0.05 ? [Math.max(0, oLo - 0.05), Math.max(0, oLo - 0.05) + 0.1] : [oLo, oHi];
  const xTicks = linearTicks(xDomain[0], xDomain[1], 5);
  return plotWithLabel(
    {
      ...tradeoffFrame(doc, theme, theme.heights.overlapTime),
      x: { label: 'overlap (fraction of the patch, mean over axes) →', domain: xDomain, ticks: xTicks.values, tickFormat: xTicks.format },
      y: { label: '↑ time per case (s)', zero: true, nice: true },
    },
    pts,
    'overlap',
    'timeS',
    theme,
    true,
    true,
  );
}
