/**
 * The app's DICOM SEG export (issue 15, "Output"; services over the browser transport): pydicom's
 * CT5N series (16×16×5) uploaded as a folder opens as the image; a label map on its grid opens
 * as the reference; `seg:export` writes `exports/<image>-labels.seg.dcm` that reads back
 * (readDicomSeg) to exactly the voxels, MANUAL for labels from a file, SEMIAUTOMATIC after an edit
 * with a semi-automatic tool, referencing the series' SOP Instance UIDs and Frame of Reference,
 * with a new SeriesInstanceUID, and no error from dciodvfy. A run on the DICOM image exports
 * as AUTOMATIC with the model's name. The demo's NIfTI image has no series: `precondition`,
 * and nothing is written. An existing file answers `conflict` until `replace`.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SegExport, SegPlan, SessionState } from '../../../shared/api/contract';
import { readNifti, writeNifti } from '../../../shared/io/nifti';
import { createServiceHost } from '../../../src-node/app/createServiceHost';
import type { ServiceConnection, ServiceHost } from '../../../src-node/app/serviceHost';
import { readDicomSource } from '../../../src-node/app/dicomSource';
import { readDicomSeg } from '../../../src-node/dicom/seg';
import { errorOf, jobEnd, openUpload, result, uploadBytes } from '../../helpers/hostEnvelopes';
import { requireTools } from '../../helpers/requireTool';
import { PYDICOM_FILES } from '../dicom/oracles';
import { dciodvfy, segTools } from '../dicom/seg/segOracles';

const has = requireTools('exportSeg.slow.test (pydicom\'s test files, dciodvfy)', segTools());
const CT5N = join(PYDICOM_FILES, 'dicomdirtests/98892001/CT5N');
const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** A folder's files as an upload names them (`CT5N/2062`, …). */
function folderFiles(dir: string, prefix: string): { name: string; bytes: Uint8Array }[] {
  return readdirSync(dir).map((f) => ({ name: `${prefix}/${f}`, bytes: new Uint8Array(readFileSync(join(dir, f))) }));
}

/** The label values of a SEG read back: each voxel's segment number mapped to its label value. */
function valuesOf(read: ReturnType<typeof readDicomSeg>, exported: SegExport): number[] {
  const valueOf = new Map(exported.segments.map((s) => [s.number, s.value]));
  return Array.from(read.labels.data, (n) => (n === 0 ? 0 : valueOf.get(n)!));
}

describe.skipIf(!has)('exporting a DICOM SEG from the app (services)', { timeout: 300_000 }, () => {
  let host: ServiceHost;
  let projectDir: string;
  let c: ServiceConnection;
  let image: NonNullable<SessionState['image']>;
  let labels: Uint8Array;
  beforeAll(async () => {
    projectDir = mkdtempSync(join(tmpdir(), 'patchlens-export-seg-'));
    host = await createServiceHost({ projectDir, transport: 'http', downloadBase: '/files', log: () => undefined });
    c = host.connect({ role: 'ui' });
    const uploadId = await uploadBytes(c, folderFiles(CT5N, 'CT5N'));
    image = result<SessionState>(await c.handle('file:open', { kind: 'image', source: { from: 'upload', uploadId } })).image!;
    // Two labels on the image's grid: 1 in slices 0–1, 2 in a corner of slice 3; written "like" the image.
    const nifti = readNifti(readFileSync(image.path!));
    labels = new Uint8Array(5 * 16 * 16);
    for (let p = 0; p < 2 * 256; p++) if (p % 16 > 3) labels[p] = 1;
    for (let j = 0; j < 4; j++) for (let i = 0; i < 5; i++) labels[3 * 256 + j * 16 + i] = 2;
    const bytes = writeNifti({ data: labels, shape: [5, 16, 16], spacing: nifti.spacing, affine: nifti.affine }, { like: nifti.header, datatype: 'uint8' });
    const labelUpload = await uploadBytes(c, [{ name: 'ct5n-labels.nii.gz', bytes }]);
    result(await c.handle('file:open', { kind: 'label', source: { from: 'upload', uploadId: labelUpload } }));
  });
  afterAll(async () => {
    await host.close();
    rmSync(projectDir, { recursive: true, force: true });
  });

  it('writes the opened label file as a MANUAL SEG of the series: exactly its voxels, the series\' UIDs, dciodvfy clean', async () => {
    const plan = result<SegPlan>(await c.handle('seg:plan', { what: 'reference' }));
    expect(plan.problem).toBeNull();
    expect(plan.series?.images).toBe(5);
    expect(plan.algorithm).toEqual({ type: 'MANUAL', name: null, summary: 'from the file ct5n-labels.nii.gz, not edited' });
    expect(plan.segments.map((s) => [s.value, s.voxels])).toEqual([[1, 2 * 16 * 12], [2, 20]]);

    const out = result<SegExport>(await c.handle('seg:export', { what: 'reference' }));
    expect(out.path).toBe(join(projectDir, 'exports', plan.fileName));
    expect(plan.fileName).toMatch(/^series-5-.*-labels\.seg\.dcm$/);
    expect(out.url).toBe(`/files/exports/${plan.fileName}`);
    expect(host.resolveDownload(out.url!)).toBe(out.path);

    const record = readDicomSource(image.path!, image.sha256)!;
    const read = readDicomSeg(out.path, record.source);
    expect(valuesOf(read, out)).toEqual(Array.from(labels));
    expect(read.segments.map((s) => [s.label, s.algorithmType, s.description])).toEqual([
      ['label 1', 'MANUAL', `Reference labels of ${image.name} in PatchLens: from the file ct5n-labels.nii.gz, not edited`],
      ['label 2', 'MANUAL', `Reference labels of ${image.name} in PatchLens: from the file ct5n-labels.nii.gz, not edited`],
    ]);
    expect(read.seriesInstanceUid).toBe(out.seriesInstanceUid);
    expect(read.seriesInstanceUid).not.toBe(record.source.dicom.seriesInstanceUid);
    // The SEG references the series' every slice and its Frame of Reference (pydicom's reading).
    const py = JSON.parse(
      (await import('node:child_process')).spawnSync(
        '/usr/bin/python3',
        ['-c', 'import json,sys,pydicom; d=pydicom.dcmread(sys.argv[1]); print(json.dumps({"for": d.FrameOfReferenceUID, "study": d.StudyInstanceUID, "refs": [i.ReferencedSOPInstanceUID for i in d.ReferencedSeriesSequence[0].ReferencedInstanceSequence], "series": d.ReferencedSeriesSequence[0].SeriesInstanceUID}))', out.path],
        { encoding: 'utf8' },
      ).stdout,
    ) as { for: string; study: string; refs: string[]; series: string };
    expect(py.refs).toEqual(record.source.dicom.slices.map((s) => s.sopInstanceUid));
    expect(py.for).toBe(record.source.dicom.frameOfReferenceUid);
    expect(py.study).toBe(record.source.dicom.studyInstanceUid);
    expect(py.series).toBe(record.source.dicom.seriesInstanceUid);
    const verdict = dciodvfy(out.path);
    expect(verdict.errors, verdict.output).toEqual([]);
  });

  it('answers conflict on an existing file until replace, and a replaced SEG is a new series', async () => {
    const first = result<SegExport>(await c.handle('seg:export', { what: 'reference', replace: true }));
    const conflict = errorOf(await c.handle('seg:export', { what: 'reference' }));
    expect(conflict).toEqual({ code: 'conflict', message: `seg:export: ${basename(first.path)} exists in ${join(projectDir, 'exports')}: exporting replaces it` });
    const before = readFileSync(first.path);
    const again = result<SegExport>(await c.handle('seg:export', { what: 'reference', replace: true }));
    expect(again.path).toBe(first.path);
    expect(again.seriesInstanceUid).not.toBe(first.seriesInstanceUid);
    expect(readFileSync(again.path).equals(before)).toBe(false);
  });

  it('a run on the DICOM image exports as AUTOMATIC with the model\'s name: exactly its labels', async () => {
    // The bundled demo model (a small MeshNet), uploaded as a folder.
    const state = result<SessionState>(await openUpload(c, 'model', folderFiles(join(repo, 'demo/model'), 'model')));
    expect(state.model).not.toBeNull();
    // The inference grid comes once the worker computed it (the whole grid is one small window).
    let grid = state.inferenceGrid ?? null;
    while (!grid) {
      await new Promise((r) => setTimeout(r, 100));
      grid = result<SessionState>(await c.handle('session:get', {})).inferenceGrid ?? null;
    }
    const { jobId } = result<{ jobId: string }>(await c.handle('run:start', { settings: { patchSize: grid, overlap: 0, placement: 'stride', blend: 'constant', measure: 'crossEntropy' } }));
    const job = await jobEnd(c, jobId);
    expect(job.state, JSON.stringify(job.error)).toBe('done');
    const runId = job.resultId!;
    const plan = result<SegPlan>(await c.handle('seg:plan', { what: 'run', runId }));
    expect(plan.problem).toBeNull();
    expect(plan.algorithm.type).toBe('AUTOMATIC');
    expect(plan.algorithm.name).toBe(state.model!.name);
    const out = result<SegExport>(await c.handle('seg:export', { what: 'run', runId }));
    expect(out.path).toBe(join(projectDir, 'exports', `${plan.fileName}`));
    const record = readDicomSource(image.path!, image.sha256)!;
    const read = readDicomSeg(out.path, record.source);
    const runLabels = readNifti(readFileSync(join(projectDir, 'runs', runId, 'labels.nii.gz')));
    expect(valuesOf(read, out)).toEqual(Array.from(runLabels.data));
    expect(read.segments.map((s) => [s.algorithmType, s.algorithmName])).toEqual(out.segments.map(() => ['AUTOMATIC', state.model!.name.slice(0, 64).trim()]));
    // SegmentAlgorithmName is an LO (64 characters); the full name and the hash are in each SegmentDescription.
    expect(read.segments[0].description).toContain(state.model!.name);
    expect(read.segments[0].description).toContain(`sha256 ${state.model!.sha256}`);
    expect(dciodvfy(out.path).errors).toEqual([]);
    // From a session showing another image (the demo's NIfTI): the record beside the run's own image.
    const other = host.connect({ role: 'ui' });
    expect(result<SessionState>(await other.handle('session:openDemo', {})).dicom).toBeNull();
    const fromOther = result<SegExport>(await other.handle('seg:export', { what: 'run', runId, replace: true }));
    expect(valuesOf(readDicomSeg(fromOther.path, record.source), fromOther)).toEqual(Array.from(runLabels.data));
  });

  it('after an edit with a semi-automatic tool, the annotation\'s working map is SEMIAUTOMATIC', async () => {
    result(await c.handle('annotation:open', { start: 'reference' }));
    // A brush stroke alone stays MANUAL.
    result(await c.handle('annotation:edit', { diff: { indices: Uint32Array.of(0), before: 0, after: 2 }, step: 'Brush circle 3 mm, label 2' }));
    const manual = result<SegPlan>(await c.handle('seg:plan', { what: 'reference' }));
    expect(manual.algorithm.type).toBe('MANUAL');
    expect(manual.algorithm.summary).toBe('from the file ct5n-labels.nii.gz, edited with brush');
    // A region grow (flood fill with a tolerance) on slice 4.
    const grown = Uint32Array.from({ length: 10 }, (_, k) => 4 * 256 + 100 + k);
    result(await c.handle('annotation:edit', { diff: { indices: grown, before: 0, after: 1 }, step: 'Flood fill 2-D ±50, label 1' }));
    const out = result<SegExport>(await c.handle('seg:export', { what: 'reference', replace: true }));
    expect(out.algorithm).toEqual({ type: 'SEMIAUTOMATIC', name: 'PatchLens region grow', summary: 'from the file ct5n-labels.nii.gz, edited with brush, region grow' });
    const expected = Uint8Array.from(labels);
    expected[0] = 2;
    for (const k of grown) expected[k] = 1;
    const record = readDicomSource(image.path!, image.sha256)!;
    const read = readDicomSeg(out.path, record.source);
    expect(valuesOf(read, out)).toEqual(Array.from(expected));
    expect(read.segments.map((s) => [s.algorithmType, s.algorithmName])).toEqual([
      ['SEMIAUTOMATIC', 'PatchLens region grow'],
      ['SEMIAUTOMATIC', 'PatchLens region grow'],
    ]);
    expect(dciodvfy(out.path).errors).toEqual([]);
  });

  it('with native dialogs: writes where the save dialog says, nothing when cancelled, never over an input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchlens-export-seg-electron-'));
    const labelFile = join(dir, 'ct5n-labels.nii.gz');
    const nifti = readNifti(readFileSync(image.path!));
    writeFileSync(labelFile, writeNifti({ data: labels, shape: [5, 16, 16], spacing: nifti.spacing, affine: nifti.affine }, { like: nifti.header, datatype: 'uint8' }));
    const answers = [join(dir, 'mine.seg.dcm'), null, labelFile];
    const asked: string[] = [];
    const dialogs = {
      open: async (kind: string) => (kind === 'image' ? CT5N : kind === 'label' ? labelFile : null),
      saveReport: async () => null,
      confirmReplace: async () => false,
      saveSeg: async (name: string) => (asked.push(name), answers.shift() ?? null),
    };
    const electron = await createServiceHost({ projectDir: join(dir, 'project'), transport: 'electron', dialogs, log: () => undefined });
    try {
      const e = electron.connect({ role: 'ui' });
      result(await e.handle('file:open', { kind: 'image', source: { from: 'dialog' } }));
      result(await e.handle('file:open', { kind: 'label', source: { from: 'dialog' } }));
      const out = result<SegExport>(await e.handle('seg:export', { what: 'reference' }));
      expect(asked[0]).toMatch(/^series-5-.*-labels\.seg\.dcm$/);
      expect(out.path).toBe(join(dir, 'mine.seg.dcm'));
      expect(out.url).toBeNull();
      expect(result(await e.handle('seg:export', { what: 'reference' }))).toBeNull();
      const refused = errorOf(await e.handle('seg:export', { what: 'reference' }));
      expect(refused).toEqual({ code: 'bad-input', message: `seg:export: ${labelFile} is an input of this SEG (the image, its labels or a file of its series): choose another file` });
      expect(readNifti(readFileSync(labelFile)).data).toEqual(labels);
    } finally {
      await electron.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the demo\'s NIfTI image has no series: the plan says why, the export is a precondition error and writes nothing', async () => {
    const d = host.connect({ role: 'ui' });
    const state = result<SessionState>(await d.handle('session:openDemo', {}));
    expect(state.dicom).toBeNull();
    const before = readdirSync(join(projectDir, 'exports'));
    const message = `${state.image!.name} was opened from NIfTI: there is no DICOM series for a SEG to reference (open the DICOM series to export a SEG)`;
    const plan = result<SegPlan>(await d.handle('seg:plan', { what: 'reference' }));
    expect(plan.series).toBeNull();
    expect(plan.problem).toBe(message);
    const error = errorOf(await d.handle('seg:export', { what: 'reference' }));
    expect(error).toEqual({ code: 'precondition', message: `seg:export: ${message}` });
    expect(readdirSync(join(projectDir, 'exports'))).toEqual(before);
    expect(existsSync(join(projectDir, 'exports', plan.fileName))).toBe(false);
  });
});
