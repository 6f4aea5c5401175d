// @vitest-environment jsdom
/**
 * The series picker (SeriesPicker.svelte) and the DICOM opening flow behind it (DicomOpener): the
 * table's rows and values, keyboard selection, Open / Cancel; one series opens at once, several
 * open the picker, Cancel discards the choice and says nothing was opened, a failed series keeps
 * the picker open with the reason.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import type { DicomChoice, DicomSeriesSummary } from '../../../shared/api/contract';
import { ApiError } from '../../../shared/api/transport';
import SeriesPicker from '../../../src-renderer/app/SeriesPicker.svelte';
import { AppState } from '../../../src-renderer/app/appState.svelte';
import { DicomOpener } from '../../../src-renderer/app/dicomOpener.svelte';
import { fakeApi, makeSession } from '../fakeApi';

afterEach(cleanup);

function series(n: number, patch: Partial<DicomSeriesSummary> = {}): DicomSeriesSummary {
  return {
    seriesInstanceUid: `1.2.3.${n}`, seriesNumber: n, modality: 'MR', seriesDescription: `T${n}`, images: 10 * n, rows: 256, columns: 192,
    bytes: 1.5 * 1024 * 1024 * n, transferSyntaxes: ['Explicit VR Little Endian'], patientName: 'Doe^Jane', patientId: 'P042', studyDate: '20260115', studyDescription: 'Brain', ...patch,
  };
}

const twoSeries: DicomChoice = { choice: 'c1', name: 'study', series: [series(1), series(2, { modality: 'CT', seriesDescription: '', rows: 512, columns: 512 })], skipped: 2, skippedExamples: [{ name: 'study/notes.txt', reason: 'not DICOM' }] };

function picker(choice: DicomChoice = twoSeries, props: Record<string, unknown> = {}) {
  const calls = { onopen: vi.fn(), oncancel: vi.fn() };
  render(SeriesPicker, { props: { choice, ...calls, ...props } });
  return calls;
}

const cells = (row: Element) => Array.from(row.querySelectorAll('td'), (td) => td.textContent?.replace(/\s+/g, ' ').trim());

describe('SeriesPicker', () => {
  it('lists one row per series: patient, study date, modality, description, images, rows × columns, MB', () => {
    picker();
    expect(screen.getByRole('dialog', { name: 'Which series?' })).toBeTruthy();
    const rows = screen.getAllByTestId('series-row');
    expect(rows.map(cells)).toEqual([
      ['Doe Jane P042', '2026-01-15', 'MR', '1 T1 Brain', '10', '256×192', '1.5'],
      ['Doe Jane P042', '2026-01-15', 'CT', '2 (no description) Brain', '20', '512×512', '3.0'],
    ]);
    expect(screen.getByTestId('series-skipped').textContent?.replace(/\s+/g, ' ').trim()).toBe('2 files were skipped (not DICOM images): study/notes.txt: not DICOM; …');
    expect(rows[0].getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(screen.getByTestId('series-open'));
  });

  it('moves the selection with the arrow keys, Home and End, and opens the selected series with Enter or Open', async () => {
    const three = { ...twoSeries, series: [series(1), series(2), series(3)] };
    const calls = picker(three);
    const open = screen.getByTestId('series-open');
    const selected = () => screen.getAllByTestId('series-row').findIndex((r) => r.getAttribute('aria-selected') === 'true');
    await fireEvent.keyDown(open, { key: 'ArrowDown' });
    expect(selected()).toBe(1);
    await fireEvent.keyDown(open, { key: 'End' });
    await fireEvent.keyDown(open, { key: 'ArrowDown' });
    expect(selected()).toBe(2);
    await fireEvent.keyDown(open, { key: 'Home' });
    await fireEvent.keyDown(open, { key: 'ArrowUp' });
    expect(selected()).toBe(0);
    await fireEvent.keyDown(open, { key: 'ArrowDown' });
    await fireEvent.keyDown(screen.getByTestId('series-table'), { key: 'Enter' });
    expect(calls.onopen).toHaveBeenLastCalledWith(three.series[1]);
    await fireEvent.click(screen.getAllByTestId('series-row')[2]);
    await fireEvent.click(open);
    expect(calls.onopen).toHaveBeenLastCalledWith(three.series[2]);
    await fireEvent.dblClick(screen.getAllByTestId('series-row')[0]);
    expect(calls.onopen).toHaveBeenLastCalledWith(three.series[0]);
    expect(calls.oncancel).not.toHaveBeenCalled();
  });

  it('cancels with Cancel or Escape, shows why a series did not open, and waits while one opens', async () => {
    const calls = picker(twoSeries, { error: 'study: a slice is missing', opening: true });
    expect(screen.getByTestId('series-error').textContent).toBe('study: a slice is missing');
    expect((screen.getByTestId('series-open') as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.keyDown(screen.getByTestId('series-table'), { key: 'Escape' });
    expect(calls.oncancel).toHaveBeenCalledTimes(1);
    cleanup();
    const again = picker();
    await fireEvent.click(screen.getByTestId('series-cancel'));
    expect(again.oncancel).toHaveBeenCalledTimes(1);
  });
});

describe('DicomOpener', () => {
  function setup(choice: DicomChoice | null, open: (args: unknown) => unknown = () => makeSession()) {
    const api = fakeApi({ 'file:open': open as never, 'file:dicomDiscard': () => null });
    const app = new AppState(api);
    const opener = new DicomOpener(app);
    return { api, app, opener, list: () => opener.list('study', async () => choice) };
  }

  it('opens a folder of one series at once, by its SeriesInstanceUID', async () => {
    const { api, opener, list } = setup({ ...twoSeries, series: [series(4)] });
    await list();
    expect(opener.picking).toBeNull();
    expect(api.calls).toEqual([{ channel: 'file:open', args: { kind: 'image', source: { from: 'choice', choice: 'c1' }, series: '1.2.3.4' } }]);
  });

  it('one series that does not open: the error notice, and the choice discarded', async () => {
    const { api, app, list } = setup({ ...twoSeries, series: [series(4)] }, () => {
      throw new ApiError('file:open', { code: 'bad-input', message: 'image /p/uploads/x/study: a slice is missing' });
    });
    await list();
    expect(api.calls.map((c) => c.channel)).toEqual(['file:open', 'file:dicomDiscard']);
    expect(app.notices.map((n) => n.kind)).toEqual(['error']);
  });

  it('several series: the picker; Open opens the one picked and closes it', async () => {
    const { api, opener, list } = setup(twoSeries);
    await list();
    expect(opener.picking).toBe(twoSeries);
    expect(api.calls).toEqual([]);
    await opener.pick(twoSeries.series[1]);
    expect(opener.picking).toBeNull();
    expect(api.calls).toEqual([{ channel: 'file:open', args: { kind: 'image', source: { from: 'choice', choice: 'c1' }, series: '1.2.3.2' } }]);
  });

  it('a series that does not open keeps the picker open with the reason; Cancel discards and says nothing was opened', async () => {
    const { api, app, opener, list } = setup(twoSeries, () => {
      throw new ApiError('file:open', { code: 'bad-input', message: 'image study: 2 slices have the same position' });
    });
    await list();
    await opener.pick(twoSeries.series[0]);
    expect(opener.picking).toBe(twoSeries);
    expect(opener.pickError).toContain('2 slices have the same position');
    await opener.cancel();
    expect(opener.picking).toBeNull();
    expect(api.calls.map((c) => c.channel)).toEqual(['file:open', 'file:dicomDiscard']);
    expect(api.calls[1].args).toEqual({ choice: 'c1' });
    expect(app.notices.map((n) => [n.kind, n.text])).toEqual([['info', 'Nothing was opened: no series of study was chosen.']]);
  });

  it('a cancelled dialog does nothing', async () => {
    const { api, app, opener, list } = setup(null);
    await list();
    expect(opener.picking).toBeNull();
    expect(api.calls).toEqual([]);
    expect(app.notices).toEqual([]);
  });
});
