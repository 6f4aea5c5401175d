/**
 * `patchlens infer --image <DICOM folder>` writes the prediction as a DICOM SEG too
 * (labels.seg.dcm, issue 15 output): on pydicom's CT5N with the tiny model, the SEG passes
 * dciodvfy with no error, pydicom reads it (AUTOMATIC, the model's name and SHA-256, every source
 * SOP Instance UID), readDicomSeg gives exactly labels.nii.gz's voxels, result.json lists it with
 * its SHA-256; --seg-only and --nifti-only choose; a NIfTI image with --seg-only is refused.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNifti } from '../../shared/io/nifti';
import type { Io } from '../../src-cli/io';
import { main } from '../../src-cli/main';
import { readDicomSeries, scanDicomFolder, type DicomVolume } from '../../src-node/dicom';
import { readDicomSeg } from '../../src-node/dicom/seg';
import { sha256Hex } from '../../src-node/fs/sha256';
import { TINY_MODEL_DIR } from '../fixtures/tiny-model/makeTinyModel';
import { requireTools } from '../helpers/requireTool';
import { PYDICOM_FILES } from '../src-node/dicom/oracles';
import { dciodvfy, pydicomSeg, segTools } from '../src-node/dicom/seg/segOracles';

const has = requireTools('inferSeg.slow.test (pydicom, dciodvfy)', segTools());
const tmp = mkdtempSync(join(tmpdir(), 'patchlens-infer-seg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const folder = join(tmp, 'ct5n');

/** Runs `patchlens infer` with the tiny model (small patches: several windows) and captures its output. */
async function infer(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const log = { out: '', err: '' };
  const io: Io = { out: (s) => void (log.out += s), err: (s) => void (log.err += s), isTTY: false };
  return { code: await main(['infer', '--model', TINY_MODEL_DIR, '--patch', '8', '--overlap', '0.5', '--backend', 'cpu', ...argv], io), ...log };
}

describe.skipIf(!has)('patchlens infer --image <DICOM folder>: labels.seg.dcm', () => {
  let volume: DicomVolume;
  beforeAll(async () => {
    cpSync(join(PYDICOM_FILES, 'dicomdirtests/98892001/CT5N'), folder, { recursive: true });
    volume = await readDicomSeries((await scanDicomFolder(folder)).series[0]);
  });

  it('writes the SEG beside labels.nii.gz: valid, the model named, the voxels exactly the NIfTI labels', async () => {
    const out = join(tmp, 'both');
    const r = await infer('--image', folder, '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(join(out, 'labels.seg.dcm'));
    const segFile = join(out, 'labels.seg.dcm');
    const v = dciodvfy(segFile);
    console.log(`dciodvfy labels.seg.dcm (tiny model on CT5N): ${v.errors.length} error(s), ${v.warnings.length} warning(s)`);
    expect(v.errors).toEqual([]);

    const result = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { model: { name: string; sha256: string }; files: { name: string; sha256: string; bytes: number }[]; classes: { name: string }[] };
    const listed = result.files.find((f) => f.name === 'labels.seg.dcm');
    const bytes = readFileSync(segFile);
    expect(listed).toEqual({ name: 'labels.seg.dcm', sha256: sha256Hex(bytes), bytes: bytes.length });

    const p = pydicomSeg(segFile, volume.dicom.slices[0].file);
    expect(p.segmentLabels).toEqual(result.classes.slice(1).map((c) => c.name));
    expect(p.algorithmTypes.every((t) => t === 'AUTOMATIC')).toBe(true);
    expect(p.algorithmNames[0]).toBe(result.model.name.slice(0, 64));
    expect(p.segmentDescriptions[0]).toContain(`sha256 ${result.model.sha256}`);
    expect(p.contentDescription).toContain(result.model.sha256.slice(0, 16));
    expect([...p.referencedInstances].sort()).toEqual(volume.dicom.slices.map((s) => s.sopInstanceUid).sort());
    expect(p.patientMatches).toBe(true);

    const nifti = readNifti(readFileSync(join(out, 'labels.nii.gz')));
    const back = readDicomSeg(segFile, volume);
    const foreground = [...nifti.data].filter((x) => x > 0).length;
    console.log(`tiny model on CT5N: ${foreground} foreground voxels of ${nifti.data.length}, ${p.numberOfFrames} SEG frame(s)`);
    expect([...back.labels.data]).toEqual([...nifti.data]);
    // No patient identifier in the log or the JSON files.
    const series = (await scanDicomFolder(folder)).series[0];
    for (const id of [series.patientName, series.patientId].filter((s) => s.trim().length > 2)) {
      expect(r.err).not.toContain(id);
      expect(readFileSync(join(out, 'result.json'), 'utf8')).not.toContain(id);
    }
  }, 300_000);

  it('--seg-only writes no labels.nii.gz, --nifti-only no SEG', async () => {
    const seg = await infer('--image', folder, '--out', join(tmp, 'seg'), '--seg-only');
    expect(seg.code, seg.err).toBe(0);
    expect(readdirSync(join(tmp, 'seg'))).toContain('labels.seg.dcm');
    expect(existsSync(join(tmp, 'seg', 'labels.nii.gz'))).toBe(false);
    const nifti = await infer('--image', folder, '--out', join(tmp, 'nifti'), '--nifti-only');
    expect(nifti.code, nifti.err).toBe(0);
    expect(readdirSync(join(tmp, 'nifti'))).toContain('labels.nii.gz');
    expect(existsSync(join(tmp, 'nifti', 'labels.seg.dcm'))).toBe(false);
    // A different choice is a different result: the folder is not reused without --force.
    const again = await infer('--image', folder, '--out', join(tmp, 'nifti'));
    expect(again.code).not.toBe(0);
  }, 300_000);

  it('a NIfTI --image with --seg-only is refused before anything is read', async () => {
    const nii = join(tmp, 'both', 'labels.nii.gz');
    const r = await infer('--image', nii, '--out', join(tmp, 'refused'), '--seg-only');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`--seg-only: a SEG needs a DICOM source series; --image ${nii} is not DICOM`);
    expect(existsSync(join(tmp, 'refused'))).toBe(false);
  }, 60_000);
});
