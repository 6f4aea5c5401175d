import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
import type { SweepSummary } from '../../../shared/sweep/types';
import { colourBarChart } from '../../../shared/charts/colourBarChart';
import { colourBytes, colourDomain } from '../../../shared/charts/colourScale';
import { configIdOfTarget } from '../../../shared/charts/configIdOfTarget';
import { diceTimeChart } from '../../../shared/charts/diceTimeChart';
import { heatmapChart } from '../../../shared/charts/heatmapChart';
import { overlapTimeChart } from '../../../shared/charts/overlapTimeChart';
import { borderProfileCurves, profileChart } from '../../../shared/charts/profileChart';
import { PRINT_THEME, SCREEN_THEME } from '../../../shared/charts/theme';
import { timeModelChart } from '../../../shared/charts/timeModelChart';
import { sweepView } from '../../../shared/view/sweepView';

/** The explorer's fixture: 4 configurations (2 overlaps × 2 blends, patch 24³), 2 on the front, one time model. */
const summary = JSON.parse(readFileSync(new URL('../../fixtures/summary.json', import.meta.url), 'utf8')) as SweepSummary;
const doc = new JSDOM('').window.document;
const view = sweepView(summary);
const MAP = { shape: [4, 6, 8], data: Float64Array.from({ length: 192 }, (_, i) => i % 17), measure: 'crossEntropy', axisNames: ['z', 'y', 'x'] };
const count = (el: Element, selector: string) => el.querySelectorAll(selector).length;
const rgbOf = (fill: string | null) => (/rgb\((\d+), (\d+), (\d+)\)/.exec(fill ?? '') ?? []).slice(1).map(Number);

describe('trade-off charts', () => {
  it('dice-time: every configuration, the front as a step line and ringed, the recommendation starred and labelled (both themes)', () => {
    for (const theme of [SCREEN_THEME, PRINT_THEME]) {
      const el = diceTimeChart(doc, view, theme);
      // Screen: circles (clickable, titled); paper: one symbol per placement (all `stride` here: circles too, drawn as paths).
      const dots = el.querySelectorAll(theme.placementSymbols ? 'g.config-dot path' : 'g.config-dot circle');
      expect(dots, theme.name).toHaveLength(4);
      expect([...dots].map((d) => configIdOfTarget(d)).sort()).toEqual(summary.configs.map((c) => c.config.id).sort());
      expect(count(el, 'g.pareto-front path')).toBe(1);
      expect(count(el, 'g.pareto-ring circle')).toBe(2);
      expect(count(el, 'g.recommended-star path')).toBe(1);
      expect([...el.querySelectorAll('g.recommended-label text')].map((t) => t.textContent)).toEqual(['recommended']);
      // The chart's own SVG has the theme's width (the legend's swatches are small SVGs too).
      expect([...el.querySelectorAll('svg')].map((e) => e.getAttribute('width'))).toContain(String(theme.width));
    }
  });

  it('overlap-time: one line per series, every configuration, no star without a recommendation', () => {
    const none = sweepView({ ...summary, recommendation: null });
    const el = overlapTimeChart(doc, none, SCREEN_THEME);
    expect(count(el, 'g.series-line path')).toBe(2);
    expect(count(el, 'g.config-dot circle')).toBe(4);
    expect(count(el, '.recommended-star, .recommended-label')).toBe(0);
    const xTicks = [...el.querySelectorAll('g[aria-label="x-axis tick label"] text')].map((t) => t.textContent);
    expect(xTicks).toEqual(['0.0', '0.1', '0.2', '0.3', '0.4', '0.5']);
  });
});

describe('time model chart', () => {
  it('draws one dot per prediction and the identity line; nothing without predictions', () => {
    const el = timeModelChart(doc, view, PRINT_THEME)!;
    expect(count(el, 'g.prediction-dot circle')).toBe(summary.timeModels[0].predictions.length);
    expect(count(el, 'g.identity-line path')).toBe(1);
    expect(timeModelChart(doc, { predictions: [] }, SCREEN_THEME)).toBeNull();
  });
});

describe('heatmap and colour bar', () => {
  const slice = sweepView(summary, MAP).map!.slices[0];
  it('draws a small slice as one cell per position and the crop as a dashed rectangle', () => {
    const el = heatmapChart(doc, { plane: slice, domain: [0, 16], rowLabel: 'y', colLabel: 'x', crop: { rows: 1, cols: 2 } }, PRINT_THEME);
    expect(count(el, 'g.map-cells rect')).toBe(6 * 8);
    expect(count(el, 'g.map-crop rect')).toBe(1);
    expect(count(el, 'g.map-image')).toBe(0);
  });
  it('draws a slice above the theme’s vector limit as one image, with the colormap’s bytes', () => {
    const big = { rows: 40, cols: 40, values: Float64Array.from({ length: 1600 }, (_, i) => i) };
    expect(big.rows * big.cols).toBeGreaterThan(PRINT_THEME.vectorCellLimit);
    expect(big.rows * big.cols).toBeLessThanOrEqual(SCREEN_THEME.vectorCellLimit);
    let seen: [number, number, number][] = [];
    const image = (p: { values: ArrayLike<number> }, colour: (v: number) => [number, number, number]) => {
      seen = [colour(p.values[0]), colour(p.values[p.values.length - 1])];
      return 'data:image/png;base64,AAAA';
    };
    const print = heatmapChart(doc, { plane: big, domain: [0, 1599], rowLabel: 'y', colLabel: 'x' }, PRINT_THEME, { image });
    expect(count(print, 'g.map-image image')).toBe(1);
    expect(count(print, 'g.map-cells')).toBe(0);
    // viridis: dark purple at the low end, yellow at the high end.
    expect(seen).toEqual([colourBytes([0, 1599])(0), colourBytes([0, 1599])(1599)]);
    expect(seen[0][2]).toBeGreaterThan(seen[0][1]);
    expect(seen[1][0]).toBeGreaterThan(seen[1][2]);
    // The screen theme keeps 40 × 40 as vector cells.
    expect(count(heatmapChart(doc, { plane: big, domain: [0, 1599], rowLabel: 'y', colLabel: 'x' }, SCREEN_THEME, { image }), 'g.map-cells rect')).toBe(1600);
  });
  it('draws the colour bar in the theme’s steps and widens a flat domain', () => {
    expect(count(colourBarChart(doc, { domain: [0, 1], label: 'mean crossEntropy' }, SCREEN_THEME), 'g.colour-bins rect')).toBe(SCREEN_THEME.colourBarBins);
    const print = colourBarChart(doc, { domain: [2, 2], label: 'mean crossEntropy' }, PRINT_THEME);
    expect(count(print, 'g.colour-bins rect')).toBe(PRINT_THEME.colourBarBins);
    expect(print.textContent).toContain('mean crossEntropy');
    expect(colourDomain([2, 2])[1]).toBeGreaterThan(2);
  });
  it('draws a signed map diverging: cells and bar share reversed RdBu over [−m, m], the bar’s ticks read −m, 0, +m', () => {
    const signedPlane = { rows: 1, cols: 3, values: [-0.25, 0, 0.5] };
    const el = heatmapChart(doc, { plane: signedPlane, domain: [-0.25, 0.5], diverging: true, rowLabel: 'y', colLabel: 'x' }, SCREEN_THEME);
    const fills = [...el.querySelectorAll('g.map-cells rect')].map((r) => r.getAttribute('fill'));
    const rgb = (c: [number, number, number]) => `rgb(${c.join(', ')})`;
    const colour = colourBytes([-0.25, 0.5], true);
    expect(fills).toEqual([rgb(colour(-0.25)), rgb(colour(0)), rgb(colour(0.5))]);
    // 0 is the scheme's midpoint, +0.5 = m its red end.
    expect(fills.slice(1)).toEqual(['rgb(242, 239, 238)', 'rgb(103, 0, 31)']);
    const bar = colourBarChart(doc, { domain: [-0.25, 0.5], label: 'change', diverging: true }, SCREEN_THEME, 330);
    expect(bar.getAttribute('width')).toBe('330');
    expect([...bar.querySelectorAll('g[aria-label="x-axis tick label"] text')].map((t) => t.textContent)).toEqual(['−0.5', '0', '+0.5']);
    const bins = [...bar.querySelectorAll('g.colour-bins rect')].map((r) => r.getAttribute('fill'));
    expect(bins).toHaveLength(SCREEN_THEME.colourBarBins);
    // Bin centres sit half a bin inside the ends: the first is nearly the blue end, the last nearly the red end.
    expect(rgbOf(bins[0])[2]).toBeGreaterThan(rgbOf(bins[0])[0]);
    expect(rgbOf(bins[bins.length - 1])[0]).toBeGreaterThan(rgbOf(bins[bins.length - 1])[2]);
  });
  it('draws an all-zero diverging map and its bar in the neutral midpoint, the bar with the one tick 0', () => {
    const zero = heatmapChart(doc, { plane: { rows: 2, cols: 2, values: [0, 0, 0, 0] }, domain: [0, 0], diverging: true, rowLabel: 'y', colLabel: 'x' }, SCREEN_THEME);
    expect(new Set([...zero.querySelectorAll('g.map-cells rect')].map((r) => r.getAttribute('fill')))).toEqual(new Set(['rgb(242, 239, 238)']));
    const bar = colourBarChart(doc, { domain: [0, 0], label: 'change', diverging: true }, SCREEN_THEME);
    expect(new Set([...bar.querySelectorAll('g.colour-bins rect')].map((r) => r.getAttribute('fill')))).toEqual(new Set(['rgb(242, 239, 238)']));
    expect([...bar.querySelectorAll('g[aria-label="x-axis tick label"] text')].map((t) => t.textContent)).toEqual(['0']);
  });
  it('draws the heatmap, the colour bar and the profiles at a given width', () => {
    expect(heatmapChart(doc, { plane: slice, domain: [0, 16], rowLabel: 'y', colLabel: 'x' }, SCREEN_THEME, { width: 330 }).getAttribute('width')).toBe('330');
    const curves = borderProfileCurves(sweepView(summary, MAP).map!.borderProfile);
    const labels = { x: 'distance', y: 'mean' };
    expect(profileChart(doc, { curves, labels }, SCREEN_THEME, 330).querySelector('svg[viewBox]')?.getAttribute('width')).toBe('330');
    expect(profileChart(doc, { curves, labels }, SCREEN_THEME).querySelector('svg[viewBox]')?.getAttribute('width')).toBe(String(SCREEN_THEME.width));
  });
});

describe('profile chart', () => {
  it('draws the border profile per axis and to the nearest border, with margin rules and the mean line', () => {
    const profile = sweepView(summary, MAP).map!.borderProfile;
    const curves = borderProfileCurves(profile);
    expect(curves.map((c) => c.name)).toEqual(['along z', 'along y', 'along x', 'to the nearest border']);
    const el = profileChart(doc, { curves, labels: { x: 'distance to the patch border (voxels)', y: 'mean crossEntropy' }, rules: [{ x: 1, curve: 'along x' }], meanLine: 8 }, PRINT_THEME);
    expect(count(el, 'g.profile-line path')).toBe(4);
    expect(count(el, 'g.margin-rule line')).toBe(1);
    expect(count(el, 'g.mean-line line')).toBe(1);
  });
});
