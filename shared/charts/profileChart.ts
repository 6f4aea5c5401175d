import * as Plot from '@observablehq/plot';
import type { BorderProfile, ProfileCurve } from '../view/borderProfile';
import { sig } from '../format/number';
import type { ChartDocument, ChartElement } from './chartDom';
import { PALETTE, type ChartTheme } from './theme';

/** What a profile chart draws: named curves, and optionally dashed vertical rules and a dotted mean line. */
export interface ProfileChartView {
  curves: { name: string; curve: ProfileCurve; /** Drawn in the theme's ink (e.g. the nearest-border curve). */ emphasis?: boolean }[];
  labels: { x: string; y: string };
  /** Dashed vertical rules at `x` in the colour of the curve they belong to (e.g. the recommended margin per axis). */
  rules?: { x: number; curve: string }[];
  /** A dotted horizontal line (e.g. the mean over the whole patch). */
  meanLine?: number | null;
}

/**
 * A line chart of profile curves (`profile-line`), one colour per curve (the emphasised one in
 * ink), with markers while the curves are short; `width` px wide (the theme's by default).
 */
export function profileChart(doc: ChartDocument, view: ProfileChartView, theme: ChartTheme, width = theme.width): ChartElement {
  const rows = view.curves.flatMap(({ name, curve }) => curve.x.map((x, i) => ({ x, v: curve.mean[i], name })));
  const marker = Math.max(0, ...view.curves.map((c) => c.curve.x.length)) <= 32 ? 'circle-stroke' : 'none';
  let k = 0;
  const range = view.curves.map((c) => (c.emphasis ? theme.ink : PALETTE[k++ % PALETTE.length]));
  return Plot.plot({
    document: doc,
    width,
    height: theme.heights.profile,
    marginLeft: 62,
    marginTop: 24,
    style: theme.style,
    grid: true,
    x: { label: `${view.labels.x} →`, zero: true },
    y: { label: `↑ ${view.labels.y}`, tickFormat: (d: number) => sig(d, 3) },
    color: { legend: view.curves.length > 1, domain: view.curves.map((c) => c.name), range },
    marks: [
      ...(view.meanLine !== null && view.meanLine !== undefined ? [Plot.ruleY([view.meanLine], { stroke: '#999', strokeDasharray: '2,3', className: 'mean-line' })] : []),
      ...(view.rules?.length ? [Plot.ruleX(view.rules, { x: 'x', stroke: 'curve', strokeDasharray: '6,3', strokeOpacity: 0.8, className: 'margin-rule' })] : []),
      Plot.line(rows, { x: 'x', y: 'v', z: 'name', stroke: 'name', strokeWidth: 1.6, marker, className: 'profile-line' }),
    ],
  });
}

/** The curves of a border profile: one per axis ("along <name>") and the distance to the nearest border (emphasised). */
export function borderProfileCurves(profile: BorderProfile): ProfileChartView['curves'] {
  return [
    ...profile.perAxis.map((c) => ({ name: `along ${c.name}`, curve: { x: c.distance, mean: c.mean } })),
    { name: 'to the nearest border', curve: { x: profile.nearest.distance, mean: profile.nearest.mean }, emphasis: true },
  ];
}
