/**
 * saveLabels writes a label NIfTI that overlays its image exactly: an independent reader
 * (nifti-reader-js, the file inflated with node:zlib) finds every voxel as saved and the
 * image's qform and sform (codes and matrices) unchanged — on the real MRIcron ch2 image with
 * a brain mask from ch2bet (uint8) and a uint16 case, and on an anisotropic synthetic image
 * whose qform and sform differ. Slow: the ch2 round trips inflate and deflate 7 M voxels.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as nifti from 'nifti-reader-js';
import { afterAll, describe, expect, it } from 'vitest';
import { readNifti, type NiftiHeaderInfo } from '../../../shared/io/nifti';
import { encodeNifti1Header } from '../../../shared/io/niftiHeader';
import { saveLabels } from '../../../src-node/annotation/saveLabels';
import { decodeLabelNifti, NIFTI_INTENT_LABEL } from '../../../src-node/annotation/labelNifti';
import { OutputRefusedError } from '../../../src-node/fs/outputGuard';
import { sharedDir } from '../../helpers/sharedData';

const tmp = mkdtempSync(join(tmpdir(), 'patchlens-labels-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const mricron = (name: string) => resolve(sharedDir, 'data', 'mricron', name);

/** A file as nifti-reader-js sees it: its header and its voxels' raw bytes. */
function independentRead(path: string): { h: nifti.NIFTI1; raw: ArrayBuffer; voxels: ArrayBuffer } {
  const file = readFileSync(path);
  const raw = new Uint8Array(file[0] === 0x1f && file[1] === 0x8b ? gunzipSync(file) : file).buffer;
  expect(nifti.isNIFTI1(raw)).toBe(true);
  const h = nifti.readHeader(raw) as nifti.NIFTI1;
  return { h, raw, voxels: nifti.readImage(h, raw) };
}

/** srow_x/y/z straight from the header bytes (nifti-reader-js keeps them only when sform_code wins). */
function srows(raw: ArrayBuffer, littleEndian: boolean): number[][] {
  const v = new DataView(raw);
  return [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => v.getFloat32(280 + 16 * r + 4 * c, littleEndian)));
}

/** Checks the saved file against the labels and the image file, both read by nifti-reader-js. */
function expectOverlay(saved: string, imagePath: string, labels: Uint8Array | Uint16Array, datatype: 'uint8' | 'uint16'): void {
  expect(readFileSync(saved).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // written gzipped
  const out = independentRead(saved);
  const img = independentRead(imagePath);
  expect(out.h.datatypeCode).toBe(datatype === 'uint8' ? 2 : 512);
  expect(out.h.numBitsPerVoxel).toBe(datatype === 'uint8' ? 8 : 16);
  expect(out.h.scl_slope).toBe(1);
  expect(out.h.scl_inter).toBe(0);
  expect(out.h.intent_code).toBe(NIFTI_INTENT_LABEL);
  expect(out.h.dims.slice(0, 4)).toEqual([3, ...img.h.dims.slice(1, 4)]);
  expect(out.h.pixDims.slice(0, 4)).toEqual(img.h.pixDims.slice(0, 4));
  expect(out.h.qform_code).toBe(img.h.qform_code);
  expect(out.h.sform_code).toBe(img.h.sform_code);
  expect([out.h.quatern_b, out.h.quatern_c, out.h.quatern_d, out.h.qoffset_x, out.h.qoffset_y, out.h.qoffset_z]).toEqual([
    img.h.quatern_b,
    img.h.quatern_c,
    img.h.quatern_d,
    img.h.qoffset_x,
    img.h.qoffset_y,
    img.h.qoffset_z,
  ]);
  expect(out.h.getQformMat()).toEqual(img.h.getQformMat());
  expect(srows(out.raw, out.h.littleEndian)).toEqual(srows(img.raw, img.h.littleEndian));
  expect(out.h.affine).toEqual(img.h.affine); // the transform nifti-reader-js itself would use
  const voxels = datatype === 'uint8' ? new Uint8Array(out.voxels) : new Uint16Array(out.voxels);
  expect(voxels.length).toBe(labels.length);
  let differ = 0;
  for (let i = 0; i < labels.length; i++) if (voxels[i] !== labels[i]) differ++;
  expect(differ).toBe(0);
}

describe('saveLabels on the MRIcron ch2 image (181×217×181, sform_code 4, qform_code 0)', () => {
  const imagePath = mricron('ch2.nii.gz');
  const image = readNifti(readFileSync(imagePath));
  const bet = readNifti(readFileSync(mricron('ch2bet.nii.gz'))).data;
  const mask = new Uint8Array(bet.length);
  for (let i = 0; i < bet.length; i++) mask[i] = bet[i] > 0 ? 1 : 0;
  const brainVoxels = mask.reduce((s, v) => s + v, 0);

  it('a brain mask (ch2bet > 0) is written as uint8 and read back voxel for voxel with the image geometry', () => {
    expect(brainVoxels).toBeGreaterThan(1_000_000); // a real mask, not an empty one
    const target = join(tmp, 'ch2-labels.nii.gz');
    const saved = saveLabels(target, mask, { path: imagePath, header: image.header });
    expect(saved.datatype).toBe('uint8');
    expectOverlay(target, imagePath, mask, 'uint8');
    // and PatchLens's own reader agrees: same affine as the image, same voxels
    const back = readNifti(readFileSync(target));
    expect(back.affine).toEqual(image.affine);
    expect(back.header.qform).toEqual(image.header.qform);
  });

  it('a Uint16Array whose values are all ≤ 255 is written as uint8; a label 300 makes it uint16', () => {
    const wide = Uint16Array.from(mask);
    const asU8 = saveLabels(join(tmp, 'ch2-u8.nii.gz'), wide, { path: imagePath, header: image.header });
    expect(asU8.datatype).toBe('uint8');
    expectOverlay(join(tmp, 'ch2-u8.nii.gz'), imagePath, wide, 'uint8');
    // a label above 255 in a block of the brain, and one at the last voxel
    for (let i = 3_000_000; i < 3_000_500; i++) if (wide[i]) wide[i] = 300;
    wide[wide.length - 1] = 65535;
    const target = join(tmp, 'ch2-u16.nii.gz');
    const saved = saveLabels(target, wide, { path: imagePath, header: image.header });
    expect(saved.datatype).toBe('uint16');
    expectOverlay(target, imagePath, wide, 'uint16');
    const decoded = decodeLabelNifti(target, readFileSync(target), image.header);
    expect(decoded.datatype).toBe('uint16');
    expect(Buffer.from(decoded.labels.buffer, decoded.labels.byteOffset, decoded.labels.byteLength).equals(Buffer.from(wide.buffer))).toBe(true);
  });

  it('refuses to write over the image (the output guard), and leaves it as it was', () => {
    const copy = join(tmp, 'ch2-copy.nii.gz');
    writeFileSync(copy, readFileSync(imagePath));
    expect(() => saveLabels(copy, mask, { path: copy, header: image.header })).toThrow(OutputRefusedError);
    expect(() => saveLabels(copy, mask, { path: copy, header: image.header })).toThrow(/saveLabels: target .*ch2-copy\.nii\.gz is the image file; choose another target/);
    expect(readFileSync(copy).equals(readFileSync(imagePath))).toBe(true);
  });

  it('refuses labels that do not fit the grid, naming both sizes', () => {
    expect(() => saveLabels(join(tmp, 'bad.nii.gz'), new Uint8Array(10), { path: imagePath, header: image.header })).toThrow(
      'encodeLabelNifti: labels have 10 values, the image grid 181×217×181 has 7109137 voxels',
    );
    expect(() => saveLabels(join(tmp, 'bad.nii.gz'), new Float32Array(7109137) as unknown as Uint8Array, { path: imagePath, header: image.header })).toThrow(
      /labels must be a Uint8Array or a Uint16Array, got \[object Float32Array\]/,
    );
  });
});

/** An anisotropic int16 image with a scaling, a qform (code 1) and a different, sheared sform (code 2). */
function syntheticImage(path: string): NiftiHeaderInfo {
  const [ni, nj, nk] = [7, 5, 3];
  const header = encodeNifti1Header({
    dim: [3, ni, nj, nk, 1, 1, 1, 1],
    datatypeCode: 4,
    bitpix: 16,
    pixdim: [-1, 0.7, 1.3, 2.5, 0, 0, 0, 0],
    voxOffset: 352,
    sclSlope: 2,
    sclInter: -5,
    calMin: 0,
    calMax: 0,
    xyztUnits: 2 + 8,
    description: 'synthetic',
    auxFile: '',
    qformCode: 1,
    sformCode: 2,
    quatern: { b: 0.1, c: 0.2, d: 0.3, x: -10.5, y: 20.25, z: 3.125, qfac: -1 },
    sform: [
      [0.7, 0.1, 0, -11],
      [0, 1.3, 0.2, 19.5],
      [0.05, 0, -2.5, 4],
      [0, 0, 0, 1],
    ],
    intentCode: 0,
    intentName: '',
    intentParams: [0, 0, 0],
    dimInfo: 0,
    sliceCode: 0,
    sliceStart: 0,
    sliceEnd: 0,
    sliceDuration: 0,
    toffset: 0,
  });
  const data = new Int16Array(ni * nj * nk).map((_, i) => i * 3 - 50);
  const raw = new Uint8Array(header.length + data.byteLength);
  raw.set(header);
  raw.set(new Uint8Array(data.buffer), header.length);
  writeFileSync(path, raw);
  return readNifti(raw).header;
}

describe('saveLabels on an anisotropic synthetic image (0.7 × 1.3 × 2.5 mm, qform ≠ sform, qfac −1)', () => {
  const imagePath = join(tmp, 'synthetic.nii');
  const header = syntheticImage(imagePath);

  it('copies dims, pixdim (qfac too), both codes and both matrices; slope 1, intercept 0', () => {
    const labels = new Uint8Array(7 * 5 * 3).map((_, i) => (i * 7) % 5);
    const target = join(tmp, 'synthetic-labels.nii.gz');
    saveLabels(target, labels, { path: imagePath, header });
    expectOverlay(target, imagePath, labels, 'uint8');
    const out = independentRead(target);
    expect(out.h.pixDims[0]).toBe(-1);
    expect(out.h.qform_code).toBe(1);
    expect(out.h.sform_code).toBe(2);
    expect(out.h.affine[0][1]).toBeCloseTo(0.1, 6); // the shear: the sform, not a qform rebuilt from it
  });

  it('uint16 labels on the same grid', () => {
    const labels = new Uint16Array(7 * 5 * 3).map((_, i) => (i % 2 ? 300 + i : i));
    const target = join(tmp, 'synthetic-u16.nii.gz');
    expect(saveLabels(target, labels, { path: imagePath, header }).datatype).toBe('uint16');
    expectOverlay(target, imagePath, labels, 'uint16');
  });

  it('decodeLabelNifti refuses a label file of another grid, naming what differs', () => {
    const ch2 = readNifti(readFileSync(mricron('ch2.nii.gz'))).header;
    const target = join(tmp, 'synthetic-labels.nii.gz');
    expect(() => decodeLabelNifti(target, readFileSync(target), ch2)).toThrow(/synthetic-labels\.nii\.gz is not on the image's grid: grid 7×5×3, the image's is 181×217×181/);
  });
});
