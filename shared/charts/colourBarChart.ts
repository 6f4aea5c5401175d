import * as Plot from '@observablehq/plot';
import { short, signed } from '../format/number';
import type { ChartDocument, ChartElement } from './chartDom';
import { colourScaleOptions } from './colourScale';
import type { ChartTheme } from './theme';

/** What a colour bar shows: the map's range, the label, and whether the scale is diverging. */
export interface ColourBarView {
  /** The map's [min, max] (as for {@link heatmapChart}). */
  domain: [number, number];
  label: string;
  /** The diverging scale of a signed map: [−m, m] with ticks at −m, 0 and +m. */
  diverging?: boolean;
}

/**
 * The colour bar of {@link heatmapChart}: its colour scale ({@link colourScaleOptions}) in the
 * theme's steps with ticks, labelled `label`. Diverging, the ticks are −m, 0 and +m (signed);
 * when m = 0 the bar is the neutral midpoint colour throughout with one tick, 0.
 */
export function colourBarChart(doc: ChartDocument, view: ColourBarView, theme: ChartTheme, width = theme.colourBarWidth): ChartElement {
  const color = colourScaleOptions(view.domain, view.diverging ?? false);
  const dom = color.domain as [number, number];
  // Diverging over an all-zero map: the domain is a stand-in [−1, 1]; every bin is 0 (neutral).
  const flatZero = view.diverging === true && view.domain[0] === 0 && view.domain[1] === 0;
  const n = theme.colourBarBins;
  const bins = Array.from({ length: n }, (_, i) => {
    const x1 = dom[0] + ((dom[1] - dom[0]) * i) / n;
    const x2 = dom[0] + ((dom[1] - dom[0]) * (i + 1)) / n;
    return { x1, x2, v: flatZero ? 0 : (x1 + x2) / 2 };
  });
  const x = view.diverging
    ? { domain: dom, label: `${view.label} →`, ticks: flatZero ? [0] : [dom[0], 0, dom[1]], tickFormat: (d: number) => signed(d, short(d)) }
    : { domain: dom, label: `${view.label} →`, ticks: 5, tickFormat: (d: number) => short(d) };
  // The diverging bar has ticks at its very ends: room for half a signed label ("−0.0469") each side.
  const side = view.diverging ? 28 : 14;
  return Plot.plot({
    document: doc,
    width,
    height: 52,
    marginLeft: side,
    marginRight: side,
    marginTop: 4,
    marginBottom: 34,
    style: theme.style,
    x,
    y: { axis: null, domain: [0, 1] },
    color,
    marks: [Plot.rect(bins, { x1: 'x1', x2: 'x2', y1: 0, y2: 1, fill: 'v', stroke: 'v', strokeWidth: theme.cellStroke, className: 'colour-bins' }), Plot.frame({ stroke: '#333' })],
  });
}
