// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import JobList from '../../../src-renderer/jobs/JobList.svelte';
import RunList from '../../../src-renderer/jobs/RunList.svelte';
import type { JobInfo, RunRecord } from '../../../shared/api/contract';
import { fakeApi } from '../fakeApi';

afterEach(cleanup);

function job(patch: Partial<JobInfo>): JobInfo {
  return {
    id: 'j1',
    kind: 'inference',
    label: 'Inference p24 ov0.5 gaussian on ch2-2mm_t1.nii.gz',
    state: 'running',
    progress: { fraction: 0.4, phase: 'model', etaMs: 12_000, message: 'window 32 of 80' },
    resultId: null,
    error: null,
    queuedAt: '2025-01-01T00:00:00.000Z',
    startedAt: '2025-01-01T00:00:01.000Z',
    finishedAt: null,
    ...patch,
  };
}

describe('JobList', () => {
  it('shows progress, phase and time left, and cancels by id', async () => {
    const jobs = [
      job({}),
      job({ id: 'j0', kind: 'sweep', label: 'Sweep', state: 'failed', startedAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:00:03.000Z', error: { code: 'internal', message: 'out of memory' } }),
    ];
    const api = fakeApi({ 'job:cancel': ({ jobId }) => ({ ...jobs[0], id: jobId, state: 'cancelled' }) });
    render(JobList, { api, jobs });
    const items = screen.getAllByTestId('job');
    expect(items.map((li) => li.dataset.state)).toEqual(['running', 'failed']);
    const running = within(items[0]);
    expect((running.getByTestId('job-progress') as HTMLProgressElement).value).toBeCloseTo(0.4);
    expect(running.getByTestId('job-percent').textContent).toBe('40 %');
    expect(running.getByTestId('job-phase').textContent).toBe('model');
    expect(running.getByTestId('job-eta').textContent).toBe('12 s left');
    expect(running.getByTestId('job-message').textContent).toBe('window 32 of 80');
    const failed = within(items[1]);
    expect(failed.queryByTestId('cancel-job')).toBeNull();
    expect(failed.getByTestId('job-error').textContent).toBe('out of memory');
    expect(failed.getByTestId('job-elapsed').textContent).toBe('took 3 s');
    await fireEvent.click(running.getByTestId('cancel-job'));
    await waitFor(() => expect(api.calls).toEqual([{ channel: 'job:cancel', args: { jobId: 'j1' } }]));
  });

  it('says so when the queue is empty, and ETA is unknown at first', () => {
    const { unmount } = render(JobList, { api: fakeApi({}), jobs: [] });
    expect(screen.getByTestId('jobs-empty')).toBeTruthy();
    unmount();
    render(JobList, { api: fakeApi({}), jobs: [job({ progress: { fraction: 0, phase: 'preprocess', etaMs: null, message: '' } })] });
    expect(screen.getByTestId('job-eta').textContent).toBe('estimating…');
  });
});

describe('RunList', () => {
  const run = (id: string, overlap: number, dice: number | null): RunRecord => ({
    id,
    createdAt: '2025-01-01T00:00:00.000Z',
    imageName: 'ch2-2mm_t1.nii.gz',
    labelName: null,
    modelName: 'demo',
    settings: { patchSize: [24, 24, 24], overlap, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' },
    windows: 441,
    dice,
    timing: { totalMs: 7710, preprocessMs: 50, modelMs: 7000, stitchMs: 500, postprocessMs: 160 },
    backend: { name: 'cpu', reason: 'test' },
    layers: ['labels'],
    hasPerformance: false,
    hasConsistency: false,
    warnings: [],
    dir: `/p/runs/${id}`,
  });

  it('lists runs and selects and deletes by id', async () => {
    const selected: string[] = [];
    const deleted: string[] = [];
    render(RunList, { runs: [run('r2', 0.5, 0.9507), run('r1', 0, null)], selected: 'r1', onSelect: (id: string) => selected.push(id), onDelete: (id: string) => deleted.push(id) });
    const rows = screen.getAllByTestId('run-row');
    expect(rows.map((r) => within(r).getByTestId('run-settings').textContent)).toEqual(['p24 ov0.5 gaussian', 'p24 ov0 gaussian']);
    expect(rows.map((r) => within(r).getByTestId('run-dice').textContent)).toEqual(['0.9507', '—']);
    expect(within(rows[0]).getByTestId('run-time').textContent).toBe('7.71 s');
    expect(rows[1].classList.contains('selected')).toBe(true);
    await fireEvent.click(rows[0]);
    await fireEvent.click(within(rows[1]).getByTestId('delete-run'));
    expect(selected).toEqual(['r2']);
    expect(deleted).toEqual(['r1']);
  });
});
