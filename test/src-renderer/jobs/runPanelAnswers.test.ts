// @vitest-environment jsdom
/**
 * Issue 12 in the run form: the patch advice before Run (item 1), the default patch never one it
 * warns about, and the job notice derived from the job list (item 11). On the code before the
 * issue the form had no advice at all (`run-patch-advice` missing), its default patch was the
 * trained patch whatever the receptive field, and "Queued (job j7)." stayed after the job ended.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { JobInfo } from '../../../shared/api/contract';
import RunPanel from '../../../src-renderer/jobs/RunPanel.svelte';
import { defaultRunForm, runFormAdvice } from '../../../src-renderer/jobs/runSettingsForm';
import { demoImage, demoModel, fakeApi, makeSession } from '../fakeApi';

afterEach(cleanup);

/** The demo model as the services describe it: trained on 24³, receptive field 21³; its grid for ch2 at 2 mm (SAR). */
const model = { ...demoModel, receptiveField: [21, 21, 21] };
const grid = [91, 109, 91];

function job(state: JobInfo['state']): JobInfo {
  return { id: 'j7', kind: 'inference', label: 'Inference p24', state, progress: { fraction: state === 'done' ? 1 : 0, phase: 'model', etaMs: null, message: '' }, resultId: null, error: null, queuedAt: '', startedAt: null, finishedAt: null };
}

describe('run form: patch advice (issue 12, item 1)', () => {
  it('warns next to the patch when the patch is smaller than the receptive field, and Run stays possible', async () => {
    const api = fakeApi({ 'run:start': () => ({ jobId: 'j1' }) });
    render(RunPanel, { api, session: makeSession({ image: demoImage, model, inferenceGrid: grid }) });
    expect(screen.queryByTestId('run-patch-advice')).toBeNull(); // the default (24 ≥ 21) is not warned
    await fireEvent.input(screen.getByTestId('run-patch-0'), { target: { value: '16' } });
    await fireEvent.input(screen.getByTestId('run-patch-1'), { target: { value: '16' } });
    await fireEvent.input(screen.getByTestId('run-patch-2'), { target: { value: '16' } });
    expect(screen.getByTestId('run-patch-advice').textContent).toContain(
      'patch 16 < receptive field 21 on every axis: expect border errors; the whole volume (91×109×91) fits in memory and is expected to be better',
    );
    const run = screen.getByTestId('run-inference') as HTMLButtonElement;
    expect(run.disabled).toBe(false);
    await fireEvent.click(run);
    await waitFor(() => expect(api.calls).toEqual([{ channel: 'run:start', args: { settings: { patchSize: [16, 16, 16], overlap: 0.5, placement: 'stride', blend: 'gaussian', measure: 'absoluteError' } } }]));
    // One axis only: the message names it.
    await fireEvent.input(screen.getByTestId('run-patch-0'), { target: { value: '24' } });
    await fireEvent.input(screen.getByTestId('run-patch-1'), { target: { value: '24' } });
    expect(screen.getByTestId('run-patch-advice').textContent).toContain('< receptive field 21 on axis 2');
    // The suggestion fills the patch: the whole grid, one window, no warning.
    await fireEvent.click(screen.getByTestId('run-patch-use-suggestion'));
    expect([0, 1, 2].map((a) => (screen.getByTestId(`run-patch-${a}`) as HTMLInputElement).value)).toEqual(['91', '109', '91']);
    expect(screen.queryByTestId('run-patch-advice')).toBeNull();
    expect(screen.getByTestId('run-whole-volume').textContent).toContain('whole volume');
  });

  it('says nothing while the receptive field or the grid is unknown', async () => {
    render(RunPanel, { api: fakeApi({}), session: makeSession({ image: demoImage, model: demoModel, inferenceGrid: grid }) });
    await fireEvent.input(screen.getByTestId('run-patch-0'), { target: { value: '8' } });
    expect(screen.queryByTestId('run-patch-advice')).toBeNull();
    cleanup();
    render(RunPanel, { api: fakeApi({}), session: makeSession({ image: demoImage, model, inferenceGrid: null }) });
    await fireEvent.input(screen.getByTestId('run-patch-0'), { target: { value: '8' } });
    expect(screen.queryByTestId('run-patch-advice')).toBeNull();
  });

  it('defaults to a patch it does not warn about: the trained patch when ≥ the receptive field, else the whole grid', async () => {
    // model5-like: trained on 64³, receptive field 93, a cropped 160×192×160 grid.
    const model5 = { ...demoModel, sha256: 'm5', trainedPatchSize: [64, 64, 64], receptiveField: [93, 93, 93] };
    const g5 = [160, 192, 160];
    expect(defaultRunForm(model5, g5).patch).toEqual(['160', '192', '160']);
    expect(runFormAdvice(defaultRunForm(model5, g5), model5, g5)?.level).toBe('ok');
    expect(runFormAdvice({ patch: ['64', '64', '64'] }, model5, g5)?.messages).toEqual([
      'patch 64 < receptive field 93 on every axis: expect border errors; the whole volume (160×192×160) fits in memory and is expected to be better',
    ]);
    expect(defaultRunForm(model, grid).patch).toEqual(['24', '24', '24']);
    // The grid arrives after the model (the services compute it): the form takes its default then.
    const api = fakeApi({});
    const { rerender } = render(RunPanel, { api, session: makeSession({ image: demoImage, model: model5, inferenceGrid: null }) });
    expect((screen.getByTestId('run-patch-0') as HTMLInputElement).value).toBe('64');
    await rerender({ api, session: makeSession({ image: demoImage, model: model5, inferenceGrid: g5 }) });
    expect([0, 1, 2].map((a) => (screen.getByTestId(`run-patch-${a}`) as HTMLInputElement).value)).toEqual(['160', '192', '160']);
    expect(screen.queryByTestId('run-patch-advice')).toBeNull();
  });
});

describe('run form: the queued job (issue 12, item 11)', () => {
  for (const end of ['done', 'cancelled', 'failed'] as const) {
    it(`"Queued" follows the job list and goes away when the job is ${end}`, async () => {
      const api = fakeApi({ 'run:start': () => ({ jobId: 'j7' }) });
      const session = makeSession({ image: demoImage, model });
      const { rerender } = render(RunPanel, { api, session, jobs: [] });
      await fireEvent.click(screen.getByTestId('run-inference'));
      await waitFor(() => expect(screen.getByTestId('run-queued').textContent).toBe('Queued (job j7).'));
      await rerender({ api, session, jobs: [job('queued')] });
      expect(screen.getByTestId('run-queued').textContent).toBe('Queued (job j7).');
      await rerender({ api, session, jobs: [job('running')] });
      expect(screen.getByTestId('run-queued').textContent).toBe('Running (job j7).');
      await rerender({ api, session, jobs: [job(end)] });
      expect(screen.queryByTestId('run-queued')).toBeNull();
      await rerender({ api, session, jobs: [] }); // pruned from the list: still ended
      expect(screen.queryByTestId('run-queued')).toBeNull();
    });
  }
});
