import * as Plot from '@observablehq/plot';
import { configLabel, meanOverlap, sig } from './format';
import { placeLabel } from './labelPlacement';
import type { ReportBorderProfile, ReportConfig, ReportData, ReportMarginRecommendation, ReportTimePrediction } from './reportData';

/** Chart width in CSS pixels: an A4 page less 2 × 14 mm margins is ~690 px. */
export const CHART_WIDTH = 680;

const STYLE = { background: 'white', color: '#222', fontSize: '11px' };

/** One configuration as a chart point. */
interface Point {
  id: string;
  label: string;
  overlap: number;
  timeS: number;
  dice: number;
  blend: string;
  placement: string;
  front: boolean;
  recommended: boolean;
}

function points(data: ReportData): Point[] {
  return data.configs.map((c: ReportConfig) => ({
    id: c.id,
    label: configLabel(c),
    overlap: meanOverlap(c),
    timeS: c.time.medianMs / 1000,
    dice: c.dice.mean,
    blend: c.blend,
    placement: `${c.placement}${c.mirror ? ' + mirrored' : ''}`,
    front: c.onParetoFront,
    recommended: data.recommendation?.configId === c.id,
  }));
}

/** Filled symbols only (Plot's stroke symbols vanish with a fill). */
const SYMBOLS = ['circle', 'square', 'diamond', 'triangle', 'cross', 'wye'];

/** The sideways nudge of each blend × placement group (px), so points that share an x do not hide each other. */
function groupDx(pts: Point[], dodge: boolean): (p: Point) => number {
  const groupOf = (p: Point) => `${p.blend} ${p.placement}`;
  const groups = [...new Set(pts.map(groupOf))].sort();
  return (p) => (dodge ? (groups.indexOf(groupOf(p)) - (groups.length - 1) / 2) * 6 : 0);
}

/**
 * Shared marks of the two trade-off charts: configurations by blend (colour) and placement
 * (shape), the Pareto front ringed, the recommendation starred. With `dodge`, each blend × placement
 * group is nudged sideways by a few pixels so points that share an overlap do not hide each other.
 */
function tradeoffMarks(pts: Point[], x: keyof Point, y: keyof Point, dodge: boolean): Plot.Markish[] {
  const dxOf = groupDx(pts, dodge);
  const marks: Plot.Markish[] = [];
  for (const dx of [...new Set(pts.map(dxOf))]) {
    const mine = pts.filter((p) => dxOf(p) === dx);
    marks.push(Plot.dot(mine.filter((p) => p.front), { x, y, dx, r: 8, stroke: '#111', strokeWidth: 1.3, fill: 'none', className: 'pareto-ring' }));
    marks.push(Plot.dot(mine, { x, y, dx, r: 4.5, fill: 'blend', symbol: 'placement', stroke: 'white', strokeWidth: 0.6 }));
    marks.push(Plot.dot(mine.filter((p) => p.recommended), { x, y, dx, r: STAR_R, symbol: 'star', fill: 'none', stroke: '#d62728', strokeWidth: 2, className: 'recommended-star' }));
  }
  return marks;
}

/** The star's radius (Plot's `r`; its points reach 1.67·r from the centre, {@link STAR_EXTENT}) and the label's estimated size (11 px bold "recommended"), px. */
const STAR_R = 13;
export const STAR_EXTENT = Math.ceil(STAR_R * 1.673);
export const LABEL_W = 84;
export const LABEL_H = 14;

/**
 * Draws a trade-off chart with the "recommended" label beside its star: the chart is drawn once
 * to learn its scales, the label placed where it covers no other marker and stays inside the plot
 * ({@link placeLabel}), then drawn again with the label as the last mark (above every marker).
 */
function plotWithLabel(options: Plot.PlotOptions, pts: Point[], x: keyof Point, y: keyof Point, dodge: boolean): ReturnType<typeof Plot.plot> {
  const base = [...((options.marks ?? []) as Plot.Markish[]), ...tradeoffMarks(pts, x, y, dodge)];
  const first = Plot.plot({ ...options, marks: base });
  const rec = pts.find((p) => p.recommended);
  const sx = first.scale('x');
  const sy = first.scale('y');
  if (!rec || !sx?.apply || !sy?.apply) return first;
  const dxOf = groupDx(pts, dodge);
  const at = (p: Point) => ({ x: sx.apply!(p[x]) + dxOf(p), y: sy.apply!(p[y]) });
  const others = pts.filter((p) => p !== rec).map((p) => ({ ...at(p), r: p.front ? 9 : 6 }));
  const [x0, x1] = [Math.min(...(sx.range as number[])), Math.max(...(sx.range as number[]))];
  const [y0, y1] = [Math.min(...(sy.range as number[])), Math.max(...(sy.range as number[]))];
  const o = placeLabel(at(rec), STAR_EXTENT, others, [x0, y0 - 20, x1 + 16, y1], LABEL_W, LABEL_H);
  const label = Plot.text([rec], { x, y, dx: dxOf(rec) + o.dx, dy: o.dy, textAnchor: o.textAnchor, text: () => 'recommended', fontWeight: 'bold', fill: '#d62728', stroke: 'white', strokeWidth: 3, paintOrder: 'stroke', className: 'recommended-label' });
  return Plot.plot({ ...options, marks: [...base, label] });
}

const legendNote = (n: number, recommended: boolean) =>
  `Colour: blending; shape: placement. Black rings: the ${n} configuration${n === 1 ? '' : 's'} on the Pareto front (no other configuration is both at least as fast and at least as accurate).${recommended ? ' Red star: the recommendation.' : ' No configuration is recommended.'}`;

/** Overlap (mean over axes) against time per case. */
export function overlapTimeChart(doc: Document, data: ReportData): { svg: string; caption: string } {
  const pts = points(data).filter((p) => Number.isFinite(p.overlap));
  const svg = plotWithLabel({
    document: doc,
    width: CHART_WIDTH,
    height: 270,
    marginLeft: 56,
    marginRight: 20,
    marginTop: 24,
    style: STYLE,
    grid: true,
    x: { label: 'overlap (fraction of the patch, mean over axes) →', domain: [Math.min(0, ...pts.map((p) => p.overlap)), Math.max(0.5, ...pts.map((p) => p.overlap)) + 0.05], nice: true },
    y: { label: '↑ time per case (s)', zero: true, nice: true },
    color: { legend: true, type: 'categorical', scheme: 'tableau10' },
    symbol: { legend: true, range: SYMBOLS },
  }, pts, 'overlap', 'timeS', true);
  return { svg: svg.outerHTML, caption: `Overlap against inference time per case (median of repeated runs). ${legendNote(pts.filter((p) => p.front).length, pts.some((p) => p.recommended))}` };
}

/** Dice against time per case with the Pareto front drawn as a step line. */
export function diceTimeChart(doc: Document, data: ReportData): { svg: string; caption: string } {
  const pts = points(data);
  const front = pts.filter((p) => p.front).sort((a, b) => a.timeS - b.timeS);
  const dices = pts.map((p) => p.dice);
  const lo = Math.min(...dices);
  const hi = Math.max(...dices);
  const pad = Math.max((hi - lo) * 0.15, 0.002);
  const svg = plotWithLabel({
    document: doc,
    width: CHART_WIDTH,
    height: 290,
    marginLeft: 56,
    marginRight: 20,
    marginTop: 24,
    style: STYLE,
    grid: true,
    x: { label: 'time per case (s) →', zero: true, nice: true },
    y: { label: '↑ mean Dice', domain: [lo - pad, Math.min(1, hi + pad)], nice: true, tickFormat: (d: number) => d.toFixed(3) },
    color: { legend: true, type: 'categorical', scheme: 'tableau10' },
    symbol: { legend: true, range: SYMBOLS },
    marks: [Plot.line(front, { x: 'timeS', y: 'dice', curve: 'step-after', stroke: '#111', strokeDasharray: '5,3', strokeWidth: 1.2, className: 'pareto-front' })],
  }, pts, 'timeS', 'dice', false);
  return { svg: svg.outerHTML, caption: `Mean Dice against inference time per case. The dashed step line is the Pareto front: moving right along it buys Dice with time. ${legendNote(front.length, pts.some((p) => p.recommended))}` };
}

/** The time model's predictions against the measured times (per case when the sweep gives them, else per configuration). */
export function predictionChart(doc: Document, data: ReportData): { svg: string; caption: string } | null {
  let rows: { predicted: number; measured: number; kind: string; id: string }[];
  let perCase = false;
  let fastest = true;
  if (data.timePredictions.length) {
    perCase = true;
    rows = data.timePredictions.map((t: ReportTimePrediction) => ({ predicted: t.predictedMs / 1000, measured: t.measuredMs / 1000, kind: t.heldOut ? 'held out (predicted)' : 'fitted on (calibration)', id: t.configId }));
  } else {
    rows = data.configs
      .filter((c) => c.predictedMs !== null)
      .map((c) => ({ predicted: c.predictedMs! / 1000, measured: (c.time.fastestMs ?? c.time.medianMs) / 1000, kind: 'configuration', id: c.id }));
    fastest = data.configs.some((c) => c.predictedMs !== null && c.time.fastestMs !== null);
  }
  if (rows.length === 0) return null;
  const max = Math.max(...rows.map((r) => Math.max(r.predicted, r.measured))) * 1.08;
  const kinds = [...new Set(rows.map((r) => r.kind))];
  const errors = rows.filter((r) => r.kind !== 'fitted on (calibration)').map((r) => Math.abs((r.predicted - r.measured) / r.measured) * 100);
  const svg = Plot.plot({
    document: doc,
    width: CHART_WIDTH,
    height: 250,
    marginLeft: 56,
    marginTop: 24,
    style: STYLE,
    grid: true,
    x: { label: 'predicted time per case (s) →', domain: [0, max], nice: true },
    y: { label: `↑ measured time per case (s)${fastest ? ', fastest run' : ''}`, domain: [0, max], nice: true },
    color: { legend: kinds.length > 1, domain: kinds, range: kinds.map((k) => (k === 'fitted on (calibration)' ? '#ff7f0e' : '#1f77b4')) },
    marks: [
      Plot.line([{ x: 0, y: 0 }, { x: max, y: max }], { x: 'x', y: 'y', stroke: '#888', strokeDasharray: '4,3' }),
      Plot.dot(rows, { x: 'predicted', y: 'measured', fill: 'kind', r: 4, stroke: 'white', strokeWidth: 0.6 }),
    ],
  });
  const meanErr = errors.length ? errors.reduce((a, b) => a + b, 0) / errors.length : null;
  const maxErr = errors.length ? Math.max(...errors) : null;
  return {
    svg: svg.outerHTML,
    caption: `Predicted against measured time ${perCase ? 'per case and configuration' : 'per configuration'}${fastest ? ' (measured: the fastest of the repeated runs, the least disturbed measurement, which the time model predicts)' : ''}; the dashed line is a perfect prediction.${meanErr !== null ? ` Mean absolute error ${meanErr.toFixed(1)} %, largest ${maxErr!.toFixed(1)} %${perCase ? ' (held-out runs)' : ''}.` : ''}`,
  };
}

/** Mean error against the distance to the patch border, per axis and to the nearest border. */
export function borderProfileChart(doc: Document, profile: ReportBorderProfile, margin: ReportMarginRecommendation | null, overallMean: number | null): { svg: string; caption: string } {
  const rows = [
    ...profile.perAxis.flatMap((c) => c.distance.map((d, i) => ({ d, v: c.mean[i], curve: `along ${c.name}` }))),
    ...profile.nearest.distance.map((d, i) => ({ d, v: profile.nearest.mean[i], curve: 'to the nearest border' })),
  ];
  const curves = [...profile.perAxis.map((c) => `along ${c.name}`), 'to the nearest border'];
  const rules =
    margin && margin.margin.length === profile.perAxis.length
      ? profile.perAxis.map((c, a) => ({ d: margin.margin[a], curve: `along ${c.name}` })).filter((r) => r.d > 0)
      : [];
  const svg = Plot.plot({
    document: doc,
    width: CHART_WIDTH,
    height: 280,
    marginLeft: 62,
    marginTop: 24,
    style: STYLE,
    grid: true,
    x: { label: 'distance to the patch border (voxels) →', zero: true },
    y: { label: `↑ mean ${profile.measure}`, tickFormat: (d: number) => sig(d, 3) },
    color: { legend: true, domain: curves, range: ['#1f77b4', '#2ca02c', '#9467bd', '#8c564b', '#111'].slice(0, curves.length - 1).concat('#111') },
    marks: [
      ...(overallMean !== null ? [Plot.ruleY([overallMean], { stroke: '#999', strokeDasharray: '2,3' })] : []),
      Plot.ruleX(rules, { x: 'd', stroke: 'curve', strokeDasharray: '6,3', strokeOpacity: 0.8 }),
      Plot.line(rows, { x: 'd', y: 'v', stroke: 'curve', strokeWidth: 1.6, marker: Math.max(...profile.perAxis.map((c) => c.distance.length)) <= 24 ? 'circle-stroke' : 'none' }),
    ],
  });
  const marginText = margin
    ? ` Dashed vertical lines: the recommended margin per axis (${margin.margin.join(', ')} voxels), the border the recommended crop discards.`
    : '';
  return {
    svg: svg.outerHTML,
    caption: `Border profile: the mean ${profile.measure} of every position at a given distance to the patch border (0 = on the border), along each axis and to the nearest border over all axes.${overallMean !== null ? ' The dotted horizontal line is the mean over the whole patch.' : ''}${marginText} A curve that falls away from the border is the border effect that overlap removes.`,
  };
}
