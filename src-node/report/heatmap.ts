import { colourBarChart } from '../../shared/charts/colourBarChart';
import { COLORMAP } from '../../shared/charts/colourScale';
import { heatmapChart, type PlaneImage } from '../../shared/charts/heatmapChart';
import { PRINT_THEME } from '../../shared/charts/theme';
import { short } from '../../shared/format/number';
import { encodePng } from './encodePng';
import { esc } from './html';
import type { ReportMapSlice, ReportMarginRecommendation, ReportPerformanceMap } from './reportTypes';

/**
 * Slices up to this many positions are drawn as vector rectangles (the print theme's limit,
 * shared/charts/theme.ts): sharp at any zoom in the PDF. Larger slices become one PNG data URI
 * with one pixel per position, drawn with nearest-neighbour scaling (`image-rendering:
 * pixelated`, which Chromium keeps in the PDF: the cells stay crisp).
 */
export const VECTOR_CELL_LIMIT = PRINT_THEME.vectorCellLimit;

/** A {@link PlaneImage} as a PNG data URI, one pixel per position, top row first. */
export const pngImage: PlaneImage = (plane, colour) => {
  const rgb = new Uint8Array(plane.rows * plane.cols * 3);
  for (let i = 0; i < plane.values.length; i++) rgb.set(colour(plane.values[i]), i * 3);
  return `data:image/png;base64,${Buffer.from(encodePng(plane.cols, plane.rows, rgb)).toString('base64')}`;
};

/** One slice as an SVG heatmap with axes and the recommended crop (dashed) when the margin belongs to this map. */
function sliceSvg(doc: Document, map: ReportPerformanceMap, slice: ReportMapSlice, panelWidth: number, margin: ReportMarginRecommendation | null): string {
  const rowName = slice.rowAxis === null ? '' : (map.axisNames[slice.rowAxis] ?? `axis ${slice.rowAxis}`);
  const colName = map.axisNames[slice.colAxis] ?? `axis ${slice.colAxis}`;
  const ours = margin && margin.patchSize.length === map.shape.length && margin.patchSize.every((s, a) => s === map.shape[a]);
  const crop = ours ? { cols: margin.margin[slice.colAxis] ?? 0, rows: slice.rowAxis === null ? 0 : (margin.margin[slice.rowAxis] ?? 0) } : null;
  return heatmapChart(doc, { plane: slice, domain: [map.min, map.max], rowLabel: rowName, colLabel: colName, crop }, PRINT_THEME, { width: panelWidth, image: pngImage }).outerHTML;
}

/** The colour bar: the colormap over [min, max] with ticks in the measure's unit. */
export function colourBarSvg(doc: Document, map: ReportPerformanceMap, width = PRINT_THEME.colourBarWidth): string {
  return colourBarChart(doc, { domain: [map.min, map.max], label: `mean ${map.measure} at that position` }, PRINT_THEME, width).outerHTML;
}

/**
 * The heatmap figure: the map's slices (three orthogonal slices through the patch centre for a
 * 3-D map, the map itself for 2-D) side by side on one shared colour scale, the colour bar with
 * the colormap's name, and the recommended crop outlined.
 */
export function heatmapFigure(doc: Document, map: ReportPerformanceMap, margin: ReportMarginRecommendation | null, pageWidth = PRINT_THEME.width): string {
  const n = map.slices.length;
  const panelWidth = n === 1 ? Math.min(pageWidth, PRINT_THEME.heatmapWidth) : Math.floor((pageWidth - (n - 1) * 12) / n);
  const panels = map.slices
    .map((s) => `<div class="panel" style="width:${panelWidth}px">${sliceSvg(doc, map, s, panelWidth, margin)}<div class="panel-label">${esc(s.label)}</div></div>`)
    .join('');
  const vector = map.slices.every((s) => s.rows * s.cols <= VECTOR_CELL_LIMIT);
  return `<figure class="heatmap" id="fig-heatmap">
<div class="panels">${panels}</div>
<div class="colourbar">${colourBarSvg(doc, map)}<div class="colourbar-label">Colormap: <b>${COLORMAP}</b> — dark purple = low error, yellow = high error (${esc(short(map.min))} to ${esc(short(map.max))})</div></div>
<figcaption>Patch performance map: the mean ${esc(map.measure)} at every position inside the patch (${esc(map.shape.join(' × '))}), accumulated over ${map.count ? `${map.count.toLocaleString('en-US')} patches` : 'all patches'} (${esc(map.source)}). ${map.slices.length === 3 ? 'The three panels are orthogonal slices through the patch centre. ' : ''}${margin && margin.margin.some((m) => m > 0) ? 'The dashed rectangle is the crop the recommended margin keeps. ' : ''}${vector ? '' : `Slices with more than ${VECTOR_CELL_LIMIT} positions are drawn as images with one pixel per position. `}</figcaption>
</figure>`;
}
