// @vitest-environment jsdom
/**
 * The series picker's thumbnails (SeriesThumbnail.svelte) in jsdom: given `preview`, each row has
 * one, asked for with the choice's token and the series' UID; at most two are asked for at a time;
 * a preview that fails shows "no preview" with the reason as its title; choosing a series never
 * waits for them. The drawing itself (decode + canvas) is test/e2e/dicomSeries.e2e.test.ts's.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import type { DicomChoice, DicomPreview, DicomSeriesSummary } from '../../../shared/api/contract';
import SeriesPicker from '../../../src-renderer/app/SeriesPicker.svelte';

afterEach(cleanup);

const series = (n: number): DicomSeriesSummary => ({
  seriesInstanceUid: `1.2.3.${n}`, seriesNumber: n, modality: 'MR', seriesDescription: `T${n}`, images: 10, rows: 64, columns: 64,
  bytes: 1024, transferSyntaxes: ['Explicit VR Little Endian'], patientName: '', patientId: '', studyDate: '', studyDescription: '',
});
const choice: DicomChoice = { choice: 'c1', name: 'study', series: [series(1), series(2), series(3)], skipped: 0, skippedExamples: [] };

/** A preview whose answers the test gives, one per call. */
function controlledPreview() {
  const calls: { choice: string; series: string; reject: (e: Error) => void }[] = [];
  const preview = vi.fn((c: string, s: string) => new Promise<DicomPreview>((_, reject) => calls.push({ choice: c, series: s, reject })));
  return { calls, preview };
}

const settle = () => new Promise((r) => setTimeout(r, 0));
const states = () => screen.getAllByTestId('series-thumbnail').map((t) => t.getAttribute('data-state'));

describe('SeriesPicker thumbnails', () => {
  it('has none without preview', () => {
    render(SeriesPicker, { props: { choice, onopen: vi.fn(), oncancel: vi.fn() } });
    expect(screen.queryAllByTestId('series-thumbnail')).toEqual([]);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).not.toContain('Preview');
  });

  it('asks for two previews at a time, shows a failed one as "no preview" with the reason, and Open does not wait', async () => {
    const { calls, preview } = controlledPreview();
    const onopen = vi.fn();
    render(SeriesPicker, { props: { choice, onopen, oncancel: vi.fn(), preview } });
    await settle();
    expect(states()).toEqual(['waiting', 'waiting', 'waiting']);
    expect(calls.map((c) => [c.choice, c.series])).toEqual([['c1', '1.2.3.1'], ['c1', '1.2.3.2']]);
    // Opening while the thumbnails load.
    await fireEvent.click(screen.getByTestId('series-open'));
    expect(onopen).toHaveBeenCalledWith(choice.series[0]);

    calls[1].reject(new Error('file:dicomPreview: study/b.dcm is 70000000 bytes (66.8 MiB), over the preview limit of 64 MiB'));
    await settle();
    await settle();
    expect(calls.map((c) => c.series)).toEqual(['1.2.3.1', '1.2.3.2', '1.2.3.3']);
    expect(states()).toEqual(['waiting', 'failed', 'waiting']);
    const failed = screen.getAllByTestId('series-thumbnail')[1];
    expect(failed.textContent?.trim()).toContain('no preview');
    expect(failed.getAttribute('title')).toBe('file:dicomPreview: study/b.dcm is 70000000 bytes (66.8 MiB), over the preview limit of 64 MiB');
  });

  it('drops the queued previews when the picker closes', async () => {
    const first = controlledPreview();
    render(SeriesPicker, { props: { choice, onopen: vi.fn(), oncancel: vi.fn(), preview: first.preview } });
    await settle();
    expect(first.calls).toHaveLength(2);
    cleanup();
    first.calls.forEach((c) => c.reject(new Error('gone')));
    await settle();
    await settle();
    // The third row's preview was never asked for, and a new picker gets its two at once.
    expect(first.calls).toHaveLength(2);
    const second = controlledPreview();
    render(SeriesPicker, { props: { choice: { ...choice, choice: 'c2' }, onopen: vi.fn(), oncancel: vi.fn(), preview: second.preview } });
    await settle();
    expect(second.calls.map((c) => [c.choice, c.series])).toEqual([['c2', '1.2.3.1'], ['c2', '1.2.3.2']]);
    cleanup();
    second.calls.forEach((c) => c.reject(new Error('gone')));
    await settle();
  });
});
