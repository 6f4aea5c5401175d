import * as Plot from '@observablehq/plot';
import { encodePng } from './encodePng';
import { esc, short } from './format';
import type { ReportMapSlice, ReportMarginRecommendation, ReportPerformanceMap } from './reportData';

/**
 * Slices up to this many positions (32 × 32) are drawn as vector rectangles: sharp at any zoom
 * in the PDF, ~100 bytes each. Larger slices become one PNG data URI with one pixel per
 * position, drawn with nearest-neighbour scaling (`image-rendering: pixelated`, which Chromium
 * keeps in the PDF: the cells stay crisp) — a 128 × 128 slice is then ~20 kB instead of 16 000
 * SVG elements (~1.6 MB).
 */
export const VECTOR_CELL_LIMIT = 32 * 32;

/** The colour domain: [min, max], widened a hair when the map is flat. */
export function colourDomain(map: Pick<ReportPerformanceMap, 'min' | 'max'>): [number, number] {
  return map.max > map.min ? [map.min, map.max] : [map.min, map.min + (Math.abs(map.min) || 1) * 1e-6];
}

function colourScale(domain: [number, number]) {
  return Plot.scale({ color: { type: 'linear', scheme: 'viridis', domain } });
}

/** `#rrggbb` or `rgb(r, g, b)` → bytes. */
function rgbBytes(colour: string): [number, number, number] {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (hex) return [parseInt(hex[1], 16), parseInt(hex[2], 16), parseInt(hex[3], 16)];
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(colour);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

/** A slice as a PNG data URI, one pixel per position, top row first. */
export function slicePng(slice: ReportMapSlice, domain: [number, number]): string {
  const scale = colourScale(domain);
  const rgb = new Uint8Array(slice.rows * slice.cols * 3);
  for (let i = 0; i < slice.values.length; i++) rgb.set(rgbBytes(String(scale.apply(slice.values[i]))), i * 3);
  return `data:image/png;base64,${Buffer.from(encodePng(slice.cols, slice.rows, rgb)).toString('base64')}`;
}

/** One slice as an SVG heatmap with axes and the recommended crop (dashed). */
function sliceSvg(doc: Document, map: ReportPerformanceMap, slice: ReportMapSlice, panelWidth: number, margin: ReportMarginRecommendation | null): string {
  const domain = colourDomain(map);
  const [ml, mr, mt, mb] = [34, 8, 18, 30];
  const cell = Math.max(1, (panelWidth - ml - mr) / slice.cols);
  const innerW = cell * slice.cols;
  const innerH = Math.max(cell * slice.rows, slice.rows === 1 ? 24 : 0);
  const rowName = slice.rowAxis === null ? '' : (map.axisNames[slice.rowAxis] ?? `axis ${slice.rowAxis}`);
  const colName = map.axisNames[slice.colAxis] ?? `axis ${slice.colAxis}`;
  const marks: Plot.Markish[] = [];
  if (slice.rows * slice.cols <= VECTOR_CELL_LIMIT) {
    const cells = slice.values.map((v, i) => ({ x1: i % slice.cols, x2: (i % slice.cols) + 1, y1: Math.floor(i / slice.cols), y2: Math.floor(i / slice.cols) + 1, v }));
    // Same-colour strokes close the hairline seams viewers draw between abutting rectangles.
    marks.push(Plot.rect(cells, { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: 'v', stroke: 'v', strokeWidth: 0.6 }));
  } else {
    marks.push(
      Plot.image([{ x: slice.cols / 2, y: slice.rows / 2 }], {
        x: 'x',
        y: 'y',
        src: () => slicePng(slice, domain),
        width: innerW,
        height: innerH,
        preserveAspectRatio: 'none',
        imageRendering: 'pixelated',
      }),
    );
  }
  // The crop `recommendMargin` keeps, when the margin belongs to this map.
  if (margin && margin.patchSize.length === map.shape.length && margin.patchSize.every((s, a) => s === map.shape[a])) {
    const mc = margin.margin[slice.colAxis] ?? 0;
    const mrow = slice.rowAxis === null ? 0 : (margin.margin[slice.rowAxis] ?? 0);
    if (mc > 0 || mrow > 0) {
      marks.push(Plot.rect([{ x1: mc, x2: slice.cols - mc, y1: mrow, y2: slice.rows - mrow }], { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: 'none', stroke: 'white', strokeWidth: 1.5, strokeDasharray: '4,3' }));
    }
  }
  marks.push(Plot.frame({ stroke: '#333' }));
  const svg = Plot.plot({
    document: doc,
    width: Math.round(innerW + ml + mr),
    height: Math.round(innerH + mt + mb),
    marginLeft: ml,
    marginRight: mr,
    marginTop: mt,
    marginBottom: mb,
    style: { background: 'white', color: '#222' },
    x: { domain: [0, slice.cols], label: `${colName} →`, ticks: Math.min(4, slice.cols), tickFormat: (d: number) => String(d), labelAnchor: 'right' },
    y: slice.rows === 1 ? { axis: null, domain: [0, 1], reverse: true } : { domain: [0, slice.rows], reverse: true, label: `↓ ${rowName}`, ticks: Math.min(4, slice.rows), tickFormat: (d: number) => String(d), labelAnchor: 'top' },
    color: { type: 'linear', scheme: 'viridis', domain },
    marks,
  });
  return svg.outerHTML;
}

/** The colour bar: the colormap over [min, max] with ticks in the measure's unit. */
export function colourBarSvg(doc: Document, map: ReportPerformanceMap, width = 420): string {
  const domain = colourDomain(map);
  const n = 96;
  const bins = Array.from({ length: n }, (_, i) => {
    const x1 = domain[0] + ((domain[1] - domain[0]) * i) / n;
    const x2 = domain[0] + ((domain[1] - domain[0]) * (i + 1)) / n;
    return { x1, x2, v: (x1 + x2) / 2 };
  });
  const svg = Plot.plot({
    document: doc,
    width,
    height: 52,
    marginLeft: 14,
    marginRight: 14,
    marginTop: 4,
    marginBottom: 34,
    style: { background: 'white', color: '#222' },
    x: { domain, label: `mean ${map.measure} at that position →`, ticks: 5, tickFormat: (d: number) => short(d) },
    y: { axis: null, domain: [0, 1] },
    color: { type: 'linear', scheme: 'viridis', domain },
    marks: [Plot.rect(bins, { x1: 'x1', x2: 'x2', y1: 0, y2: 1, fill: 'v', stroke: 'v', strokeWidth: 0.6 }), Plot.frame({ stroke: '#333' })],
  });
  return svg.outerHTML;
}

/**
 * The heatmap figure: the map's slices (three orthogonal slices through the patch centre for a
 * 3-D map, the map itself for 2-D) side by side on one shared colour scale, the colour bar with
 * the colormap's name, and the recommended crop outlined.
 */
export function heatmapFigure(doc: Document, map: ReportPerformanceMap, margin: ReportMarginRecommendation | null, pageWidth = 680): string {
  const n = map.slices.length;
  const panelWidth = n === 1 ? Math.min(pageWidth, 380) : Math.floor((pageWidth - (n - 1) * 12) / n);
  const panels = map.slices
    .map((s) => `<div class="panel" style="width:${panelWidth}px">${sliceSvg(doc, map, s, panelWidth, margin)}<div class="panel-label">${esc(s.label)}</div></div>`)
    .join('');
  const vector = map.slices.every((s) => s.rows * s.cols <= VECTOR_CELL_LIMIT);
  return `<figure class="heatmap" id="fig-heatmap">
<div class="panels">${panels}</div>
<div class="colourbar">${colourBarSvg(doc, map)}<div class="colourbar-label">Colormap: <b>viridis</b> — dark purple = low error, yellow = high error (${esc(short(map.min))} to ${esc(short(map.max))})</div></div>
<figcaption>Patch performance map: the mean ${esc(map.measure)} at every position inside the patch (${esc(map.shape.join(' × '))}), accumulated over ${map.count ? `${map.count.toLocaleString('en-US')} patches` : 'all patches'} (${esc(map.source)}). ${map.slices.length === 3 ? 'The three panels are orthogonal slices through the patch centre. ' : ''}${margin && margin.margin.some((m) => m > 0) ? 'The dashed rectangle is the crop the recommended margin keeps. ' : ''}${vector ? '' : `Slices with more than ${VECTOR_CELL_LIMIT} positions are drawn as images with one pixel per position. `}</figcaption>
</figure>`;
}
