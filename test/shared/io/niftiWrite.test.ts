import { describe, expect, it } from 'vitest';
import { decompress, readHeader } from 'nifti-reader-js';
import { readNifti, writeNifti, type NiftiDatatypeName } from '../../../shared/io/nifti';
import type { Volume } from '../../../shared/io/volume';
import type { NumericArray } from '../../../shared/stitching/types';
import { mricron } from './niftiFixtures';
import { firstDifference } from './arrays';

/** An oblique, anisotropic, left-handed affine (array order), with float32-exact entries. */
const OBLIQUE = [
  [0, 0.6, -0.8, 12.5],
  [0, 0.8, 0.6, -30.25],
  [2.5, 0, 0, 7],
  [0, 0, 0, 1],
];

function volumeOf(data: NumericArray, shape = [3, 4, 5], affine = OBLIQUE): Volume {
  return { data, shape, spacing: [2.5, 1, 1], affine };
}

function expectAffineClose(a: number[][], b: number[][], tol = 1e-5): void {
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(Math.abs(a[r][c] - b[r][c])).toBeLessThanOrEqual(tol);
}

describe('writeNifti', () => {
  const n = 60;
  const arrays: [NiftiDatatypeName, NumericArray][] = [
    ['uint8', Uint8Array.from({ length: n }, (_, i) => (i * 7) % 256)],
    ['int8', Int8Array.from({ length: n }, (_, i) => i - 30)],
    ['int16', Int16Array.from({ length: n }, (_, i) => (i - 30) * 1000)],
    ['uint16', Uint16Array.from({ length: n }, (_, i) => i * 1000)],
    ['int32', Int32Array.from({ length: n }, (_, i) => (i - 30) * 7e7)],
    ['uint32', Uint32Array.from({ length: n }, (_, i) => i * 7e7)],
    ['float32', Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 1e3)],
    ['float64', Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 1e-300)],
  ];

  it('round-trips every datatype, gzipped and plain: shape, spacing, affine, identical data', () => {
    for (const [name, data] of arrays) {
      for (const gzip of [true, false]) {
        const v = volumeOf(data);
        const bytes = writeNifti(v, { gzip });
        expect(bytes[0] === 0x1f && bytes[1] === 0x8b).toBe(gzip);
        const back = readNifti(bytes);
        expect(back.data.constructor).toBe(data.constructor);
        expect(back.data).toEqual(data);
        expect(back.shape).toEqual([3, 4, 5]);
        expect(back.header.datatypeCode).toBe({ uint8: 2, int8: 256, int16: 4, uint16: 512, int32: 8, uint32: 768, float32: 16, float64: 64 }[name]);
        for (let k = 0; k < 3; k++) expect(back.spacing[k]).toBeCloseTo(v.spacing[k], 6);
        expectAffineClose(back.affine, OBLIQUE);
        expect(back.header.sformCode).toBe(1);
        expect(back.header.qformCode).toBe(1);
      }
    }
  });

  it('writes the same geometry into the qform: a qform-only reader gets the same affine', () => {
    const bytes = writeNifti(volumeOf(arrays[0][1]), { gzip: false });
    const h = readNifti(bytes).header;
    expectAffineClose(h.qform, h.sform, 1e-5);
    // nifti-reader-js prefers the qform when its code is higher; make it so and compare
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    view.setInt16(252, 2, true);
    const viaQform = readNifti(bytes);
    expect(viaQform.header.affineSource).toBe('sform');
    view.setInt16(254, 0, true);
    const onlyQ = readNifti(bytes);
    expect(onlyQ.header.affineSource).toBe('qform');
    expectAffineClose(onlyQ.affine, OBLIQUE);
    const other = readHeader(bytes.slice().buffer as ArrayBuffer);
    // nifti-reader-js computes a = √(1 − b² − c² − d²) without nifti1_io's guard: for this 180°
    // rotation float32 b, c, d leave a ≈ 2e-4 instead of 0 (≈ 1e-3 mm per 2.5 mm voxel), never NaN
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(Math.abs(other.affine[r][c] - onlyQ.affine[r][c === 3 ? 3 : 2 - c])).toBeLessThan(2e-3);
  });

  it('round-trips 4-D volumes', () => {
    const data = Float32Array.from({ length: 2 * 60 }, (_, i) => i / 3);
    const back = readNifti(writeNifti({ data, shape: [2, 3, 4, 5], spacing: [2.5, 1, 1], affine: OBLIQUE }));
    expect(back.shape).toEqual([2, 3, 4, 5]);
    expect(back.data).toEqual(data);
    expect(back.header.dim.slice(0, 5)).toEqual([4, 5, 4, 3, 2]);
  });

  it('converts to a chosen datatype when every value fits, and refuses values that do not (never wraps)', () => {
    const ok = readNifti(writeNifti(volumeOf(Float64Array.from({ length: 60 }, (_, i) => i * 100)), { datatype: 'int16' }));
    expect(ok.data).toBeInstanceOf(Int16Array);
    expect(ok.data[59]).toBe(5900);
    expect(readNifti(writeNifti(volumeOf(Int16Array.from({ length: 60 }, (_, i) => -i)), { datatype: 'float32' })).data[59]).toBe(-59);
    const big = Int32Array.from({ length: 60 }, (_, i) => i);
    big[7] = 70000;
    expect(() => writeNifti(volumeOf(big), { datatype: 'int16' })).toThrow(
      'writeNifti: volume.data[7] = 70000 does not fit datatype int16 (integers in [-32768, 32767])',
    );
    const frac = Float32Array.from({ length: 60 }, () => 1);
    frac[3] = 1.5;
    expect(() => writeNifti(volumeOf(frac), { datatype: 'uint8' })).toThrow('writeNifti: volume.data[3] = 1.5 does not fit datatype uint8');
    const neg = Int8Array.from({ length: 60 }, () => 1);
    neg[0] = -1;
    expect(() => writeNifti(volumeOf(neg), { datatype: 'uint8' })).toThrow('volume.data[0] = -1 does not fit datatype uint8');
    const nan = new Float32Array(60);
    nan[9] = NaN;
    expect(() => writeNifti(volumeOf(nan), { datatype: 'int32' })).toThrow('volume.data[9] = NaN does not fit datatype int32');
    const huge = new Float64Array(60);
    huge[1] = 1e39;
    expect(() => writeNifti(volumeOf(huge), { datatype: 'float32' })).toThrow('volume.data[1] = 1e+39 does not fit datatype float32');
    const inexact = new Int32Array(60);
    inexact[2] = 2 ** 24 + 1;
    expect(() => writeNifti(volumeOf(inexact), { datatype: 'float32' })).toThrow('does not fit datatype float32');
    expect(() => writeNifti(volumeOf(new Uint8Array(60)), { datatype: 'complex64' as NiftiDatatypeName })).toThrow(
      'writeNifti: options.datatype must be one of',
    );
  });

  it('validates the volume', () => {
    expect(() => writeNifti(volumeOf(new Uint8Array(59)))).toThrow('writeNifti: volume.data has 59 elements but shape [3, 4, 5] needs 60');
    expect(() => writeNifti(volumeOf(new Uint8Array(60), [60]))).toThrow('writeNifti: volume.shape must be 3 or 4 positive integers');
    const singular = OBLIQUE.map((row) => [...row]);
    singular[2][0] = 0;
    expect(() => writeNifti(volumeOf(new Uint8Array(60), [3, 4, 5], singular))).toThrow('writeNifti: volume.affine is singular');
    expect(() => writeNifti(volumeOf(new Uint8Array(40000), [1, 1, 40000], OBLIQUE))).toThrow("writeNifti: ni = 40000 exceeds NIfTI-1's limit");
  });

  it('writes "like" an input: same codes, units and description, so a label map overlays ch2 exactly', () => {
    const ch2 = readNifti(mricron('ch2.nii.gz'));
    const labels = { ...ch2, data: new Uint8Array(ch2.data.length) };
    for (let i = 0; i < ch2.data.length; i++) labels.data[i] = ch2.data[i] > 100 ? 2 : ch2.data[i] > 40 ? 1 : 0;
    const bytes = writeNifti(labels, { like: ch2.header, description: 'tissue labels' });
    const back = readNifti(bytes);
    expect(back.affine).toEqual(ch2.affine);
    expect(back.shape).toEqual(ch2.shape);
    expect(back.spacing).toEqual(ch2.spacing);
    expect(firstDifference(back.data, labels.data)).toBe(-1);
    expect(back.header.sformCode).toBe(ch2.header.sformCode);
    expect(back.header.qformCode).toBe(ch2.header.qformCode);
    expect(back.header.xyztUnits).toBe(ch2.header.xyztUnits);
    expect(back.header.description).toBe('tissue labels');
    // an independent reader sees the same transform as for the input
    const theirs = readHeader(decompress(bytes.slice().buffer as ArrayBuffer) as ArrayBuffer);
    const input = readHeader(decompress(mricron('ch2.nii.gz').slice().buffer as ArrayBuffer) as ArrayBuffer);
    expect(theirs.affine).toEqual(input.affine);
    expect(writeNifti(labels, { like: ch2.header, gzip: false }).length).toBe(352 + labels.data.length);
  });

  it('keeps a qform-only input qform-only, unless the affine is sheared', () => {
    const qOnly = readNifti(writeNifti(volumeOf(new Uint8Array(60)), { like: { qformCode: 1, sformCode: 0 } }));
    expect(qOnly.header.sformCode).toBe(0);
    expect(qOnly.header.affineSource).toBe('qform');
    expectAffineClose(qOnly.affine, OBLIQUE);
    const sheared = OBLIQUE.map((row) => [...row]);
    sheared[0][0] = 0.5;
    const s = readNifti(writeNifti(volumeOf(new Uint8Array(60), [3, 4, 5], sheared), { like: { qformCode: 1, sformCode: 0 } }));
    expect(s.header.sformCode).toBe(1);
    expectAffineClose(s.affine, sheared);
  });

  it('keeps the geometry when "like" had no transform codes but the affine is not the default', () => {
    const noCodes = { sformCode: 0, qformCode: 0 };
    const shifted = readNifti(writeNifti(volumeOf(new Uint8Array(60)), { like: noCodes }));
    expect(shifted.header.sformCode).toBe(1);
    expectAffineClose(shifted.affine, OBLIQUE);
    // NIfTI's default diag(pixdim) = diag(3, 1, 2) for i, j, k, seen in array order [k, j, i]
    const plain = [
      [0, 0, 3, 0],
      [0, 1, 0, 0],
      [2, 0, 0, 0],
      [0, 0, 0, 1],
    ];
    const def = readNifti(writeNifti(volumeOf(new Uint8Array(60), [3, 4, 5], plain), { like: noCodes }));
    expect(def.header.sformCode).toBe(0);
    expect(def.header.affineSource).toBe('pixdim');
    expect(def.affine).toEqual(plain);
  });
});
