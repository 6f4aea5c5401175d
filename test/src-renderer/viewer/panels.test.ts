// @vitest-environment jsdom
import { fireEvent, render } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { InspectResult } from '../../../shared/api/contract';
import InspectorPanel from '../../../src-renderer/viewer/InspectorPanel.svelte';
import OverlayRow from '../../../src-renderer/viewer/OverlayRow.svelte';
import VoxelReadout from '../../../src-renderer/viewer/VoxelReadout.svelte';
import { initialOverlayState } from '../../../src-renderer/viewer/model/overlays';

describe('OverlayRow', () => {
  it('reports visibility, opacity, colormap and threshold changes', async () => {
    const onchange = vi.fn();
    const overlay = initialOverlayState('tiledPerformance', [0, 2], true);
    const { getByTestId } = render(OverlayRow, { props: { overlay, onchange } });
    await fireEvent.click(getByTestId('overlay-visible-tiledPerformance'));
    expect(onchange).toHaveBeenLastCalledWith('tiledPerformance', { visible: false });
    const opacity = getByTestId('overlay-opacity-tiledPerformance') as HTMLInputElement;
    await fireEvent.input(opacity, { target: { value: '0.25' } });
    expect(onchange).toHaveBeenLastCalledWith('tiledPerformance', { opacity: 0.25 });
    await fireEvent.change(getByTestId('overlay-colormap-tiledPerformance'), { target: { value: 'viridis' } });
    expect(onchange).toHaveBeenLastCalledWith('tiledPerformance', { colormap: 'viridis' });
    const threshold = getByTestId('overlay-threshold-tiledPerformance') as HTMLInputElement;
    expect(threshold.max).toBe('2');
    await fireEvent.input(threshold, { target: { value: '1.5' } });
    expect(onchange).toHaveBeenLastCalledWith('tiledPerformance', { threshold: 1.5 });
    expect(getByTestId('colorbar-tiledPerformance-min').textContent).toBe('0');
    expect(getByTestId('colorbar-tiledPerformance-max').textContent).toBe('2');
    expect(getByTestId('overlay-threshold-value-tiledPerformance').textContent).toBe('none');
  });
});

describe('InspectorPanel', () => {
  const result: InspectResult = {
    voxel: [10, 20, 30], modelVoxel: [12, 22, 32], stitched: [0.2, 0.8], label: 1, reference: 0,
    windows: [
      { index: 3, start: [0, 0, 8], planStart: [0, 0, 8], positionInPatch: [10, 20, 22], probabilities: [0.1, 0.9], weight: 0.5, performance: 0.125 },
      { index: 4, start: [0, 0, 16], planStart: [0, 0, 16], positionInPatch: [10, 20, 14], probabilities: [0.3, 0.7], weight: 1, performance: null },
    ],
  };
  it('lists the windows and the stitched result', () => {
    const { getByTestId, getAllByTestId } = render(InspectorPanel, { props: { runId: 'r1', result } });
    const rows = getAllByTestId('inspector-row');
    expect(rows).toHaveLength(2);
    expect(Array.from(rows[0].querySelectorAll('td')).map((td) => td.textContent)).toEqual(['3', '[0, 0, 8]', '[10, 20, 22]', '0.1, 0.9', '0.5', '0.125']);
    expect(rows[1].querySelectorAll('td')[5].textContent).toBe('—');
    expect(getByTestId('inspector-label').textContent).toBe('1');
    expect(getByTestId('inspector-reference').textContent).toBe('0');
    expect(getByTestId('inspector-stitched').textContent).toContain('0.2, 0.8');
  });
  it('says so when no run is selected', () => {
    const { getByTestId } = render(InspectorPanel, { props: { runId: null, result } });
    expect(getByTestId('inspector-message').textContent).toMatch(/No run selected/);
  });
});

describe('VoxelReadout', () => {
  it('shows the sample under the cursor', () => {
    const { getByTestId } = render(VoxelReadout, { props: { sample: { voxel: [1, 2, 3], worldRas: [0, 0, 0], intensity: 42, reference: null, predicted: 2, probability: null, maps: {} } } });
    expect(getByTestId('readout-voxel').textContent).toBe('[1, 2, 3]');
    expect(getByTestId('readout-predicted').textContent).toBe('2');
  });
});
