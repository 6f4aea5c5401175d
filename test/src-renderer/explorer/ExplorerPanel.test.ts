// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import ExplorerPanel from '../../../src-renderer/explorer/ExplorerPanel.svelte';
import type { PatchMapData, RunSettings, SweepRecord } from '../../../shared/api/contract';
import type { SweepSummary } from '../../../shared/sweep/types';
import { parseNpy } from '../../../shared/io/npy';
import { demoImage, demoModel, fakeApi, makeSession } from '../fakeApi';

afterEach(cleanup);

// vitest runs from the repository root (jsdom's import.meta.url is not a file URL).
/** A real summary: demo model on the mirrored demo case, p24, overlaps 0 and 0.5, constant + gaussian, 1 repeat. */
const summary = JSON.parse(readFileSync(resolve(process.cwd(), 'test/fixtures/summary.json'), 'utf8')) as SweepSummary;
const npy = parseNpy(readFileSync(resolve(process.cwd(), 'demo/model/training-patch-performance.npy')));
const training: PatchMapData = { shape: [...npy.shape], data: Float32Array.from(npy.data as ArrayLike<number>), measure: 'crossEntropy', count: 960, source: 'training' };
const calibration: PatchMapData = { shape: [24, 24, 24], data: Float32Array.from({ length: 24 ** 3 }, (_, i) => (i % 24) / 24), measure: 'absoluteError', count: 441, source: 'sweep s1 calibration' };
const sweep: SweepRecord = { id: 's1', createdAt: '2025-01-01T00:00:00.000Z', configs: 4, cases: 1, complete: true, dir: '/p/sweeps/s1' };

function setup(linkFor?: (u: string) => string) {
  const shown: RunSettings[] = [];
  const session = makeSession({ image: demoImage, label: { ...demoImage, name: 'brain.nii.gz' }, model: demoModel, sweeps: [sweep] });
  const api = fakeApi({
    'sweep:summary': ({ sweepId }) => {
      if (sweepId !== 's1') throw new Error(`unknown sweep ${sweepId}`);
      return summary;
    },
    'sweep:map': () => calibration,
    'model:trainingMap': () => training,
    'sweep:start': () => ({ jobId: 'j9' }),
    'sweep:plan': ({ cases }) => ({ which: cases, model: demoModel, cases: [{ id: 'brain', image: 'ch2-2mm_t1.nii.gz', label: 'brain.nii.gz' }], grid: [91, 109, 91] }),
    'sweep:openCase': () => session,
    'report:export': () => ({ html: '/p/reports/s1.html', pdf: '/p/reports/s1.pdf', json: '/p/reports/s1.json', files: ['/p/reports/s1.html', '/p/reports/s1.pdf', '/p/reports/s1.json'], pdfUrl: '/files/s1.pdf', dicomPdf: null }),
  });
  const result = render(ExplorerPanel, { api, session, onShowConfig: (s: RunSettings) => shown.push(s), linkFor });
  return { api, shown, session, ...result };
}

const configIds = summary.configs.map((c) => c.config.id);
const titlesOf = (els: Iterable<Element>) => [...els].map((el) => el.querySelector('title')?.textContent?.split('\n')[0]);

describe('ExplorerPanel', () => {
  it('draws the charts of a real sweep summary', async () => {
    setup();
    await waitFor(() => expect(screen.getByTestId('chart-dice-time').querySelector('svg')).toBeTruthy());
    const diceTime = screen.getByTestId('chart-dice-time');
    const dots = diceTime.querySelectorAll('g.config-dot circle');
    expect(dots).toHaveLength(summary.configs.length);
    expect(titlesOf(dots).sort()).toEqual([...configIds].sort());
    // The Pareto front: one line through the front's configurations.
    expect(diceTime.querySelectorAll('g.pareto-front path')).toHaveLength(1);
    expect(summary.pareto.length).toBeGreaterThanOrEqual(2);
    // The recommendation: a star (the report's mark too, shared/charts) with its label.
    expect(diceTime.querySelectorAll('g.recommended-star path')).toHaveLength(1);
    expect(diceTime.querySelectorAll('g.recommended-label text')).toHaveLength(1);
    expect(diceTime.querySelectorAll('g.pareto-ring circle')).toHaveLength(summary.pareto.length);

    const overlap = screen.getByTestId('chart-overlap-time');
    expect(overlap.querySelectorAll('g.config-dot circle')).toHaveLength(summary.configs.length);
    const series = new Set(summary.configs.map((c) => c.config.blend));
    expect(overlap.querySelectorAll('g.series-line path')).toHaveLength(series.size);

    const model = screen.getByTestId('chart-time-model');
    expect(model.querySelectorAll('g.prediction-dot circle')).toHaveLength(summary.timeModels.flatMap((m) => m.predictions).length);
    expect(model.querySelectorAll('g.identity-line path')).toHaveLength(1);
  });

  it('shows the recommendation and the configurations', async () => {
    setup();
    const rec = summary.recommendation!;
    await waitFor(() => expect(screen.getByTestId('recommendation-config').textContent).toBe(rec.configId));
    expect(screen.getByTestId('recommendation-dice').textContent).toBe(rec.dice.toFixed(4));
    expect(screen.getByTestId('recommendation-reason').textContent).toBe(rec.reason);
    expect(screen.getByTestId('recommendation-saving').textContent).toContain(rec.vsMostExpensive!.configId);
    // An old summary (no verdicts): 7.71 s against 7.96 s from one run each is 3 %, within the noise: no "saves".
    expect(screen.getByTestId('recommendation-saving').textContent).toContain('within noise (7.71–7.71 s vs 7.96–7.96 s): no saving is claimed');
    expect(screen.getByTestId('recommendation-saving').textContent).not.toMatch(/saves/i);
    const rows = screen.getAllByTestId('config-row');
    expect(rows.map((r) => r.dataset.configId).sort()).toEqual([...configIds].sort());
    const pareto = rows.filter((r) => within(r).getByTestId('config-pareto').textContent === '★').map((r) => r.dataset.configId);
    expect(pareto.sort()).toEqual([...summary.pareto].sort());
  });

  it('shows a configuration when its row or its point is clicked', async () => {
    const { shown } = setup();
    await waitFor(() => expect(screen.getAllByTestId('config-row')).toHaveLength(summary.configs.length));
    await fireEvent.click(screen.getAllByTestId('config-row').find((r) => r.dataset.configId === 'p24-o0-stride-constant-tta0')!);
    await waitFor(() => expect(shown).toHaveLength(1));
    expect(shown).toEqual([{ patchSize: [24, 24, 24], overlap: 0, placement: 'stride', blend: 'constant', measure: 'absoluteError' }]);
    const dot = [...screen.getByTestId('chart-dice-time').querySelectorAll('g.config-dot circle')].find((c) => titlesOf([c])[0] === 'p24-o0.5-stride-gaussian-tta0')!;
    await fireEvent.click(dot);
    await waitFor(() => expect(shown).toHaveLength(2));
    expect(shown[1]).toEqual({ patchSize: [24, 24, 24], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' });
  });

  it('loads the calibration map first and the training map on request', async () => {
    const { api } = setup();
    // Until the summary arrives the training map is the only source; then the sweep's calibration map is the default.
    await waitFor(() => expect(screen.getByTestId('patch-map-caption').textContent).toContain('(sweep s1 calibration)'));
    expect(screen.getByTestId('map-heatmap').querySelectorAll('g.map-cells rect')).toHaveLength(24 * 24);
    const calibrationId = summary.margins[0].calibrationId;
    expect(api.calls.filter((c) => c.channel === 'sweep:map')).toEqual([{ channel: 'sweep:map', args: { sweepId: 's1', calibrationId } }]);
    await fireEvent.change(screen.getByTestId('map-source'), { target: { value: 'training' } });
    await waitFor(() => expect(screen.getByTestId('patch-map-caption').textContent).toContain('(training)'));
    expect(api.calls.some((c) => c.channel === 'model:trainingMap')).toBe(true);
    // The border profile (3 axes + the nearest border, as in the report) and the 3 central lines.
    expect(screen.getByTestId('border-profile').querySelectorAll('g.profile-line path').length).toBe(3 + 1 + 3);
  });

  it('starts a sweep with the form values', async () => {
    const { api } = setup();
    await fireEvent.input(screen.getByTestId('sweep-overlaps'), { target: { value: '0, 0.5' } });
    await fireEvent.click(screen.getByTestId('sweep-blend-performance-weighted'));
    await fireEvent.input(screen.getByTestId('sweep-repeats'), { target: { value: '1' } });
    await fireEvent.change(screen.getByTestId('sweep-cases'), { target: { value: 'demo' } });
    await fireEvent.click(screen.getByTestId('run-sweep'));
    await waitFor(() => expect(screen.getByTestId('sweep-queued').textContent).toContain('j9'));
    expect(api.calls.find((c) => c.channel === 'sweep:start')!.args).toEqual({
      request: { patchSizes: [24], overlaps: [0, 0.5], blends: ['constant', 'gaussian', 'performance-weighted'], placements: ['stride'], repeats: 1, cases: 'demo' },
    });
  });

  it('exports the report and shows the paths and the PDF link', async () => {
    const { api } = setup((u) => `http://127.0.0.1:5000${u}?token=t`);
    await waitFor(() => expect(screen.getByTestId('export-report')).toBeTruthy());
    await fireEvent.click(screen.getByTestId('export-report'));
    await waitFor(() => expect(screen.getByTestId('export-pdf').textContent).toBe('/p/reports/s1.pdf'));
    expect(screen.getByTestId('export-html').textContent).toBe('/p/reports/s1.html');
    expect(screen.getByTestId('export-json').textContent).toBe('/p/reports/s1.json');
    expect(screen.getByTestId('export-pdf-link').getAttribute('href')).toBe('http://127.0.0.1:5000/files/s1.pdf?token=t');
    expect(api.calls.find((c) => c.channel === 'report:export')!.args).toEqual({ sweepId: 's1' });
  });

  it('reloads the summary when the sweeps change', async () => {
    const { api, rerender, session } = setup();
    await waitFor(() => expect(screen.getByTestId('recommendation-config')).toBeTruthy());
    const loads = () => api.calls.filter((c) => c.channel === 'sweep:summary').length;
    expect(loads()).toBe(1);
    await rerender({ session: { ...session, sweeps: [{ ...sweep, configs: 5, complete: false }] } });
    await waitFor(() => expect(loads()).toBe(2));
    await rerender({ session: { ...session, sweeps: [] } });
    expect(screen.getByTestId('sweeps-empty')).toBeTruthy();
    expect(screen.queryByTestId('recommendation')).toBeNull();
  });
});
