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

  it('says so without a map and for a map it cannot show', () => {
    const { unmount } = render(PatchMapView, { map: null });
    expect(screen.getByTestId('patch-map-empty')).toBeTruthy();
    unmount();
    render(PatchMapView, { map: { shape: [2, 2, 2, 2], data: new Float32Array(16), measure: 'x', count: 0, source: 's' } });
    expect(screen.getByTestId('patch-map-error').textContent).toContain('[2, 2, 2, 2]');
  });
});
