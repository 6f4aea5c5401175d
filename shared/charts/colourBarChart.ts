import * as Plot from '@observablehq/plot';
import { short } from '../format/number';
import type { ChartDocument, ChartElement } from './chartDom';
import { colourDomain, COLORMAP } from './colourScale';
import type { ChartTheme } from './theme';

/** The colour bar of {@link heatmapChart}: the colormap over `domain` with ticks, labelled `label`. */
export function colourBarChart(doc: ChartDocument, view: { domain: [number, number]; label: string }, theme: ChartTheme, width = theme.colourBarWidth): ChartElement {
  const dom = colourDomain(view.domain);
  const n = theme.colourBarBins;
  const bins = Array.from({ length: n }, (_, i) => {
    const x1 = dom[0] + ((dom[1] - dom[0]) * i) / n;
    const x2 = dom[0] + ((dom[1] - dom[0]) * (i + 1)) / n;
    return { x1, x2, v: (x1 + x2) / 2 };
  });
  return Plot.plot({
    document: doc,
    width,
    height: 52,
    marginLeft: 14,
    marginRight: 14,
    marginTop: 4,
    marginBottom: 34,
    style: theme.style,
    x: { domain: dom, label: `${view.label} →`, ticks: 5, tickFormat: (d: number) => short(d) },
    y: { axis: null, domain: [0, 1] },
    color: { type: 'linear', scheme: COLORMAP, domain: dom },
    marks: [Plot.rect(bins, { x1: 'x1', x2: 'x2', y1: 0, y2: 1, fill: 'v', stroke: 'v', strokeWidth: theme.cellStroke, className: 'colour-bins' }), Plot.frame({ stroke: '#333' })],
  });
}
