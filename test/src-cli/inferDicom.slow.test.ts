/**
 * `patchlens infer --image <DICOM folder>` (issue 15, input): pydicom's real series (Debian
 * python3-pydicom's test files: CT5N, 5 slices; MR_small, one slice) run through the tiny model.
 * The outputs are on the series' grid with the series' geometry (the reader's affine, checked
 * against dcm2niix in test/src-node/dicom), the provenance names the series by its UIDs and holds
 * no patient identifier, a folder with two series asks for --series (listing them) and takes it,
 * and nothing is written into the DICOM folder.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNifti } from '../../shared/io/nifti';
import type { Io } from '../../src-cli/io';
import { main } from '../../src-cli/main';
import { readDicomSeries, scanDicomFolder } from '../../src-node/dicom';
import { TINY_MODEL_DIR } from '../fixtures/tiny-model/makeTinyModel';
import { requireTools } from '../helpers/requireTool';
import { repoRoot } from '../helpers/sharedData';
import { dicomTools, PYDICOM_FILES } from '../src-node/dicom/oracles';

const has = requireTools('inferDicom.slow.test (pydicom\'s test files)', dicomTools());
const CT5N = join(PYDICOM_FILES, 'dicomdirtests/98892001/CT5N');
const tmp = mkdtempSync(join(tmpdir(), 'patchlens-infer-dicom-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function infer(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = { out: (s) => void (out += s), err: (s) => void (err += s), isTTY: false };
  const code = await main(['infer', '--model', TINY_MODEL_DIR, '--patch', '24', '--overlap', '0', '--backend', 'cpu', ...argv], io);
  return { code, out, err };
}

const listing = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

describe.skipIf(!has)('patchlens infer --image <DICOM folder>', () => {
  it('runs on a DICOM series: outputs on its grid with its geometry, the series in the provenance, no patient identifiers', async () => {
    const folder = join(tmp, 'ct5n');
    cpSync(CT5N, folder, { recursive: true });
    const before = listing(folder);
    const out = join(tmp, 'out-ct5n');
    const r = await infer('--image', folder, '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/infer: DICOM series \d+ \([\d.]+, CT, 5 images\) → 5×16×16 voxels/);
    const scan = await scanDicomFolder(folder);
    const series = scan.series[0];
    const volume = await readDicomSeries(series);
    const labels = readNifti(readFileSync(join(out, 'labels.nii.gz')));
    expect(labels.shape).toEqual(volume.shape);
    labels.affine.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(volume.affine[i][j], 4)));
    const result = readFileSync(join(out, 'result.json'), 'utf8');
    const parsed = JSON.parse(result) as { inputs?: { image: { dicomSeries?: { seriesInstanceUid: string; images: number } } }; meta?: unknown };
    const recorded = JSON.stringify(parsed);
    expect(recorded).toContain(`"dicomSeries":{"seriesInstanceUid":"${series.seriesInstanceUid}","seriesNumber":5,"modality":"CT"`);
    expect(recorded).toContain('"images":5');
    // Patient identifiers stay out of the provenance and the log.
    for (const id of [series.patientName, series.patientId].filter((s) => s.trim().length > 2)) {
      for (const f of readdirSync(out)) if (f.endsWith('.json')) expect(readFileSync(join(out, f), 'utf8')).not.toContain(id);
      expect(r.err).not.toContain(id);
    }
    expect(listing(folder)).toEqual(before);
    // One file of the series opens the whole series, as a viewer does.
    const one = await infer('--image', series.files[2], '--out', join(tmp, 'out-one-file'));
    expect(one.code, one.err + one.out).toBe(0);
    expect(readNifti(readFileSync(join(tmp, 'out-one-file', 'labels.nii.gz'))).shape).toEqual(volume.shape);
  }, 300_000);

  it('asks which series of a folder with two, lists them without patient identifiers, and takes --series', async () => {
    const folder = join(tmp, 'two');
    cpSync(CT5N, join(folder, 'ct'), { recursive: true });
    cpSync(join(PYDICOM_FILES, 'MR_small.dcm'), join(folder, 'mr', 'MR_small.dcm'));
    const scan = await scanDicomFolder(folder);
    expect(scan.series).toHaveLength(2);
    const missing = await infer('--image', folder, '--out', join(tmp, 'out-two'));
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain(`--image ${folder}: 2 series in it; choose one with --series <SeriesInstanceUID or series number>`);
    for (const s of scan.series) expect(missing.err).toContain(s.seriesInstanceUid);
    for (const s of scan.series) if (s.patientName.trim().length > 2) expect(missing.err).not.toContain(s.patientName);
    const mr = scan.series.find((s) => s.modality === 'MR')!;
    const picked = await infer('--image', folder, '--series', mr.seriesInstanceUid, '--out', join(tmp, 'out-mr'));
    expect(picked.code, picked.err).toBe(0);
    expect(readNifti(readFileSync(join(tmp, 'out-mr', 'labels.nii.gz'))).shape).toEqual([1, 64, 64]);
    const wrong = await infer('--image', folder, '--series', '1.2.3.4', '--out', join(tmp, 'out-wrong'));
    expect(wrong.err).toContain('no series "1.2.3.4" in it');
  }, 300_000);

  it('refuses --series with a NIfTI image, and an --out inside the DICOM folder', async () => {
    const demo = join(repoRoot, 'demo', 'data', 'ch2-2mm_t1.nii.gz');
    const nifti = await infer('--image', demo, '--series', '3', '--out', join(tmp, 'o'));
    expect(nifti.code).not.toBe(0);
    expect(nifti.err).toContain(`--series 3: --image ${demo} is not DICOM`);
    const folder = join(tmp, 'guarded');
    cpSync(CT5N, folder, { recursive: true });
    const inside = await infer('--image', folder, '--out', join(folder, 'result'));
    expect(inside.code).not.toBe(0);
    expect(inside.err).toMatch(/--out/);
    expect(listing(folder)).not.toContain('result');
  }, 300_000);
});
