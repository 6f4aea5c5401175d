/**
 * readDicomSeries on real DICOM (pydicom's test files), compared with independent readers:
 * voxels exactly with pydicom's pixel_array (and apply_modality_lut), geometry with dcm2niix's
 * NIfTI of the same files (read with the project's NIfTI reader) to 1e-4 mm.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invertAffine, multiply4 } from '../../../shared/io/affine';
import type { Volume } from '../../../shared/io/volume';
import { readDicomSeries, scanDicomFolder, type DicomVolume } from '../../../src-node/dicom';
import { requireTools } from '../../helpers/requireTool';
import { dcm2niix, dicomTools, PYDICOM_FILES, pydicomPixels, writeEnhancedCt } from './oracles';

const has = requireTools('readDicomSeries.test (pydicom, dcm2niix)', dicomTools());
const T = PYDICOM_FILES;
const CT5N = join(T, 'dicomdirtests/98892001/CT5N');
const CT2 = join(T, 'dicomdirtests/77654033/CT2');
const MR700 = join(T, 'dicomdirtests/98892003/MR700');

function folderWith(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'patchlens-dicom-'));
  for (const f of files) copyFileSync(f, join(dir, basename(f)));
  return dir;
}

async function read(input: string | string[]): Promise<DicomVolume> {
  const scan = await scanDicomFolder(input);
  expect(scan.series).toHaveLength(1);
  return readDicomSeries(scan.series[0]);
}

/** Each slice's voxels equal pydicom's apply_modality_lut(pixel_array) of its file exactly; returns how many were compared. */
function expectPydicomVoxels(v: DicomVolume, pick: 'modality' | 'stored' = 'modality'): number {
  const oracle = pydicomPixels([...new Set(v.dicom.slices.map((s) => s.file))]);
  const per = v.shape[1] * v.shape[2];
  v.dicom.slices.forEach((s, k) => {
    const o = oracle[s.file];
    const frame = o.shape.length === 3 ? s.frame : 0;
    let mismatches = 0;
    for (let p = 0; p < per; p++) if (v.data[k * per + p] !== o[pick][frame * per + p]) mismatches++;
    expect(mismatches, `${s.file} frame ${s.frame}: voxels that differ from pydicom`).toBe(0);
  });
  return v.data.length;
}

/**
 * dcm2niix's NIfTI overlays ours: its affine is ours times an index permutation/flip (integer
 * offsets) to 1e-4 mm, and its voxels, moved by that index map, are ours exactly. Returns the
 * largest affine difference in mm.
 */
function expectOverlay(ours: Volume, theirs: Volume): number {
  const p = multiply4(invertAffine(ours.affine), theirs.affine).map((row) => row.map((x) => Math.round(x)));
  for (let r = 0; r < 3; r++) expect(p[r].slice(0, 3).filter((x) => x !== 0).map(Math.abs)).toEqual([1]);
  const mapped = multiply4(ours.affine, p);
  const diff = Math.max(...mapped.flatMap((row, r) => row.map((x, c) => Math.abs(x - theirs.affine[r][c]))));
  expect(diff).toBeLessThan(1e-4);
  expect(theirs.shape).toEqual([0, 1, 2].map((r) => ours.shape[p[r].slice(0, 3).findIndex((x) => x !== 0)]));
  const [nk, nj, ni] = theirs.shape;
  let mismatches = 0;
  for (let k = 0; k < nk; k++) {
    for (let j = 0; j < nj; j++) {
      for (let i = 0; i < ni; i++) {
        const [a, b, c] = [0, 1, 2].map((r) => p[r][0] * k + p[r][1] * j + p[r][2] * i + p[r][3]);
        if (ours.data[(a * ours.shape[1] + b) * ours.shape[2] + c] !== theirs.data[(k * nj + j) * ni + i]) mismatches++;
      }
    }
  }
  expect(mismatches).toBe(0);
  return diff;
}

describe.skipIf(!has)('readDicomSeries on pydicom\'s test files', () => {
  it('CT_small.dcm: 128×128 CT, RescaleIntercept −1024 into int16, voxels = pydicom, geometry = dcm2niix', async () => {
    const v = await read([join(T, 'CT_small.dcm')]);
    expect(v.shape).toEqual([1, 128, 128]);
    expect(v.data).toBeInstanceOf(Int16Array);
    expect(v.dicom.rescaled).toBe(true);
    expect(v.range).toEqual([-896, 1167]);
    expect(v.spacing).toEqual([5, 0.661468, 0.661468]);
    expect(expectPydicomVoxels(v)).toBe(16384);
    expect(expectOverlay(v, dcm2niix(folderWith([join(T, 'CT_small.dcm')])))).toBeLessThan(1e-4);
  });

  it('MR_small.dcm and its encodings (implicit VR, big endian ×2) and a deflated file: voxels = pydicom', async () => {
    const mr = await read([join(T, 'MR_small.dcm')]);
    expect(mr.shape).toEqual([1, 64, 64]);
    expect(mr.data).toBeInstanceOf(Uint16Array);
    expect(expectPydicomVoxels(mr, 'stored')).toBe(4096);
    expectOverlay(mr, dcm2niix(folderWith([join(T, 'MR_small.dcm')])));
    for (const f of ['MR_small_implicit.dcm', 'MR_small_bigendian.dcm', 'MR_small_expb.dcm']) {
      const v = await read([join(T, f)]);
      expect(Array.from(v.data), f).toEqual(Array.from(mr.data));
      expect(v.affine, f).toEqual(mr.affine);
      expectPydicomVoxels(v, 'stored');
    }
    const dfl = await read([join(T, 'image_dfl.dcm')]);
    expect(dfl.dicom.transferSyntaxes).toEqual(['deflated explicit VR little endian']);
    expect(dfl.shape).toEqual([1, 512, 512]);
    expect(expectPydicomVoxels(dfl, 'stored')).toBe(262144);
  });

  it('CT5N: 5 slices sorted by position along the normal (InstanceNumber runs the other way), spacing from the positions', async () => {
    const v = await read(CT5N);
    expect(v.shape).toEqual([5, 16, 16]);
    expect(v.spacing).toEqual([2.5, 0.488281, 0.488281]);
    expect(v.dicom.slices.map((s) => basename(s.file))).toEqual(['3353', '3023', '2693', '2392', '2062']); // InstanceNumber 10, 9, 8, 7, 6
    expect(v.dicom.slices.map((s) => s.position?.[2])).toEqual([-1.2375, 1.2625, 3.7625, 6.2625, 8.7625]);
    expect(v.affine).toEqual([
      [0, 0, -0.488281, 72.199997],
      [0, -0.488281, 0, 143],
      [2.5, 0, 0, -1.2375],
      [0, 0, 0, 1],
    ]);
    expect(expectPydicomVoxels(v)).toBe(1280);
    expect(expectOverlay(v, dcm2niix(CT5N))).toBeLessThan(1e-4);
  });

  it('CT2: the whole series has a 202.5 mm gap (refused, naming the files); its three contiguous slices read and overlay dcm2niix', async () => {
    await expect(read(CT2)).rejects.toThrow(
      new RegExp(`missing slice\\(s\\): the step between ${CT2}/17106 \\(at -99\\.4800 mm\\) and ${CT2}/17136 \\(at 103\\.0200 mm\\) is 202\\.5000 mm, more than 1\\.5× the median step 1\\.2500 mm`),
    );
    const files = ['17136', '17166', '17196'].map((f) => join(CT2, f));
    const v = await read(files);
    expect(v.shape).toEqual([3, 16, 16]);
    expect(v.spacing[0]).toBeCloseTo(1.25, 5);
    expect(expectPydicomVoxels(v)).toBe(768);
    expect(expectOverlay(v, dcm2niix(folderWith(files)))).toBeLessThan(1e-4);
  });

  it('MR700: 7 images with 7 different orientations are refused as a volume; each image alone = pydicom and dcm2niix', async () => {
    await expect(read(MR700)).rejects.toThrow(new RegExp(`inconsistent ImageOrientationPatient: ${MR700}/4467 has \\[0\\.654, 0\\.7565, 0\\.0038, -0\\.0013, 0\\.0061, -1\\], ${MR700}/4528 has`));
    const scan = await scanDicomFolder(MR700);
    expect(scan.series[0].images).toBe(7);
    for (const file of scan.series[0].files) {
      const v = await read([file]);
      expectPydicomVoxels(v, 'stored');
      expect(expectOverlay(v, dcm2niix(folderWith([file])))).toBeLessThan(1e-4);
    }
  });

  it('a multi-frame RT Dose (GridFrameOffsetVector): 15 frames, DoseGridScaling applied (float32), voxels = pydicom × scaling', async () => {
    const v = await read([join(T, 'rtdose.dcm')]);
    expect(v.shape).toEqual([15, 10, 10]);
    expect(v.data).toBeInstanceOf(Float32Array);
    const o = pydicomPixels([join(T, 'rtdose.dcm')])[join(T, 'rtdose.dcm')];
    const scaling = Number(spawnSync('/usr/bin/python3', ['-c', `import pydicom; print(pydicom.dcmread(${JSON.stringify(join(T, 'rtdose.dcm'))}).DoseGridScaling)`], { encoding: 'utf8' }).stdout);
    expect(scaling).toBeGreaterThan(0);
    // GridFrameOffsetVector is ascending here, so frame order is slice order.
    expect(v.dicom.slices.map((s) => s.frame)).toEqual([...Array(15).keys()]);
    expect(Array.from(v.data)).toEqual(o.stored.map((x) => Math.fround(x * scaling)));
  });

  it('an Enhanced CT (multi-frame, PerFrameFunctionalGroupsSequence, frames out of order) written by pydicom from CT5N = CT5N itself, and dcm2niix agrees', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchlens-dicom-'));
    writeEnhancedCt(CT5N, join(dir, 'enhanced.dcm'));
    const scan = await scanDicomFolder(dir);
    expect(scan.series[0].images).toBe(5);
    expect(scan.series[0].instances[0].frameGeometry).toBe('per-frame functional groups');
    const v = await readDicomSeries(scan.series[0]);
    const single = await read(CT5N);
    expect(v.dicom.slices.map((s) => s.frame)).toEqual([2, 4, 0, 3, 1]);
    expect(v.affine).toEqual(single.affine);
    expect(v.spacing).toEqual(single.spacing);
    expect(v.data).toBeInstanceOf(Int16Array);
    expect(Array.from(v.data)).toEqual(Array.from(single.data));
    expect(expectOverlay(v, dcm2niix(dir))).toBeLessThan(1e-4);
  });
});
