/**
 * Patient identifiers on the app's DICOM path (issue 15: shown in the viewer's header, in an
 * exported report only on the user's opt-in, never in provenance or logs), through the real
 * services: a series of a patient with distinctive identifiers (Doe^Jane, PL-TEST-0042:
 * test/helpers/patientSeries.ts) uploaded as the browser transport sends a folder, its labels,
 * a run and a sweep of it with the demo model, and the sweep's report exported without and with
 * `includePatient`. The session state carries the patient for the header; no JSON in the project
 * (project.json, runs/, sweeps/, uploads) but the series' own source record and the opted-in
 * report holds an identifier, and no line the host logged does; the default report (HTML, JSON,
 * the PDF's text) holds none, the opted-in one shows the patient block; a sweep of an image that
 * did not come from DICOM is refused the opt-in, saying why.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobInfo, ReportExport, SessionState } from '../../../shared/api/contract';
import { createServiceHost } from '../../../src-node/app/createServiceHost';
import type { ServiceConnection, ServiceHost } from '../../../src-node/app/serviceHost';
import { DEFAULT_CHROMIUM } from '../../../src-node/report/renderPdf';
import { decodePart10 } from '../../../src-node/dicom/seg/dcmjsIo';
import { dciodvfy } from '../dicom/seg/segOracles';
import { errorOf, jobEnd, openUpload, result } from '../../helpers/hostEnvelopes';
import { filesUnder, identifiersIn, identifiersInFiles, writePatientSeries, type PatientSeries } from '../../helpers/patientSeries';
import { chromiumTool, commandTool, requireTools } from '../../helpers/requireTool';
import { JOB_LIMIT_MS } from '../../helpers/serviceHostFixture';

const has = requireTools('dicomPatientPrivacy.slow.test (Chromium, pdftotext)', [chromiumTool(process.env.PATCHLENS_CHROMIUM ?? DEFAULT_CHROMIUM), commandTool('pdftotext', 'apt-get install -y poppler-utils')]);
const settings = { patchSize: [24, 24, 24], overlap: 0, placement: 'stride', blend: 'constant', measure: 'absoluteError' } as const;
const SWEEP = { patchSizes: [24], overlaps: [0], blends: ['constant'], placements: ['stride'], repeats: 1, cases: 'current' };

/** A folder's files as `<input webkitdirectory>` names them (`mr-series/IM….dcm`). */
const folderFiles = (dir: string) => readdirSync(dir).map((f) => ({ name: `${basename(dir)}/${f}`, bytes: new Uint8Array(readFileSync(join(dir, f))) }));
const oneFile = (path: string) => [{ name: basename(path), bytes: new Uint8Array(readFileSync(path)) }];
const hasDciodvfy = spawnSync('dciodvfy', ['-help']).error === undefined;
/** An Encapsulated PDF file's attributes (dcmjs). */
const encapsulated = (file: string) => decodePart10(new Uint8Array(readFileSync(file)), file);
const pdfText = (pdf: string) => execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });

async function finished(conn: ServiceConnection, started: { jobId: string }): Promise<JobInfo> {
  const job = await jobEnd(conn, started.jobId);
  expect(job.state, JSON.stringify(job.error)).toBe('done');
  return job;
}

describe.skipIf(!has)('patient identifiers on the app DICOM path (services)', () => {
  let tmp: string;
  let projectDir: string;
  let host: ServiceHost;
  let conn: ServiceConnection;
  let series: PatientSeries;
  let state: SessionState;
  let sweepId: string;
  const logs: string[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'patchlens-app-patient-'));
    projectDir = mkdtempSync(join(tmpdir(), 'patchlens-app-patient-project-'));
    series = writePatientSeries(tmp);
    host = await createServiceHost({ projectDir, transport: 'http', downloadBase: '/files', log: (m) => void logs.push(m) });
    conn = host.connect({ role: 'ui' });
    result<SessionState>(await conn.handle('session:openDemo', {})); // the demo model
    state = result<SessionState>(await openUpload(conn, 'image', folderFiles(series.folder)));
    result<SessionState>(await openUpload(conn, 'label', oneFile(series.labels)));
    await finished(conn, result<{ jobId: string }>(await conn.handle('run:start', { settings })));
    await finished(conn, result<{ jobId: string }>(await conn.handle('sweep:start', { request: SWEEP })));
    sweepId = result<SessionState>(await conn.handle('session:get', {})).sweeps[0]?.id ?? '';
  }, JOB_LIMIT_MS);
  afterAll(async () => {
    await host?.close();
    rmSync(projectDir, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  });

  it("the session state carries the patient for the viewer's header, and the image's name none", () => {
    expect(state.image?.shape).toEqual(series.shape);
    expect(state.dicom?.patient).toEqual({ name: 'Doe Jane', id: 'PL-TEST-0042', birthDate: '19710203', sex: 'F' });
    expect(state.dicom?.series).toMatchObject({ number: 3, description: 'ch2 as DICOM', modality: 'MR', images: series.shape[0] });
    expect(identifiersIn(JSON.stringify(state.image))).toEqual([]);
  });

  it('no JSON of the project (project.json, run and sweep records, uploads) holds an identifier, only the series record', async () => {
    const json = filesUnder(projectDir, ['.json']);
    expect(json).toContain('project.json');
    expect(json.some((f) => f.startsWith('runs/'))).toBe(true);
    expect(json).toEqual(expect.arrayContaining([`sweeps/${sweepId}/sweep.json`, `sweeps/${sweepId}/summary.json`]));
    // The record beside the imported series is where the identifiers live (the header and an opted-in report read them).
    const records = json.filter((f) => /^dicom\/series-.*\.dicom\.json$/.test(f));
    expect(records).toHaveLength(1);
    expect(identifiersInFiles(projectDir, records)).toContain(`${records[0]}: PL-TEST-0042`);
    expect(identifiersInFiles(projectDir, json.filter((f) => !records.includes(f)))).toEqual([]);
    // Nor the run and sweep records the renderer gets.
    const now = result<SessionState>(await conn.handle('session:get', {}));
    expect(now.runs).toHaveLength(1);
    expect(identifiersIn(JSON.stringify([now.runs, now.sweeps]))).toEqual([]);
  });

  it('report:export without includePatient: no identifier in the HTML, the JSON or the PDF text', async () => {
    const out = result<ReportExport>(await conn.handle('report:export', { sweepId }));
    expect(identifiersIn(readFileSync(out.html, 'utf8'))).toEqual([]);
    expect(readFileSync(out.html, 'utf8')).not.toContain('id="patient"');
    expect(identifiersIn(readFileSync(out.json, 'utf8'))).toEqual([]);
    const text = pdfText(out.pdf);
    expect(text).toContain('1. Summary and recommendation');
    expect(identifiersIn(text)).toEqual([]);
    // The sweep's image is one DICOM series: the report also goes into its study as an Encapsulated PDF.
    expect(out.dicomPdf).toBe(`${out.pdf}.dcm`);
    expect(out.files).toContain(out.dicomPdf);
    const doc = encapsulated(out.dicomPdf!);
    expect(doc).toMatchObject({ SOPClassUID: '1.2.840.10008.5.1.4.1.1.104.1', Modality: 'DOC', StudyInstanceUID: state.dicom!.study.instanceUid, BurnedInAnnotation: 'NO', PatientID: 'PL-TEST-0042' });
    expect(doc.SeriesInstanceUID).not.toBe(state.dicom!.series.instanceUid);
    expect((doc.SourceInstanceSequence as unknown[]).length).toBe(state.dicom!.series.images);
    expect(Buffer.from(new Uint8Array((doc.EncapsulatedDocument as ArrayBuffer[])[0]).subarray(0, doc.EncapsulatedDocumentLength as number)).equals(readFileSync(out.pdf))).toBe(true);
    if (hasDciodvfy) expect(dciodvfy(out.dicomPdf!).errors).toEqual([]);
  }, JOB_LIMIT_MS);

  it('report:export with includePatient: the patient block in the HTML, the JSON and the PDF', async () => {
    const out = result<ReportExport>(await conn.handle('report:export', { sweepId, replace: true, includePatient: true }));
    const html = readFileSync(out.html, 'utf8');
    expect(html).toContain('id="patient"');
    const shown = ['Doe Jane', 'PL-TEST-0042', '1971-02-03', 'ACC-PL-7781'];
    for (const id of shown) expect(html).toContain(id);
    const data = JSON.parse(readFileSync(out.json, 'utf8')) as { patient?: unknown };
    expect(data.patient).toMatchObject({ name: 'Doe Jane', id: 'PL-TEST-0042', birthDate: '19710203', sex: 'F', studyDate: '20261207', accessionNumber: 'ACC-PL-7781', series: { number: 3, modality: 'MR' } });
    const text = pdfText(out.pdf);
    for (const id of shown) expect(text).toContain(id);
    // The PDF shows the patient now: its DICOM twin says so.
    expect(encapsulated(out.dicomPdf!).BurnedInAnnotation).toBe('YES');
  }, JOB_LIMIT_MS);

  it('refuses includePatient for a sweep of an image that did not come from DICOM, before writing anything', async () => {
    result<SessionState>(await openUpload(conn, 'image', oneFile(series.nifti)));
    const s = result<SessionState>(await openUpload(conn, 'label', oneFile(series.labels)));
    expect(s.dicom ?? null).toBeNull();
    await finished(conn, result<{ jobId: string }>(await conn.handle('sweep:start', { request: SWEEP })));
    const sweeps = result<SessionState>(await conn.handle('session:get', {})).sweeps;
    expect(sweeps).toHaveLength(2);
    const niftiSweep = sweeps.find((x) => x.id !== sweepId)!.id;
    const refused = errorOf(await conn.handle('report:export', { sweepId: niftiSweep, includePatient: true }));
    expect(refused).toEqual({
      code: 'precondition',
      message: `report:export: the image of sweep ${niftiSweep} was not opened from a DICOM series, so there are no patient identifiers to include; export without "Include patient identifiers"`,
    });
    expect(readdirSync(join(projectDir, 'sweeps', niftiSweep)).filter((f) => f.startsWith('report'))).toEqual([]);
  }, JOB_LIMIT_MS);

  it('logged no identifier', () => {
    expect(identifiersIn(logs.join('\n'))).toEqual([]);
  });
});
