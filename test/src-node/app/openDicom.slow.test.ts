/**
 * The app's services open a DICOM series (issue 15, input in the app, service side): a folder
 * uploaded over the browser transport (files named by their path in the folder, as
 * `<input webkitdirectory>` sends them) opens as the session's image — converted once into the
 * project's dicom/ folder as a NIfTI on the series' grid (voxels and affine = readDicomSeries);
 * a folder with two series is refused listing them until `series` names one; `series` with a
 * label map or a NIfTI is refused. pydicom's CT5N and MR_small (Debian python3-pydicom).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionState } from '../../../shared/api/contract';
import { readNifti } from '../../../shared/io/nifti';
import { createServiceHost } from '../../../src-node/app/createServiceHost';
import type { ServiceHost } from '../../../src-node/app/serviceHost';
import { readDicomSeries, scanDicomFolder } from '../../../src-node/dicom';
import { readDicomSource } from '../../../src-node/app/dicomSource';
import { errorOf, result, uploadBytes } from '../../helpers/hostEnvelopes';
import { requireTools } from '../../helpers/requireTool';
import { dicomTools, PYDICOM_FILES } from '../dicom/oracles';

const has = requireTools('openDicom.slow.test (pydicom\'s test files)', dicomTools());
const CT5N = join(PYDICOM_FILES, 'dicomdirtests/98892001/CT5N');
const MR = join(PYDICOM_FILES, 'MR_small.dcm');

/** A folder's files as an upload names them (`CT5N/2062`, …). */
function folderFiles(dir: string, prefix: string): { name: string; bytes: Uint8Array }[] {
  return readdirSync(dir).map((f) => ({ name: `${prefix}/${f}`, bytes: new Uint8Array(readFileSync(join(dir, f))) }));
}

describe.skipIf(!has)('opening a DICOM folder in the app (services)', () => {
  let host: ServiceHost;
  let projectDir: string;
  beforeAll(async () => {
    projectDir = mkdtempSync(join(tmpdir(), 'patchlens-open-dicom-'));
    host = await createServiceHost({ projectDir, transport: 'http', log: () => undefined });
  });
  afterAll(async () => {
    await host.close();
    rmSync(projectDir, { recursive: true, force: true });
  });

  it('opens an uploaded DICOM folder as the image: a NIfTI of the series in the project, on its grid', async () => {
    const c = host.connect({ role: 'ui' });
    const uploadId = await uploadBytes(c, folderFiles(CT5N, 'CT5N'));
    const state = result<SessionState>(await c.handle('file:open', { kind: 'image', source: { from: 'upload', uploadId } }));
    expect(state.image?.shape).toEqual([5, 16, 16]);
    expect(state.image?.path).toContain(join(projectDir, 'dicom'));
    expect(state.image?.name).toMatch(/^series-5-.*\.nii$/);
    const scan = await scanDicomFolder(CT5N);
    const expected = await readDicomSeries(scan.series[0]);
    const opened = readNifti(readFileSync(state.image!.path!));
    expect(Array.from(opened.data)).toEqual(Array.from(expected.data));
    opened.affine.forEach((row, r) => row.forEach((x, k) => expect(x).toBeCloseTo(expected.affine[r][k], 4)));
    // No patient identifier in the file name or the session's image.
    expect(JSON.stringify(state.image)).not.toContain(scan.series[0].patientName);
    expect(JSON.stringify(state.image)).not.toContain(scan.series[0].patientId);
    // The series' description for the viewer's header, patient identifiers included (only there).
    expect(state.dicom?.series).toEqual({ instanceUid: scan.series[0].seriesInstanceUid, number: 5, description: scan.series[0].seriesDescription, modality: 'CT', images: 5 });
    expect(state.dicom?.patient.id).toBe(scan.series[0].patientId);
    expect(state.dicom?.patient.name).toBe(scan.series[0].patientName.replace(/\^+/g, ' ').trim());
    expect(state.dicom?.study.date).toBe(scan.series[0].studyDate);
    // The record beside the NIfTI keeps what a SEG must reference: the slices' SOP Instance UIDs in volume order.
    const record = readDicomSource(state.image!.path!, state.image!.sha256);
    expect(record?.source.dicom.slices.map((x) => x.sopInstanceUid)).toEqual(expected.dicom.slices.map((x) => x.sopInstanceUid));
    expect(record?.source.dicom.frameOfReferenceUid).toBe(expected.dicom.frameOfReferenceUid);
    expect(readDicomSource(state.image!.path!, 'f'.repeat(64))).toBeNull();
  });

  it('a NIfTI image has no DICOM source', async () => {
    const c = host.connect({ role: 'ui' });
    const state = result<SessionState>(await c.handle('session:openDemo', {}));
    expect(state.image).not.toBeNull();
    expect(state.dicom).toBeNull();
  });

  it('refuses a folder with two series, listing them, until series names one', async () => {
    const c = host.connect({ role: 'ui' });
    const files = [...folderFiles(CT5N, 'study/CT5N'), { name: 'study/MR/MR_small.dcm', bytes: new Uint8Array(readFileSync(MR)) }];
    const first = await uploadBytes(c, files);
    const e = errorOf(await c.handle('file:open', { kind: 'image', source: { from: 'upload', uploadId: first } }));
    expect(e.code).toBe('bad-input');
    expect(e.message).toMatch(/2 series in it; choose one with the series choice/);
    const mrUid = (await scanDicomFolder([MR])).series[0].seriesInstanceUid;
    expect(e.message).toContain(mrUid);
    const again = await uploadBytes(c, files);
    const state = result<SessionState>(await c.handle('file:open', { kind: 'image', source: { from: 'upload', uploadId: again }, series: mrUid }));
    expect(state.image?.shape).toEqual([1, 64, 64]);
  });

  it('refuses series for a label map', async () => {
    const c = host.connect({ role: 'ui' });
    const e = errorOf(await c.handle('file:open', { kind: 'label', source: { from: 'upload', uploadId: 'u1' }, series: '5' }));
    expect(e.message).toContain("series chooses a DICOM image's series; it is not for a label");
  });
});
