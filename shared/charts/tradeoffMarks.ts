import * as Plot from '@observablehq/plot';
import type { ConfigPoint } from '../view/configPoints';
import { placeLabel } from './labelPlacement';
import type { ChartDocument, ChartElement } from './chartDom';
import type { ChartTheme } from './theme';

/** Filled symbols only (Plot's stroke symbols vanish with a fill). */
export const SYMBOLS = ['circle', 'square', 'diamond', 'triangle', 'cross', 'wye'];

/** The star's radius (Plot's `r`; its points reach 1.67·r from the centre, {@link STAR_EXTENT}) and the label's estimated size (11 px bold "recommended"), px. */
const STAR_R = 13;
/** How far the recommendation's star reaches from its centre, px. */
export const STAR_EXTENT = Math.ceil(STAR_R * 1.673);
/** The "recommended" label's estimated width and height, px. */
export const LABEL_W = 84;
export const LABEL_H = 14;

/** The sideways nudge of each series (px), so points that share an x do not hide each other; 0 without `dodge`. */
export function seriesDx(pts: readonly ConfigPoint[], dodge: boolean): (p: ConfigPoint) => number {
  const groups = [...new Set(pts.map((p) => p.series))].sort();
  return (p) => (dodge ? (groups.indexOf(p.series) - (groups.length - 1) / 2) * 6 : 0);
}

/**
 * The marks of the two trade-off charts: configurations by blend (colour; on paper also
 * placement as shape), each with its tooltip (`title`, first line the id: clicks read it back),
 * the Pareto front ringed (`pareto-ring`), the recommendation starred (`recommended-star`).
 * With `lines`, one line per series first (`series-line`). With `dodge`, each series is nudged
 * sideways by a few pixels.
 */
export function tradeoffMarks(pts: readonly ConfigPoint[], x: keyof ConfigPoint, y: keyof ConfigPoint, theme: ChartTheme, options: { dodge: boolean; lines: boolean }): Plot.Markish[] {
  const dxOf = seriesDx(pts, options.dodge);
  const marks: Plot.Markish[] = [];
  const symbol = theme.placementSymbols ? { symbol: 'placement' } : {};
  for (const dx of [...new Set(pts.map(dxOf))]) {
    const mine = pts.filter((p) => dxOf(p) === dx);
    if (options.lines) marks.push(Plot.line(mine, { x, y, dx, z: 'series', stroke: 'blend', strokeWidth: 1.4, className: 'series-line' }));
    marks.push(Plot.dot(mine.filter((p) => p.front), { x, y, dx, r: 8, stroke: theme.ink, strokeWidth: 1.3, fill: 'none', className: 'pareto-ring' }));
    marks.push(Plot.dot(mine, { x, y, dx, r: 4.5, fill: 'blend', ...symbol, stroke: 'white', strokeWidth: 0.6, title: 'title', className: 'config-dot' } as Plot.DotOptions));
    marks.push(Plot.dot(mine.filter((p) => p.recommended), { x, y, dx, r: STAR_R, symbol: 'star', fill: 'none', stroke: theme.accent, strokeWidth: 2, className: 'recommended-star' }));
  }
  return marks;
}

/**
 * Draws a trade-off chart with the "recommended" label beside its star: the chart is drawn once
 * to learn its scales, the label placed where it covers no other marker and stays inside the plot
 * ({@link placeLabel}), then drawn again with the label as the last mark (above every marker).
 */
export function plotWithLabel(options: Plot.PlotOptions, pts: readonly ConfigPoint[], x: keyof ConfigPoint, y: keyof ConfigPoint, theme: ChartTheme, dodge: boolean, lines: boolean): ChartElement {
  const base = [...((options.marks ?? []) as Plot.Markish[]), ...tradeoffMarks(pts, x, y, theme, { dodge, lines })];
  const symbol = theme.placementSymbols ? { symbol: { legend: true, range: SYMBOLS } } : {};
  const all = { ...options, ...symbol, marks: base };
  const first = Plot.plot(all);
  const rec = pts.find((p) => p.recommended);
  const sx = first.scale('x');
  const sy = first.scale('y');
  if (!rec || !sx?.apply || !sy?.apply) return first;
  const dxOf = seriesDx(pts, dodge);
  const at = (p: ConfigPoint) => ({ x: sx.apply!(p[x]) + dxOf(p), y: sy.apply!(p[y]) });
  const others = pts.filter((p) => p !== rec).map((p) => ({ ...at(p), r: p.front ? 9 : 6 }));
  const [x0, x1] = [Math.min(...(sx.range as number[])), Math.max(...(sx.range as number[]))];
  const [y0, y1] = [Math.min(...(sy.range as number[])), Math.max(...(sy.range as number[]))];
  const o = placeLabel(at(rec), STAR_EXTENT, others, [x0, y0 - 20, x1 + 16, y1], LABEL_W, LABEL_H);
  const label = Plot.text([rec], { x, y, dx: dxOf(rec) + o.dx, dy: o.dy, textAnchor: o.textAnchor, text: () => 'recommended', fontWeight: 'bold', fill: theme.accent, stroke: 'white', strokeWidth: 3, paintOrder: 'stroke', className: 'recommended-label' });
  return Plot.plot({ ...all, marks: [...base, label] });
}

/** The options both trade-off charts share: size, margins, style, grid and the blend colour legend. */
export function tradeoffFrame(doc: ChartDocument, theme: ChartTheme, height: number): Plot.PlotOptions {
  return { document: doc, width: theme.width, height, marginLeft: 56, marginRight: 20, marginTop: 24, style: theme.style, grid: true, color: { legend: true, type: 'categorical', scheme: 'tableau10' } };
}
