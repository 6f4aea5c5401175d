/**
 * The series picker's services (issue 15): `file:dicomSeries` lists an uploaded DICOM folder's
 * series from their headers (modality, description, images, rows × columns, bytes on disk, the
 * patient and study as pydicom reads them) and stages it under a token; `file:open` with that
 * choice and a series opens it; `file:dicomDiscard` deletes the upload behind it; a used or
 * unknown choice is `not-found`; a folder without DICOM is `bad-input` naming it and why;
 * `file:dicomPreview` sends the file of a series' middle image in volume order.
 * pydicom's CT5N and MR_small (Debian python3-pydicom).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { DicomChoice, DicomPreview, SessionState } from '../../../shared/api/contract';
import { scanDicomFolder } from '../../../src-node/dicom';
import { segSourceOfSeries } from '../../../src-node/dicom/seg';
import { createServiceHost } from '../../../src-node/app/createServiceHost';
import type { ServiceHost } from '../../../src-node/app/serviceHost';
import { errorOf, result, uploadBytes } from '../../helpers/hostEnvelopes';
import { requireTools } from '../../helpers/requireTool';
import { useHost } from '../../helpers/serviceHostFixture';
import { dicomTools, PYDICOM_FILES } from '../dicom/oracles';

const has = requireTools('dicomChoice.slow.test (pydicom\'s test files)', dicomTools());
const CT5N = join(PYDICOM_FILES, 'dicomdirtests/98892001/CT5N');
const MR = join(PYDICOM_FILES, 'MR_small.dcm');

/** pydicom's reading of the attributes the picker shows, per file. */
function pydicomHeaders(files: string[]): Record<string, { patientName: string; patientId: string; studyDate: string; studyDescription: string; seriesDescription: string; modality: string; rows: number; columns: number }> {
  const script = `
import json, sys, pydicom
out = {}
for p in sys.argv[1:]:
    ds = pydicom.dcmread(p, stop_before_pixels=True)
    out[p] = {"patientName": str(ds.get("PatientName", "")), "patientId": str(ds.get("PatientID", "")), "studyDate": str(ds.get("StudyDate", "")),
              "studyDescription": str(ds.get("StudyDescription", "")), "seriesDescription": str(ds.get("SeriesDescription", "")),
              "modality": str(ds.Modality), "rows": int(ds.Rows), "columns": int(ds.Columns)}
json.dump(out, sys.stdout)
`;
  const run = spawnSync('/usr/bin/python3', ['-c', script, ...files], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pydicom failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

/** The study upload: CT5N's five files and MR_small, by their paths in a picked folder `study/`. */
function studyFiles(): { name: string; bytes: Uint8Array }[] {
  const ct = readdirSync(CT5N).map((f) => ({ name: `study/CT5N/${f}`, bytes: new Uint8Array(readFileSync(join(CT5N, f))) }));
  return [...ct, { name: 'study/MR/MR_small.dcm', bytes: new Uint8Array(readFileSync(MR)) }];
}

describe.skipIf(!has)('the series picker\'s services: listing a DICOM folder and opening its series by choice', () => {
  const ctx = useHost();
  const uploadsDir = () => join(ctx.projectDir, 'uploads');
  const uploadFolders = () => (existsSync(uploadsDir()) ? readdirSync(uploadsDir()).filter((f) => !f.startsWith('.')) : []);

  it('lists the two series of an upload with their real values, opens the MR by choice, and the choice is then used up', async () => {
    const c = ctx.host.connect({ role: 'ui' });
    const before = uploadFolders();
    const uploadId = await uploadBytes(c, studyFiles());
    const listing = result<DicomChoice>(await c.handle('file:dicomSeries', { source: { from: 'upload', uploadId } }));
    expect(listing.name).toBe('study');
    expect(listing.choice).toMatch(/^c[0-9a-f]{24}$/);
    expect(listing.skipped).toBe(0);
    expect(listing.skippedExamples).toEqual([]);
    const ctFiles = readdirSync(CT5N).map((f) => join(CT5N, f));
    const headers = pydicomHeaders([ctFiles[0], MR]);
    const ct = headers[ctFiles[0]];
    const mr = headers[MR];
    // By series number: CT5N is series 5, MR_small series 1.
    expect(listing.series.map((s) => [s.modality, s.images, s.seriesNumber])).toEqual([['MR', 1, 1], ['CT', 5, 5]]);
    const [mrSeries, ctSeries] = listing.series;
    expect(ctSeries).toMatchObject({
      modality: ct.modality,
      seriesDescription: ct.seriesDescription,
      rows: ct.rows,
      columns: ct.columns,
      bytes: ctFiles.reduce((n, f) => n + statSync(f).size, 0),
      patientName: ct.patientName,
      patientId: ct.patientId,
      studyDate: ct.studyDate,
      studyDescription: ct.studyDescription,
    });
    expect(mrSeries).toMatchObject({ modality: 'MR', rows: mr.rows, columns: mr.columns, bytes: statSync(MR).size, patientName: mr.patientName, patientId: mr.patientId, studyDate: mr.studyDate });
    expect([ctSeries.rows, ctSeries.columns, mrSeries.rows, mrSeries.columns]).toEqual([16, 16, 64, 64]);
    expect(ctSeries.sizes).toBeUndefined();
    expect(ctSeries.transferSyntaxes.length).toBeGreaterThan(0);
    // The upload is kept for the choice.
    expect(uploadFolders().length).toBe(before.length + 1);

    const state = result<SessionState>(await c.handle('file:open', { kind: 'image', source: { from: 'choice', choice: listing.choice }, series: mrSeries.seriesInstanceUid }));
    expect(state.image?.shape).toEqual([1, 64, 64]);
    expect(state.dicom?.series.instanceUid).toBe(mrSeries.seriesInstanceUid);
    // Opened: the series' NIfTI is in dicom/, the uploaded copy is gone, and the choice is used up.
    expect(uploadFolders()).toEqual(before);
    const used = errorOf(await c.handle('file:open', { kind: 'image', source: { from: 'choice', choice: listing.choice }, series: ctSeries.seriesInstanceUid }));
    expect(used.code).toBe('not-found');
    expect(used.message).toContain(`no DICOM folder listed as choice ${listing.choice} in this window`);
  });

  it('a series that does not exist leaves the choice staged; another series of it still opens', async () => {
    const c = ctx.host.connect({ role: 'ui' });
    const listing = result<DicomChoice>(await c.handle('file:dicomSeries', { source: { from: 'upload', uploadId: await uploadBytes(c, studyFiles()) } }));
    const wrong = errorOf(await c.handle('file:open', { kind: 'image', source: { from: 'choice', choice: listing.choice }, series: '42' }));
    expect(wrong.code).toBe('bad-input');
    expect(wrong.message).toContain('no series "42" in it');
    const state = result<SessionState>(await c.handle('file:open', { kind: 'image', source: { from: 'choice', choice: listing.choice }, series: '5' }));
    expect(state.image?.shape).toEqual([5, 16, 16]);
  });

  it('discard deletes the upload behind the choice; a discarded, unknown or other window\'s choice is not-found', async () => {
    const c = ctx.host.connect({ role: 'ui' });
    const before = uploadFolders();
    const listing = result<DicomChoice>(await c.handle('file:dicomSeries', { source: { from: 'upload', uploadId: await uploadBytes(c, studyFiles()) } }));
    expect(uploadFolders().length).toBe(before.length + 1);
    // Another window cannot open this window's choice.
    const other = ctx.host.connect({ role: 'ui' });
    expect(errorOf(await other.handle('file:open', { kind: 'image', source: { from: 'choice', choice: listing.choice }, series: '5' })).code).toBe('not-found');
    expect(result(await c.handle('file:dicomDiscard', { choice: listing.choice }))).toBeNull();
    expect(uploadFolders()).toEqual(before);
    expect(errorOf(await c.handle('file:open', { kind: 'image', source: { from: 'choice', choice: listing.choice }, series: '5' })).code).toBe('not-found');
    expect(errorOf(await c.handle('file:open', { kind: 'image', source: { from: 'choice', choice: 'c000000000000000000000000' } })).code).toBe('not-found');
    // Discarding again is fine: it is gone.
    expect(result(await c.handle('file:dicomDiscard', { choice: listing.choice }))).toBeNull();
  });

  it('previews the file of each series\' middle image in volume order (CT5N: its 3rd slice; MR_small: its file; a multi-frame file: its middle frame); refuses unknown choices, other series and big files', async () => {
    // Two windows of their own, closed after (the host serves at most 8).
    const c = ctx.host.connect({ role: 'ui' });
    const other = ctx.host.connect({ role: 'ui' });
    onTestFinished(() => [c, other].forEach((w) => w.close('closed')));
    const rtdose = { name: 'study/RT/rtdose.dcm', bytes: new Uint8Array(readFileSync(join(PYDICOM_FILES, 'rtdose.dcm'))) };
    const listing = result<DicomChoice>(await c.handle('file:dicomSeries', { source: { from: 'upload', uploadId: await uploadBytes(c, [...studyFiles(), rtdose]) } }));
    const uid = (modality: string) => listing.series.find((s) => s.modality === modality)!.seriesInstanceUid;
    const preview = async (series: string) => result<DicomPreview>(await c.handle('file:dicomPreview', { choice: listing.choice, series }));
    // CT5N in the order main reads it (stackGeometry along the normal), not by file name.
    const [ct5n] = (await scanDicomFolder(CT5N)).series;
    const third = segSourceOfSeries(ct5n).dicom.slices[2];
    const ct = await preview(uid('CT'));
    expect(ct.bytes).toBeInstanceOf(Uint8Array);
    expect(ct.name).toBe(`study/CT5N/${basename(third.file)}`);
    expect(ct.frame).toBe(0);
    expect(Buffer.from(ct.bytes).equals(readFileSync(third.file))).toBe(true);
    // By series number too.
    expect((await preview('5')).name).toBe(ct.name);
    const mr = await preview(uid('MR'));
    expect([mr.name, mr.frame]).toEqual(['study/MR/MR_small.dcm', 0]);
    expect(Buffer.from(mr.bytes).equals(readFileSync(MR))).toBe(true);
    // rtdose.dcm: one file of 15 frames along z; the middle one is frame 7.
    const rt = await preview(uid('RTDOSE'));
    expect([rt.name, rt.frame]).toEqual(['study/RT/rtdose.dcm', 7]);
    expect(Buffer.from(rt.bytes).equals(Buffer.from(rtdose.bytes))).toBe(true);
    // CT5N's file names run against its volume order: with 4 of them the middle (index 2) tells
    // the orders apart; without its middle file (a gap main refuses to read) the positions still order it.
    const order = segSourceOfSeries(ct5n).dicom.slices.map((sl) => basename(sl.file));
    const middleOf = async (names: string[]) => {
      const files = studyFiles().filter((f) => names.some((n) => f.name.endsWith(`/CT5N/${n}`)));
      const part = result<DicomChoice>(await c.handle('file:dicomSeries', { source: { from: 'upload', uploadId: await uploadBytes(c, files) } }));
      const { name } = result<DicomPreview>(await c.handle('file:dicomPreview', { choice: part.choice, series: '5' }));
      expect(result(await c.handle('file:dicomDiscard', { choice: part.choice }))).toBeNull();
      return name;
    };
    expect(await middleOf(order.slice(1))).toBe(`study/CT5N/${order[3]}`);
    expect(await middleOf([order[0], order[1], order[3], order[4]])).toBe(`study/CT5N/${order[3]}`);
    expect([order.slice(1).sort()[2], [order[0], order[1], order[3], order[4]].sort()[2]]).not.toContain(order[3]);

    const notThere = errorOf(await c.handle('file:dicomPreview', { choice: listing.choice, series: '42' }));
    expect(notThere).toEqual({ code: 'bad-input', message: 'file:dicomPreview: the listed folder holds 3 series; no series "42" in it' });
    expect(errorOf(await c.handle('file:dicomPreview', { choice: 'c000000000000000000000000', series: '5' })).code).toBe('not-found');
    expect(errorOf(await other.handle('file:dicomPreview', { choice: listing.choice, series: '5' })).code).toBe('not-found');
    // The middle slice grown past 64 MiB (sparse) is refused, named by its place in the folder.
    const upload = join(uploadsDir(), readdirSync(uploadsDir()).find((f) => existsSync(join(uploadsDir(), f, ct.name)))!);
    truncateSync(join(upload, ct.name), 64 * 1024 * 1024 + 1);
    const big = errorOf(await c.handle('file:dicomPreview', { choice: listing.choice, series: uid('CT') }));
    expect(big).toEqual({ code: 'bad-input', message: `file:dicomPreview: ${ct.name} is 67108865 bytes (64.0 MiB), over the preview limit of 64 MiB` });
    expect(big.message).not.toContain(ctx.projectDir);
    expect(result(await c.handle('file:dicomDiscard', { choice: listing.choice }))).toBeNull();
    expect(errorOf(await c.handle('file:dicomPreview', { choice: listing.choice, series: '5' })).code).toBe('not-found');
  });

  it('a folder without DICOM, or with only a truncated file, is bad-input naming the folder and why, and its upload is deleted', async () => {
    const c = ctx.host.connect({ role: 'ui' });
    const before = uploadFolders();
    const notes = await uploadBytes(c, [{ name: 'scans/notes.txt', bytes: new TextEncoder().encode('not an image') }, { name: 'scans/more.txt', bytes: new TextEncoder().encode('nor this') }]);
    const e = errorOf(await c.handle('file:dicomSeries', { source: { from: 'upload', uploadId: notes } }));
    expect(e.code).toBe('bad-input');
    expect(e.message).toMatch(/^file:dicomSeries: scans: no DICOM image found \(2 file\(s\) skipped: scans\/more\.txt: .*scans\/notes\.txt: /);
    expect(e.message).not.toContain(ctx.projectDir);
    const truncated = await uploadBytes(c, [{ name: 'broken/MR_truncated.dcm', bytes: new Uint8Array(readFileSync(join(PYDICOM_FILES, 'MR_truncated.dcm'))) }]);
    const t = errorOf(await c.handle('file:dicomSeries', { source: { from: 'upload', uploadId: truncated } }));
    expect(t.code).toBe('bad-input');
    expect(t.message).toMatch(/^file:dicomSeries: broken: no DICOM image found \(1 file\(s\) skipped: broken\/MR_truncated\.dcm: truncated/);
    expect(uploadFolders()).toEqual(before);
    // The upload was taken: listing it again is not-found.
    expect(errorOf(await c.handle('file:dicomSeries', { source: { from: 'upload', uploadId: notes } })).code).toBe('not-found');
  });

  it('a skipped file beside a series is counted and named, relative to the folder', async () => {
    const c = ctx.host.connect({ role: 'ui' });
    const files = [...studyFiles().filter((f) => f.name.includes('CT5N')), { name: 'study/README.txt', bytes: new TextEncoder().encode('hello') }];
    const listing = result<DicomChoice>(await c.handle('file:dicomSeries', { source: { from: 'upload', uploadId: await uploadBytes(c, files) } }));
    expect(listing.series.map((s) => s.images)).toEqual([5]);
    expect(listing.skipped).toBe(1);
    expect(listing.skippedExamples.map((k) => k.name)).toEqual(['study/README.txt']);
    expect(result(await c.handle('file:dicomDiscard', { choice: listing.choice }))).toBeNull();
  });

  it('refuses a dialog over the browser transport and a recent path that is not on the list', async () => {
    const c = ctx.host.connect({ role: 'ui' });
    expect(errorOf(await c.handle('file:dicomSeries', { source: { from: 'dialog' } })).code).toBe('unsupported');
    expect(errorOf(await c.handle('file:dicomSeries', { source: { from: 'drop', path: CT5N } })).code).toBe('forbidden');
    expect(errorOf(await c.handle('file:dicomSeries', { source: { from: 'recent', path: CT5N } })).code).toBe('forbidden');
  });
});

describe.skipIf(!has)('the series picker over Electron: the native folder dialog and a dropped folder', () => {
  let host: ServiceHost;
  let projectDir: string;
  const picked: string[] = [];
  let answer: string | null = null;
  beforeAll(async () => {
    projectDir = mkdtempSync(join(tmpdir(), 'patchlens-dicom-choice-e-'));
    const dialogs = {
      open: async (kind: string) => (picked.push(kind), answer),
      saveReport: async () => null,
      confirmReplace: async () => false,
    };
    host = await createServiceHost({ projectDir, transport: 'electron', dialogs, log: () => undefined });
  });
  afterAll(async () => {
    await host.close();
    rmSync(projectDir, { recursive: true, force: true });
  });

  it('lists the folder the dialog picked (null when cancelled), and a dropped folder; the user\'s folder is never deleted', async () => {
    const c = host.connect({ role: 'ui' });
    expect(result(await c.handle('file:dicomSeries', { source: { from: 'dialog' } }))).toBeNull();
    answer = CT5N;
    const listing = result<DicomChoice>(await c.handle('file:dicomSeries', { source: { from: 'dialog' } }));
    expect(picked).toEqual(['dicom', 'dicom']);
    expect(listing.name).toBe('CT5N');
    expect(listing.series.map((s) => s.images)).toEqual([5]);
    // A dropped file of the series stands for its folder (listed again: the first choice is replaced).
    const dropped = result<DicomChoice>(await c.handle('file:dicomSeries', { source: { from: 'drop', path: join(CT5N, readdirSync(CT5N)[0]) } }));
    expect(dropped.name).toBe('CT5N');
    expect(errorOf(await c.handle('file:open', { kind: 'image', source: { from: 'choice', choice: listing.choice } })).code).toBe('not-found');
    const state = result<SessionState>(await c.handle('file:open', { kind: 'image', source: { from: 'choice', choice: dropped.choice } }));
    expect(state.image?.shape).toEqual([5, 16, 16]);
    expect(readdirSync(CT5N)).toHaveLength(5);
    const notDicom = errorOf(await c.handle('file:dicomSeries', { source: { from: 'drop', path: join(PYDICOM_FILES, 'README.txt') } }));
    expect(notDicom).toEqual({ code: 'bad-input', message: 'file:dicomSeries: README.txt: not a DICOM folder, DICOMDIR or DICOM file' });
  });
});
