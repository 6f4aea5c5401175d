import * as Plot from '@observablehq/plot';
import type { MapPlane } from '../view/mapSlice';
import type { ChartDocument, ChartElement } from './chartDom';
import { colourBytes, colourScaleOptions } from './colourScale';
import type { ChartTheme } from './theme';

/**
 * Draws a plane as an image with one pixel per position (top row first) and returns its URL
 * (a data URI), or null when it cannot (then the heatmap falls back to vector cells). The
 * explorer draws on a canvas, the report encodes a PNG.
 */
export type PlaneImage = (plane: { rows: number; cols: number; values: ArrayLike<number> }, colour: (v: number) => [number, number, number]) => string | null;

/** What a heatmap draws: one plane, the colour domain, the axis names, and optionally the crop a margin keeps. */
export interface HeatmapView {
  plane: Pick<MapPlane, 'rows' | 'cols'> & { values: ArrayLike<number> };
  /** The colour scale's domain (the whole map's [min, max], so every slice shares it). */
  domain: [number, number];
  /** Colour a signed map diverging (reversed RdBu over [−m, m], m = max |value|, zero at the neutral midpoint) instead of viridis over the domain. */
  diverging?: boolean;
  rowLabel: string;
  colLabel: string;
  /** Voxels the recommended margin discards along the rows and the columns: drawn as a dashed rectangle when > 0. */
  crop?: { rows: number; cols: number } | null;
}

/**
 * A plane of a map as a heatmap (the colour scale of {@link colourScaleOptions}: viridis over
 * `domain`, or diverging), row 0 at the top: vector
 * cells (`map-cells`) up to the theme's `vectorCellLimit` positions, else one image
 * (`map-image`) when `image` can draw one.
 */
export function heatmapChart(doc: ChartDocument, view: HeatmapView, theme: ChartTheme, options: { width?: number; image?: PlaneImage } = {}): ChartElement {
  const { plane } = view;
  const width = options.width ?? theme.heatmapWidth;
  const [ml, mr, mt, mb] = [36, 8, 16, 32];
  const cell = Math.max(1, (width - ml - mr) / plane.cols);
  const innerH = Math.max(cell * plane.rows, plane.rows === 1 ? 24 : 0);
  const diverging = view.diverging ?? false;
  const marks: Plot.Markish[] = [];
  const src = plane.rows * plane.cols > theme.vectorCellLimit && options.image ? options.image(plane, colourBytes(view.domain, diverging)) : null;
  if (src) {
    marks.push(Plot.image([{ x: plane.cols / 2, y: plane.rows / 2 }], { x: 'x', y: 'y', src: () => src, width: cell * plane.cols, height: innerH, preserveAspectRatio: 'none', imageRendering: 'pixelated', className: 'map-image' }));
  } else {
    const cells = Array.from(plane.values, (v, i) => ({ x1: i % plane.cols, x2: (i % plane.cols) + 1, y1: Math.floor(i / plane.cols), y2: Math.floor(i / plane.cols) + 1, v }));
    marks.push(Plot.rect(cells, { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: 'v', stroke: 'v', strokeWidth: theme.cellStroke, className: 'map-cells' }));
  }
  const crop = view.crop;
  if (crop && (crop.rows > 0 || crop.cols > 0)) {
    marks.push(Plot.rect([{ x1: crop.cols, x2: plane.cols - crop.cols, y1: crop.rows, y2: plane.rows - crop.rows }], { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: 'none', stroke: 'white', strokeWidth: 1.5, strokeDasharray: '4,3', className: 'map-crop' }));
  }
  marks.push(Plot.frame({ stroke: '#333' }));
  return Plot.plot({
    document: doc,
    width: Math.round(cell * plane.cols + ml + mr),
    height: Math.round(innerH + mt + mb),
    marginLeft: ml,
    marginRight: mr,
    marginTop: mt,
    marginBottom: mb,
    style: theme.style,
    x: { domain: [0, plane.cols], label: `${view.colLabel} →`, ticks: Math.min(4, plane.cols), tickFormat: (d: number) => String(d), labelAnchor: 'right' },
    y:
      plane.rows === 1
        ? { axis: null, domain: [0, 1], reverse: true }
        : { domain: [0, plane.rows], reverse: true, label: `↓ ${view.rowLabel}`, ticks: Math.min(4, plane.rows), tickFormat: (d: number) => String(d), labelAnchor: 'top' },
    color: colourScaleOptions(view.domain, diverging),
    marks,
  });
}
