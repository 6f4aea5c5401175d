// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import type { RunReevaluation } from '../../../../shared/api/contract';
import type { DiceReport } from '../../../../shared/engine/postprocess/dice';
import { colourBytes } from '../../../../shared/charts/colourScale';
import ReevaluatePanel from '../../../../src-renderer/annotation/reevaluate/ReevaluatePanel.svelte';

afterEach(cleanup);

const cube = (data: number[], source: string) => ({ shape: [2, 2, 2], data: Float32Array.from(data), measure: 'absoluteError', count: 27, source });

/** A foreground-mode run whose edits raised the error at two corners of the patch (exact binary fractions). */
const result: RunReevaluation = {
  runId: 'r3',
  dice: { mode: 'foreground', perClass: [{ label: -1, name: 'foreground', dice: 0.8125, predicted: 100, reference: 60 }], mean: 0.8125 },
  diceBefore: null,
  before: cube([0.5, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.5], 'run r3'),
  after: cube([0.75, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.625], 'run r3 against the edited reference'),
  difference: cube([0.25, 0, 0, 0, 0, 0, 0, 0.125], 'run r3: after − before'),
  marginBefore: [0, 0, 0],
  marginAfter: [0, 0, 0],
  errorCounts: { falsePositive: 2048, falseNegative: 3, wrongClass: 0 },
};
const before: DiceReport = { mode: 'foreground', perClass: [{ label: -1, name: 'foreground', dice: 0.875, predicted: 100, reference: 70 }], mean: 0.875 };
const props = { runId: 'r3', result, before, classes: null, loading: false, error: null, onreevaluate: () => {} };

describe('ReevaluatePanel', () => {
  it('shows Dice before and after, the error counts, the sentence and the three maps', () => {
    render(ReevaluatePanel, { props });
    const rows = within(screen.getByTestId('reevaluate-dice')).getAllByTestId('reevaluate-dice-row');
    expect(rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent))).toEqual([
      ['foreground', '0.8750', '0.8125', '−0.0625'],
      ['mean (foreground)', '0.8750', '0.8125', '−0.0625'],
    ]);
    expect(screen.getByTestId('reevaluate-error-falsePositive').textContent).toBe('2,048');
    expect(screen.getByTestId('reevaluate-error-falseNegative').textContent).toBe('3');
    // Foreground mode has no wrong-class voxels to count.
    expect(screen.queryByTestId('reevaluate-error-wrongClass')).toBeNull();
    expect(screen.getByTestId('reevaluate-recommendation').textContent).toBe('The recommended margin stays [0, 0, 0] voxels.');
    expect(screen.getByTestId('reevaluate-difference-summary').textContent).toBe(
      'Change from 0 to +0.25; mean absolute change 0.0469; 25.0 % of the 8 positions changed by more than 1e-6.',
    );
    const caption = (id: string) => within(screen.getByTestId(id)).getByTestId('patch-map-caption').textContent;
    expect(caption('reevaluate-map-before')).toContain('Mean absoluteError at each position of the 2 × 2 × 2 patch, over 27 patches (run r3); range 0.25 to 0.5.');
    expect(caption('reevaluate-map-after')).toContain('(run r3 against the edited reference); range 0.25 to 0.75.');
    expect(caption('reevaluate-map-difference')).toContain('Mean absoluteError change (after − before) at each position of the 2 × 2 × 2 patch');
    expect(caption('reevaluate-map-difference')).toContain('range 0 to 0.25.');
    // One heatmap cell per position of the central slice, in each of the three maps.
    for (const id of ['reevaluate-map-before', 'reevaluate-map-after', 'reevaluate-map-difference']) {
      expect(within(screen.getByTestId(id)).getByTestId('map-heatmap').querySelectorAll('g.map-cells rect')).toHaveLength(4);
    }
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('draws the difference diverging about zero, the before and after maps in viridis, all sized to the column', () => {
    render(ReevaluatePanel, { props });
    const inMap = (id: string) => within(screen.getByTestId(id));
    const barTicks = (id: string) => [...inMap(id).getByTestId('map-colourbar').querySelectorAll('g[aria-label="x-axis tick label"] text')].map((t) => t.textContent);
    // The difference runs from 0 to +0.25: its scale is −0.25 … +0.25 and unchanged positions take the neutral midpoint.
    expect(barTicks('reevaluate-map-difference')).toEqual(['−0.25', '0', '+0.25']);
    const fills = [...inMap('reevaluate-map-difference').getByTestId('map-heatmap').querySelectorAll('g.map-cells rect')].map((r) => r.getAttribute('fill'));
    // The central slice (plane 1) is [0, 0, 0, +0.125]: three neutral cells, one halfway to red.
    const half = colourBytes([0, 0.25], true)(0.125);
    expect(half[0]).toBeGreaterThan(half[2]);
    expect(fills).toEqual(['rgb(242, 239, 238)', 'rgb(242, 239, 238)', 'rgb(242, 239, 238)', `rgb(${half.join(', ')})`]);
    expect(inMap('reevaluate-map-difference').getByTestId('map-colour-key').textContent?.trim()).toBe('Colours symmetric about 0: blue below, near-white at 0, red above, out to ±0.25.');
    expect(inMap('reevaluate-map-before').queryByTestId('map-colour-key')).toBeNull();
    expect(barTicks('reevaluate-map-before')).not.toContain('−0.5');
    // The old note on where zero lies on viridis is gone; the numeric summary stays.
    expect(screen.queryByTestId('reevaluate-difference-scale')).toBeNull();
    expect(screen.getByTestId('reevaluate-difference-summary')).toBeTruthy();
    for (const id of ['reevaluate-map-before', 'reevaluate-map-after', 'reevaluate-map-difference']) {
      const widths = ['map-heatmap', 'map-colourbar', 'profile-face', 'profile-lines'].map((t) => inMap(id).getByTestId(t).querySelector('svg[viewBox]')?.getAttribute('width'));
      expect(widths, id).toEqual(['330', '330', '330', '330']);
    }
  });

  it('warns when the difference is rounding only, which the symmetric scale would stretch to its ends', () => {
    const tiny = { ...result, difference: cube([1e-8, 0, 0, 0, 0, 0, 0, -5e-9], 'run r3: after − before') };
    render(ReevaluatePanel, { props: { ...props, result: tiny } });
    expect(screen.getByTestId('reevaluate-difference-scale').textContent).toBe('Every change is within ±1e-6: the colours show rounding, not edits.');
  });

  it('asks for a re-evaluation, and is disabled while one runs or without a run', async () => {
    const onreevaluate = vi.fn();
    const { rerender } = render(ReevaluatePanel, { props: { ...props, result: null, onreevaluate } });
    const button = screen.getByTestId('reevaluate-run') as HTMLButtonElement;
    expect(button.textContent).toBe('Re-evaluate against edited labels');
    await fireEvent.click(button);
    expect(onreevaluate).toHaveBeenCalledTimes(1);
    expect(screen.queryByTestId('reevaluate-dice')).toBeNull();
    await rerender({ ...props, result: null, onreevaluate, loading: true });
    expect(button.disabled).toBe(true);
    expect(screen.getByRole('status').textContent).toBe('Re-evaluating run r3 from its cached predictions…');
    await rerender({ ...props, result: null, onreevaluate, runId: null });
    expect(button.disabled).toBe(true);
    expect(screen.getByTestId('reevaluate-message').textContent).toBe('Run the model on this image to re-evaluate its patch performance against your edits.');
    await fireEvent.click(button);
    expect(onreevaluate).toHaveBeenCalledTimes(1);
  });

  it('shows errors as alerts: the service\'s, and a result it cannot show', async () => {
    const { rerender } = render(ReevaluatePanel, { props: { ...props, result: null, error: 'reevaluateRun: run r3 has no prediction cache: it was computed in the page' } });
    expect(screen.getByRole('alert').textContent).toBe('reevaluateRun: run r3 has no prediction cache: it was computed in the page');
    await rerender({ ...props, result: { ...result, difference: { ...result.difference, data: new Float32Array(3) } } });
    expect(screen.getByRole('alert').textContent).toBe('This re-evaluation cannot be shown: differenceSummary: the difference map has 3 values but shape [2, 2, 2] needs 8');
    expect(screen.queryByTestId('reevaluate-dice')).toBeNull();
  });

  it('says when the Dice before is unknown and when the result is of another run', () => {
    render(ReevaluatePanel, { props: { ...props, before: null, runId: 'r4' } });
    expect(within(screen.getByTestId('reevaluate-dice')).getAllByTestId('reevaluate-dice-row')[0].textContent).toBe('foreground—0.8125—');
    expect(screen.getByTestId('reevaluate-no-before').textContent).toBe("The run's own Dice is not known, so there is nothing to compare with.");
    expect(screen.getByTestId('reevaluate-source').textContent?.trim()).toBe('Run r3 against the edited labels. It is not the selected run, r4: re-evaluate again for that one.');
  });
});
