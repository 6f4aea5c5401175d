// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import PatchMapView from '../../../src-renderer/explorer/PatchMapView.svelte';
import { parseNpy } from '../../../shared/io/npy';
import type { PatchMapData } from '../../../shared/api/contract';

afterEach(cleanup);

/** The demo model's real training map (24³); vitest runs from the repository root (jsdom's import.meta.url is not a file URL). */
function trainingMap(): PatchMapData {
  const npy = parseNpy(readFileSync(resolve(process.cwd(), 'demo/model/training-patch-performance.npy')));
  return { shape: [...npy.shape], data: Float32Array.from(npy.data as ArrayLike<number>), measure: 'crossEntropy', count: 960, source: 'training' };
}

describe('PatchMapView', () => {
  it('draws a 2-D map as a heatmap with one cell per position, a colour bar and profiles', () => {
    const data = Float32Array.from({ length: 6 * 8 }, (_, i) => Math.floor(i / 8));
    render(PatchMapView, { map: { shape: [6, 8], data, measure: 'absoluteError', count: 12, source: 'run r1' } });
    expect(screen.getByTestId('map-heatmap').querySelectorAll('g.map-cells rect')).toHaveLength(48);
    expect(screen.queryByTestId('map-slice')).toBeNull();
    expect(screen.getByTestId('map-colourbar').querySelector('svg')).toBeTruthy();
    const profiles = screen.getByTestId('border-profile');
    // The border profile (the report's): along each of the 2 axes and to the nearest border (distances 0..2); central lines along 2 axes.
    expect(within(profiles).getByTestId('profile-face').querySelectorAll('g.profile-line path')).toHaveLength(3);
    expect(within(profiles).getByTestId('profile-lines').querySelectorAll('g.profile-line path')).toHaveLength(2);
    expect(screen.getByTestId('patch-map-caption').textContent).toContain('range 0 to 5');
  });

  it('slices a 3-D map, starting at the central slice', async () => {
    const map = trainingMap();
    expect(map.shape).toEqual([24, 24, 24]);
    render(PatchMapView, { map });
    // The central slice of 24 planes is plane 12 (centreIndex: n/2, where nnU-Net's gaussian peaks).
    expect(screen.getByTestId('map-slice-index').textContent).toBe('12');
    const cells = () => [...screen.getByTestId('map-heatmap').querySelectorAll('g.map-cells rect')].map((r) => r.getAttribute('fill'));
    expect(cells()).toHaveLength(24 * 24);
    const central = cells();
    await fireEvent.input(screen.getByTestId('map-slice'), { target: { value: '0' } });
    expect(screen.getByTestId('map-slice-index').textContent).toBe('0');
    // The border slice of a real map differs from the central one.
    expect(cells()).not.toEqual(central);
    expect(screen.getByTestId('profile-lines').querySelectorAll('g.profile-line path')).toHaveLength(3);
  });

  it('colours a signed map diverging when asked: colour bar from −m to +m, zero neutral, profiles as before', () => {
    // A difference map: −0.25 … +0.5, so m = 0.5.
    const data = Float32Array.from([-0.25, 0, 0, 0.5, 0, 0.125]);
    const map = { shape: [2, 3], data, measure: 'absoluteError change', count: 4, source: 'difference' };
    const ticks = () => [...screen.getByTestId('map-colourbar').querySelectorAll('g[aria-label="x-axis tick label"] text')].map((t) => t.textContent);
    const fills = () => [...screen.getByTestId('map-heatmap').querySelectorAll('g.map-cells rect')].map((r) => r.getAttribute('fill'));
    // Plot numbers its line markers per figure drawn: compare the profiles without those ids.
    const profiles = () => screen.getByTestId('border-profile').innerHTML.replace(/plot-marker-\d+/g, 'plot-marker');
    const { unmount } = render(PatchMapView, { map });
    // Without the prop: viridis over [min, max] with Plot's own ticks, and no colour key.
    expect(ticks()).toEqual(['-0.2', '0', '0.2', '0.4']);
    expect(screen.queryByTestId('map-colour-key')).toBeNull();
    const plainProfiles = profiles();
    unmount();
    render(PatchMapView, { map, diverging: true });
    expect(ticks()).toEqual(['−0.5', '0', '+0.5']);
    // Zero cells take RdBu's neutral midpoint, +m its red end.
    expect(fills()).toEqual([fills()[0], 'rgb(242, 239, 238)', 'rgb(242, 239, 238)', 'rgb(103, 0, 31)', 'rgb(242, 239, 238)', fills()[5]]);
    expect(screen.getByTestId('map-colour-key').textContent?.trim()).toBe('Colours symmetric about 0: blue below, near-white at 0, red above, out to ±0.5.');
    expect(screen.getByTestId('patch-map-caption').textContent).toContain('range -0.25 to 0.5.');
    expect(profiles()).toBe(plainProfiles);
  });

  it('draws an all-zero map diverging in the neutral colour and says so', () => {
    render(PatchMapView, { map: { shape: [2, 2], data: new Float32Array(4), measure: 'change', count: 1, source: 'difference' }, diverging: true });
    expect(new Set([...screen.getByTestId('map-heatmap').querySelectorAll('g.map-cells rect')].map((r) => r.getAttribute('fill')))).toEqual(new Set(['rgb(242, 239, 238)']));
    expect([...screen.getByTestId('map-colourbar').querySelectorAll('g[aria-label="x-axis tick label"] text')].map((t) => t.textContent)).toEqual(['0']);
    expect(screen.getByTestId('map-colour-key').textContent?.trim()).toBe("Every value is 0: drawn in the scale's neutral near-white throughout.");
  });

  it('draws every chart at the given width, the theme’s widths without one, and refuses a bad width', () => {
    const map = { shape: [4, 4], data: Float32Array.from({ length: 16 }, (_, i) => i), measure: 'absoluteError', count: 2, source: 'run r1' };
    const widths = () =>
      ['map-heatmap', 'map-colourbar', 'profile-face', 'profile-lines'].map((id) => screen.getByTestId(id).querySelector('svg[viewBox]')?.getAttribute('width'));
    const { unmount } = render(PatchMapView, { map });
    expect(widths()).toEqual(['360', '360', '560', '560']);
    unmount();
    const second = render(PatchMapView, { map, width: 330 });
    expect(widths()).toEqual(['330', '330', '330', '330']);
    second.unmount();
    render(PatchMapView, { map, width: 0 });
    expect(screen.getByTestId('patch-map-error').textContent).toBe('This map cannot be shown: the chart width must be a positive number of px, got 0.');
  });

  it('says so without a map and for a map it cannot show', () => {
    const { unmount } = render(PatchMapView, { map: null });
    expect(screen.getByTestId('patch-map-empty')).toBeTruthy();
    unmount();
    render(PatchMapView, { map: { shape: [2, 2, 2, 2], data: new Float32Array(16), measure: 'x', count: 0, source: 's' } });
    expect(screen.getByTestId('patch-map-error').textContent).toContain('[2, 2, 2, 2]');
  });
});
