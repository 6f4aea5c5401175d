// @vitest-environment jsdom
/**
 * The viewer's patient header (issue 15) and the report export's opt-in to patient identifiers:
 * the header shows a DICOM image's patient, study and series (DICOM dates as YYYY-MM-DD, '—' for
 * an empty value) and nothing for a NIfTI image; Export report sends `includePatient: true` only
 * when "Include patient identifiers" was ticked (it starts unticked).
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { DicomImageInfo } from '../../../shared/api/contract';
import ExportReport from '../../../src-renderer/explorer/ExportReport.svelte';
import PatientHeader from '../../../src-renderer/viewer/PatientHeader.svelte';
import { fakeApi } from '../fakeApi';

afterEach(cleanup);

const dicom: DicomImageInfo = {
  patient: { name: 'Doe Jane', id: 'PL-TEST-0042', birthDate: '19710203', sex: 'F' },
  study: { instanceUid: '2.25.1', date: '20261207', description: 'Brain MR' },
  series: { instanceUid: '2.25.2', number: 3, description: 'ch2 as DICOM', modality: 'MR', images: 91 },
};

describe('PatientHeader', () => {
  it("shows a DICOM image's patient, study and series", () => {
    render(PatientHeader, { dicom });
    const text = (id: string) => screen.getByTestId(id).textContent;
    expect(text('patient-name')).toBe('Doe Jane');
    expect(text('patient-id')).toBe('PL-TEST-0042');
    expect(text('patient-birth-date')).toBe('1971-02-03');
    expect(text('patient-sex')).toBe('F');
    expect(text('study-date')).toBe('2026-12-07');
    expect(text('series-modality')).toBe('MR');
    expect(text('series-text')).toBe('Series 3: ch2 as DICOM');
  });

  it("shows '—' for what the series leaves empty", () => {
    render(PatientHeader, { dicom: { ...dicom, patient: { ...dicom.patient, birthDate: '', sex: '' }, series: { ...dicom.series, number: null, description: '' } } });
    expect(screen.getByTestId('patient-birth-date').textContent).toBe('—');
    expect(screen.getByTestId('patient-sex').textContent).toBe('—');
    expect(screen.getByTestId('series-text').textContent).toBe('—');
  });

  it('is not there for an image that did not come from DICOM', () => {
    render(PatientHeader, { dicom: null });
    expect(screen.queryByTestId('patient-header')).toBeNull();
  });
});

describe('ExportReport: Include patient identifiers', () => {
  const written = { html: '/p/r.html', pdf: '/p/r.pdf', json: '/p/r.json', files: ['/p/r.html', '/p/r.pdf', '/p/r.json'], pdfUrl: null, dicomPdf: null };

  it('starts unticked and sends includePatient only when ticked', async () => {
    const api = fakeApi({ 'report:export': () => written });
    render(ExportReport, { api, sweepId: 's1' });
    const box = screen.getByTestId('export-include-patient') as HTMLInputElement;
    expect(box.checked).toBe(false);
    expect(screen.getByTestId('export-include-patient-hint').textContent).toContain('no patient name, ID or birth date');
    await fireEvent.click(screen.getByTestId('export-report'));
    await waitFor(() => expect(screen.getByTestId('export-pdf').textContent).toBe('/p/r.pdf'));
    await fireEvent.click(box);
    expect(screen.getByTestId('export-include-patient-hint').textContent).toContain('share it as patient data');
    await fireEvent.click(screen.getByTestId('export-report'));
    await waitFor(() => expect(api.calls).toHaveLength(2));
    expect(api.calls.map((c) => c.args)).toEqual([{ sweepId: 's1' }, { sweepId: 's1', includePatient: true }]);
  });

  it('shows why a report of a NIfTI image cannot include them', async () => {
    const api = fakeApi({
      'report:export': () => {
        throw new Error('report:export: the image of sweep s1 was not opened from a DICOM series, so there are no patient identifiers to include; export without "Include patient identifiers"');
      },
    });
    render(ExportReport, { api, sweepId: 's1' });
    await fireEvent.click(screen.getByTestId('export-include-patient'));
    await fireEvent.click(screen.getByTestId('export-report'));
    await waitFor(() => expect(screen.getByTestId('export-error').textContent).toContain('not opened from a DICOM series'));
  });
});
