// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import RunPanel from '../../../src-renderer/jobs/RunPanel.svelte';
import { ApiError } from '../../../shared/api/transport';
import { demoImage, demoModel, fakeApi, makeSession } from '../fakeApi';

afterEach(cleanup);

describe('RunPanel', () => {
  it('submits the settings of the form', async () => {
    const api = fakeApi({ 'run:start': () => ({ jobId: 'j7' }) });
    render(RunPanel, { api, session: makeSession({ image: demoImage, model: demoModel }) });
    expect((screen.getByTestId('run-patch-0') as HTMLInputElement).value).toBe('24');
    await fireEvent.input(screen.getByTestId('run-patch-2'), { target: { value: '16' } });
    await fireEvent.input(screen.getByTestId('run-overlap'), { target: { value: '0.25' } });
    await fireEvent.change(screen.getByTestId('run-placement'), { target: { value: 'spread' } });
    await fireEvent.change(screen.getByTestId('run-blend'), { target: { value: 'constant' } });
    await fireEvent.change(screen.getByTestId('run-measure'), { target: { value: 'diceError' } });
    await fireEvent.click(screen.getByTestId('run-inference'));
    await waitFor(() => expect(screen.getByTestId('run-queued').textContent).toContain('j7'));
    expect(api.calls).toEqual([{ channel: 'run:start', args: { settings: { patchSize: [24, 24, 16], overlap: 0.25, placement: 'spread', blend: 'constant', measure: 'diceError' } } }]);
  });

  it('shows the API error', async () => {
    const api = fakeApi({
      'run:start': () => {
        throw new ApiError('run:start', { code: 'precondition', message: 'no image is open' });
      },
    });
    render(RunPanel, { api, session: makeSession({ image: demoImage, model: demoModel }) });
    await fireEvent.click(screen.getByTestId('run-inference'));
    await waitFor(() => expect(screen.getByTestId('run-error').textContent).toBe('run:start: no image is open'));
  });

  it('validates before calling', async () => {
    const api = fakeApi({ 'run:start': () => ({ jobId: 'j1' }) });
    render(RunPanel, { api, session: makeSession({ image: demoImage, model: demoModel }) });
    await fireEvent.input(screen.getByTestId('run-overlap'), { target: { value: '0.95' } });
    await fireEvent.click(screen.getByTestId('run-inference'));
    expect(screen.getByTestId('error-overlap').textContent).toBe('Overlap: 0.95 is outside 0–0.9.');
    expect(api.calls).toEqual([]);
  });

  it('is disabled with a reason without a model or an image', async () => {
    const api = fakeApi({});
    const { rerender } = render(RunPanel, { api, session: makeSession({ image: demoImage }) });
    expect((screen.getByTestId('run-inference') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('run-disabled-reason').textContent).toBe('Open a model first.');
    await rerender({ api, session: makeSession({ model: demoModel }) });
    expect(screen.getByTestId('run-disabled-reason').textContent).toBe('Open an image first.');
    await rerender({ api, session: makeSession({ image: demoImage, model: { ...demoModel, sha256: 'other', trainedPatchSize: [32, 32, 32] } }) });
    expect((screen.getByTestId('run-inference') as HTMLButtonElement).disabled).toBe(false);
    expect((screen.getByTestId('run-patch-1') as HTMLInputElement).value).toBe('32');
  });
});
