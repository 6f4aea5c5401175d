/**
 * The report's patient block (issue 15: patient identifiers only on the user's opt-in): built from
 * a series' attributes (a PN as dcmjs gives it, `^` as spaces), rendered in the HTML (so in the
 * PDF) with DICOM dates as YYYY-MM-DD and escaped, in the JSON sidecar; absent by default; the
 * `report:export` validator takes `includePatient` as a boolean only.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSDOM } from 'jsdom';
import { afterAll, describe, expect, it } from 'vitest';
import { validateArgs } from '../../../shared/api/validateArgs';
import { dicomDate, seriesText } from '../../../shared/format/dicom';
import { loadReportData } from '../../../src-node/report/reportData';
import { reportPatientOf } from '../../../src-node/report/reportPatient';
import { renderHtml } from '../../../src-node/report/renderHtml';
import type { ReportPatient } from '../../../src-node/report/reportTypes';
import { writeReport } from '../../../src-node/report/writeReport';
import type { SourceAttributes } from '../../../src-node/dicom/seg';
import { buildSweepFixture } from './fixtures/buildSweepFixture';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-patient-block-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const NOW = new Date('2026-12-08T10:00:00.000Z');

const attributes: SourceAttributes = {
  sopClassUid: '1.2.840.10008.5.1.4.1.1.4',
  patient: { PatientName: [{ Alphabetic: 'Doe^Jane<b>' }], PatientID: 'PL-TEST-0042', PatientBirthDate: '19710203', PatientSex: 'F' },
  study: { StudyDate: '20261207', StudyTime: '101500', ReferringPhysicianName: '', StudyID: '1', AccessionNumber: 'ACC-PL-7781', StudyDescription: 'Brain MR' },
  sliceThickness: 2,
};
const series = { instanceUid: '2.25.42', number: 3, description: 'ch2 as DICOM', modality: 'MR' };
const IDENTIFIERS = ['Doe Jane', 'PL-TEST-0042', '19710203', '1971-02-03', 'ACC-PL-7781'];

describe('the report patient block', () => {
  it('is built from the series attributes', () => {
    const p = reportPatientOf(attributes, series);
    expect(p).toEqual<ReportPatient>({
      name: 'Doe Jane<b>',
      id: 'PL-TEST-0042',
      birthDate: '19710203',
      sex: 'F',
      studyDate: '20261207',
      accessionNumber: 'ACC-PL-7781',
      studyDescription: 'Brain MR',
      series,
    });
    expect(reportPatientOf({ ...attributes, patient: { ...attributes.patient, PatientName: 'Roe^Richard^^' } }, series).name).toBe('Roe Richard');
  });

  it('formats DICOM dates and series', () => {
    expect(dicomDate('19710203')).toBe('1971-02-03');
    expect(dicomDate('1971.02.03')).toBe('1971-02-03');
    expect(dicomDate('1971')).toBe('1971');
    expect(dicomDate('')).toBe('');
    expect(dicomDate(undefined)).toBe('');
    expect(seriesText(3, 'ch2 as DICOM')).toBe('Series 3: ch2 as DICOM');
    expect(seriesText(null, 'ch2')).toBe('ch2');
    expect(seriesText(4, ' ')).toBe('Series 4');
    expect(seriesText(null, '')).toBe('');
  });

  it('is rendered under the title only when the data holds a patient, escaped, dates as YYYY-MM-DD', async () => {
    const data = await loadReportData(buildSweepFixture(join(tmp, 'sweep-render')), { now: NOW });
    const without = renderHtml(data);
    expect(without).not.toContain('id="patient"');
    for (const id of IDENTIFIERS) expect(without).not.toContain(id);

    const html = renderHtml({ ...data, patient: reportPatientOf(attributes, series) });
    const doc = new JSDOM(html).window.document;
    const row = (id: string) => doc.querySelector(`#patient tr#${id} td`)?.textContent;
    expect(row('patient-name')).toBe('Doe Jane<b>');
    expect(html).toContain('Doe Jane&lt;b&gt;');
    expect(row('patient-id')).toBe('PL-TEST-0042');
    expect(row('patient-birth-date')).toBe('1971-02-03');
    expect(row('patient-sex')).toBe('F');
    expect(row('study-date')).toBe('2026-12-07');
    expect(row('accession-number')).toBe('ACC-PL-7781');
    expect(row('study-description')).toBe('Brain MR');
    expect(row('series')).toBe('MR · Series 3: ch2 as DICOM');
    expect(row('series-uid')).toBe('2.25.42');
    // Right under the header, before the summary.
    expect(doc.querySelector('header')?.nextElementSibling?.id).toBe('patient');
    const empty = renderHtml({ ...data, patient: { ...reportPatientOf(attributes, series), sex: '', accessionNumber: '' } });
    expect(new JSDOM(empty).window.document.querySelector('#patient tr#accession-number td')?.textContent).toBe('—');
  });

  it('goes into report.json only when writeReport is given one', async () => {
    const dir = buildSweepFixture(join(tmp, 'sweep-write'));
    const plain = await writeReport(dir, { pdf: false, now: NOW, outDir: join(tmp, 'plain') });
    const plainJson = readFileSync(plain.json, 'utf8');
    expect(JSON.parse(plainJson)).not.toHaveProperty('patient');
    for (const id of IDENTIFIERS) expect(plainJson + readFileSync(plain.html, 'utf8')).not.toContain(id);

    const patient = reportPatientOf(attributes, series);
    const opted = await writeReport(dir, { pdf: false, now: NOW, outDir: join(tmp, 'opted'), patient });
    expect((JSON.parse(readFileSync(opted.json, 'utf8')) as { patient: unknown }).patient).toEqual(patient);
    expect(readFileSync(opted.html, 'utf8')).toContain('PL-TEST-0042');
  });

  it('report:export takes includePatient as a boolean', () => {
    expect(validateArgs('report:export', { sweepId: 's1', includePatient: true })).toEqual({ sweepId: 's1', includePatient: true });
    expect(validateArgs('report:export', { sweepId: 's1', includePatient: false, replace: true })).toEqual({ sweepId: 's1', replace: true, includePatient: false });
    expect(validateArgs('report:export', { sweepId: 's1' })).toEqual({ sweepId: 's1' });
    expect(() => validateArgs('report:export', { sweepId: 's1', includePatient: 'yes' })).toThrow(/report:export: includePatient must be/);
  });
});
