import * as Plot from '@observablehq/plot';
import type { SweepSummary } from '../../shared/sweep/types';
import type { MapPlane } from './mapSlice';
import type { ProfileCurve } from './borderProfile';
import { diceText, seconds } from './format';

/**
 * Plot figures of the explorer. Every builder takes the `document` to draw with (the page's in
 * the app, jsdom's in tests) and returns Plot's element (an `<svg>`, or a `<figure>` when it has a
 * legend). Points that stand for a configuration carry a `<title>` whose first line is the
 * configuration id ({@link configIdOfTarget} reads it back on click).
 */

const STYLE = { background: 'transparent', fontSize: '11px' };

/** One configuration as a chart point. */
export interface ConfigPoint {
  id: string;
  timeS: number;
  dice: number;
  /** Mean overlap over the axes. */
  overlap: number;
  blend: string;
  /** Series of the overlap chart: blend and patch size. */
  series: string;
  front: boolean;
  recommended: boolean;
  title: string;
}

/** The configurations of a summary as chart points (every configuration, complete or not). */
export function configPoints(summary: SweepSummary): ConfigPoint[] {
  const rec = summary.recommendation?.configId ?? null;
  return summary.configs.map((c) => {
    const patch = c.config.patchSize.every((p) => p === c.config.patchSize[0]) ? String(c.config.patchSize[0]) : c.config.patchSize.join('x');
    return {
      id: c.config.id,
      timeS: c.timeMs / 1000,
      dice: c.dice,
      overlap: c.config.overlap.reduce((a, b) => a + b, 0) / c.config.overlap.length,
      blend: c.config.blend,
      series: `${c.config.blend} p${patch}${c.config.placement === 'stride' ? '' : ` ${c.config.placement}`}${c.config.mirror ? ' mirrored' : ''}`,
      front: c.onParetoFront,
      recommended: c.config.id === rec,
      title: `${c.config.id}\nDice ${diceText(c.dice)}, ${seconds(c.timeMs)} per case, ${c.windows} windows`,
    };
  });
}

/** The configuration id a click landed on (first line of the nearest `<title>`), or null. */
export function configIdOfTarget(target: EventTarget | null): string | null {
  const el = target as Element | null;
  if (!el || typeof el.closest !== 'function') return null;
  const mark = el.closest('circle, path, rect');
  const title = mark?.querySelector(':scope > title')?.textContent ?? null;
  return title ? title.split('\n')[0] : null;
}

/**
 * Ticks of a linear axis over [lo, hi]: about `count` values on a 1-2-5 step, and the number of
 * decimals that step needs, so that no two tick labels read the same (a Dice range of 0.004 has
 * ticks 0.0005 apart: three decimals would print "0.932" twice).
 * @throws RangeError when lo or hi is not finite or hi < lo
 */
export function linearTicks(lo: number, hi: number, count = 5): { values: number[]; decimals: number; format: (d: number) => string } {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) throw new RangeError(`linearTicks: need finite lo ≤ hi, got [${lo}, ${hi}]`);
  const span = hi > lo ? hi - lo : Math.abs(lo) * 1e-3 || 1e-3;
  const raw = span / Math.max(1, count);
  const power = Math.floor(Math.log10(raw));
  const base = 10 ** power;
  const step = [1, 2, 5, 10].map((m) => m * base).find((st) => st >= raw * 0.999) ?? 10 * base;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor((hi > lo ? hi : lo + span) / step + 1e-9);
  const values: number[] = [];
  for (let k = first; k <= last; k++) values.push(Number((k * step).toFixed(decimals + 2)));
  return { values, decimals, format: (d: number) => d.toFixed(decimals) };
}

/** Dice against time per case: configurations coloured by blend, the Pareto front as a step line, the recommendation ringed. */
export function diceTimePlot(doc: Document, summary: SweepSummary, width = 560): Element {
  const pts = configPoints(summary);
  const front = pts.filter((p) => p.front).sort((a, b) => a.timeS - b.timeS);
  const dices = pts.map((p) => p.dice);
  const lo = Math.min(...dices);
  const hi = Math.max(...dices);
  const pad = Math.max((hi - lo) * 0.15, 0.002);
  const domain: [number, number] = [Math.max(0, lo - pad), Math.min(1, hi + pad)];
  const ticks = linearTicks(domain[0], domain[1], 5);
  return Plot.plot({
    document: doc,
    width,
    height: 280,
    marginLeft: 56,
    style: STYLE,
    grid: true,
    x: { label: 'time per case (s) →', zero: true, nice: true },
    y: { label: '↑ mean Dice', domain, ticks: ticks.values, tickFormat: ticks.format },
    color: { legend: true, type: 'categorical', scheme: 'tableau10' },
    marks: [
      Plot.line(front, { x: 'timeS', y: 'dice', curve: 'step-after', stroke: 'currentColor', strokeDasharray: '5,3', strokeWidth: 1.2, className: 'pareto-front' }),
      Plot.dot(pts, { x: 'timeS', y: 'dice', r: 5, fill: 'blend', stroke: 'white', strokeWidth: 0.6, title: 'title', className: 'config-dot', style: 'cursor: pointer' } as Plot.DotOptions),
      Plot.dot(
        pts.filter((p) => p.recommended),
        { x: 'timeS', y: 'dice', r: 11, fill: 'none', stroke: '#d62728', strokeWidth: 2, className: 'recommended' },
      ),
    ],
  });
}

/** Time per case against overlap: one line per blend and patch size. */
export function overlapTimePlot(doc: Document, summary: SweepSummary, width = 560): Element {
  const pts = configPoints(summary).sort((a, b) => a.overlap - b.overlap);
  // Overlaps are fractions in [0, 1): a single overlap gets a 0.1-wide axis around it (the
  // default would print "0.000000"), and the ticks carry only the decimals their step needs.
  const overlaps = pts.map((p) => p.overlap);
  const oLo = overlaps.length ? Math.min(...overlaps) : 0;
  const oHi = overlaps.length ? Math.max(...overlaps) : 0.5;
  const xDomain: [number, number] = oHi - oLo < 0.05 ? [Math.max(0, oLo - 0.05), Math.max(0, oLo - 0.05) + 0.1] : [oLo, oHi];
  const xTicks = linearTicks(xDomain[0], xDomain[1], 5);
  return Plot.plot({
    document: doc,
    width,
    height: 260,
    marginLeft: 56,
    style: STYLE,
    grid: true,
    x: { label: 'overlap (mean over axes) →', domain: xDomain, ticks: xTicks.values, tickFormat: xTicks.format },
    y: { label: '↑ time per case (s)', zero: true, nice: true },
    color: { legend: true, type: 'categorical', scheme: 'tableau10' },
    marks: [
      Plot.line(pts, { x: 'overlap', y: 'timeS', z: 'series', stroke: 'series', strokeWidth: 1.4, className: 'series-line' }),
      Plot.dot(pts, { x: 'overlap', y: 'timeS', r: 4.5, fill: 'series', stroke: 'white', strokeWidth: 0.6, title: 'title', className: 'config-dot' } as Plot.DotOptions),
    ],
  });
}

/** One point of the time model chart. */
export interface PredictionPoint {
  id: string;
  predictedS: number;
  measuredS: number;
  kind: string;
  title: string;
}

/** Predicted against measured time: every time model prediction (per case), else the configurations' own predictions. */
export function predictionPoints(summary: SweepSummary): PredictionPoint[] {
  const rows = summary.timeModels.flatMap((m) =>
    m.predictions.map((p) => ({
      id: p.configId,
      predictedS: p.predictedMs / 1000,
      measuredS: p.measuredMs / 1000,
      kind: p.heldOut ? 'held out' : 'fitted on (calibration)',
      title: `${p.configId}\n${m.caseId}: predicted ${seconds(p.predictedMs)}, measured ${seconds(p.measuredMs)} (${p.errorPct >= 0 ? '+' : ''}${p.errorPct.toFixed(1)} %)`,
    })),
  );
  if (rows.length > 0) return rows;
  return summary.configs
    .filter((c) => c.predictedMs !== null)
    .map((c) => {
      const measured = c.timing.fastestMs ?? c.timeMs;
      return { id: c.config.id, predictedS: c.predictedMs! / 1000, measuredS: measured / 1000, kind: 'configuration', title: `${c.config.id}\npredicted ${seconds(c.predictedMs)}, measured ${seconds(measured)}` };
    });
}

/** Predicted against measured time with the y = x line (null when nothing was predicted). */
export function timeModelPlot(doc: Document, summary: SweepSummary, width = 560): Element | null {
  const rows = predictionPoints(summary);
  if (rows.length === 0) return null;
  const max = Math.max(...rows.map((r) => Math.max(r.predictedS, r.measuredS))) * 1.08;
  const kinds = [...new Set(rows.map((r) => r.kind))];
  return Plot.plot({
    document: doc,
    width,
    height: 260,
    marginLeft: 56,
    style: STYLE,
    grid: true,
    x: { label: 'predicted time per case (s) →', domain: [0, max], nice: true },
    y: { label: '↑ measured time (s), fastest run', domain: [0, max], nice: true },
    color: { legend: kinds.length > 1, domain: kinds, range: kinds.map((k) => (k === 'fitted on (calibration)' ? '#ff7f0e' : '#1f77b4')) },
    marks: [
      Plot.line([{ x: 0, y: 0 }, { x: max, y: max }], { x: 'x', y: 'y', stroke: '#888', strokeDasharray: '4,3', className: 'identity-line' }),
      Plot.dot(rows, { x: 'predictedS', y: 'measuredS', fill: 'kind', r: 4.5, stroke: 'white', strokeWidth: 0.6, title: 'title', className: 'prediction-dot' } as Plot.DotOptions),
    ],
  });
}

/** The colour domain: [min, max], widened a hair when the map is flat. */
export function colourDomain([lo, hi]: [number, number]): [number, number] {
  return hi > lo ? [lo, hi] : [lo, lo + (Math.abs(lo) || 1) * 1e-6];
}

/** Slices up to this many cells are drawn as SVG rectangles; larger ones as one canvas image when the page has a canvas. */
export const VECTOR_CELL_LIMIT = 64 * 64;

function planeImage(doc: Document, plane: MapPlane, domain: [number, number]): string | null {
  const canvas = doc.createElement('canvas');
  canvas.width = plane.cols;
  canvas.height = plane.rows;
  let ctx: CanvasRenderingContext2D | null = null;
  try {
    ctx = canvas.getContext('2d');
  } catch {
    ctx = null;
  }
  if (!ctx) return null;
  const scale = Plot.scale({ color: { type: 'linear', scheme: 'viridis', domain } });
  const img = ctx.createImageData(plane.cols, plane.rows);
  for (let i = 0; i < plane.values.length; i++) {
    const colour = String(scale.apply(plane.values[i]));
    const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(colour) ?? /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
    const rgb = m ? (m[0].startsWith('#') ? [1, 2, 3].map((k) => parseInt(m[k], 16)) : [1, 2, 3].map((k) => Number(m[k]))) : [0, 0, 0];
    img.data.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
  return canvas.toDataURL();
}

/** A plane of a map as a heatmap (viridis over `domain`), row 0 at the top. */
export function heatmapPlot(doc: Document, plane: MapPlane, domain: [number, number], options: { rowLabel: string; colLabel: string; width?: number }): Element {
  const width = options.width ?? 360;
  const [ml, mr, mt, mb] = [36, 8, 12, 32];
  const cell = Math.max(1, (width - ml - mr) / plane.cols);
  const innerH = Math.max(cell * plane.rows, plane.rows === 1 ? 24 : 0);
  const dom = colourDomain(domain);
  const marks: Plot.Markish[] = [];
  const src = plane.rows * plane.cols > VECTOR_CELL_LIMIT ? planeImage(doc, plane, dom) : null;
  if (src) {
    marks.push(Plot.image([{ x: plane.cols / 2, y: plane.rows / 2 }], { x: 'x', y: 'y', src: () => src, width: cell * plane.cols, height: innerH, preserveAspectRatio: 'none', imageRendering: 'pixelated', className: 'map-image' }));
  } else {
    const cells = Array.from(plane.values, (v, i) => ({ x1: i % plane.cols, x2: (i % plane.cols) + 1, y1: Math.floor(i / plane.cols), y2: Math.floor(i / plane.cols) + 1, v }));
    marks.push(Plot.rect(cells, { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: 'v', stroke: 'v', strokeWidth: 0.5, className: 'map-cells' }));
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
    style: STYLE,
    x: { domain: [0, plane.cols], label: `${options.colLabel} →`, ticks: Math.min(4, plane.cols), tickFormat: (d: number) => String(d) },
    y: plane.rows === 1 ? { axis: null, domain: [0, 1], reverse: true } : { domain: [0, plane.rows], reverse: true, label: `↓ ${options.rowLabel}`, ticks: Math.min(4, plane.rows), tickFormat: (d: number) => String(d) },
    color: { type: 'linear', scheme: 'viridis', domain: dom },
    marks,
  });
}

/** The colour bar of {@link heatmapPlot}: viridis over `domain` with ticks. */
export function colourBarPlot(doc: Document, domain: [number, number], measure: string, width = 360): Element {
  const dom = colourDomain(domain);
  const n = 64;
  const bins = Array.from({ length: n }, (_, i) => {
    const x1 = dom[0] + ((dom[1] - dom[0]) * i) / n;
    const x2 = dom[0] + ((dom[1] - dom[0]) * (i + 1)) / n;
    return { x1, x2, v: (x1 + x2) / 2 };
  });
  return Plot.plot({
    document: doc,
    width,
    height: 50,
    marginLeft: 14,
    marginRight: 14,
    marginTop: 4,
    marginBottom: 32,
    style: STYLE,
    x: { domain: dom, label: `mean ${measure} →`, ticks: 5 },
    y: { axis: null, domain: [0, 1] },
    color: { type: 'linear', scheme: 'viridis', domain: dom },
    marks: [Plot.rect(bins, { x1: 'x1', x2: 'x2', y1: 0, y2: 1, fill: 'v', stroke: 'v', strokeWidth: 0.5 }), Plot.frame({ stroke: '#333' })],
  });
}

/** Line chart of named profile curves. */
export function profilePlot(doc: Document, curves: { name: string; curve: ProfileCurve }[], labels: { x: string; y: string }, width = 360): Element {
  const rows = curves.flatMap(({ name, curve }) => curve.x.map((x, i) => ({ x, v: curve.mean[i], name })));
  const marker = Math.max(0, ...curves.map((c) => c.curve.x.length)) <= 32 ? 'circle-stroke' : 'none';
  return Plot.plot({
    document: doc,
    width,
    height: 220,
    marginLeft: 56,
    style: STYLE,
    grid: true,
    x: { label: `${labels.x} →`, zero: true },
    y: { label: `↑ ${labels.y}` },
    color: { legend: curves.length > 1, domain: curves.map((c) => c.name), scheme: 'tableau10' },
    marks: [Plot.line(rows, { x: 'x', y: 'v', z: 'name', stroke: 'name', strokeWidth: 1.6, marker, className: 'profile-line' })],
  });
}
