import { beforeAll, describe, expect, it } from 'vitest';
import { decompress, readHeader } from 'nifti-reader-js';
import { gzipSync } from 'fflate';
import { readNifti, type NiftiVolume } from '../../../shared/io/nifti';
import { handNifti, mricron } from './niftiFixtures';
import { firstDifference } from './arrays';

function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

describe('readNifti on the MRIcron templates', () => {
  let ch2: NiftiVolume;
  let ch2Bytes: Uint8Array;
  beforeAll(() => {
    ch2Bytes = mricron('ch2.nii.gz');
    ch2 = readNifti(ch2Bytes);
  });

  it('reads ch2.nii.gz as 181×217×181 uint8 in array order [nk, nj, ni]', () => {
    expect(ch2.shape).toEqual([181, 217, 181]);
    expect(ch2.data).toBeInstanceOf(Uint8Array);
    expect(ch2.data.length).toBe(181 * 217 * 181);
    expect(ch2.spacing).toEqual([1, 1, 1]);
    expect(ch2.header.version).toBe(1);
    expect(ch2.header.gzipped).toBe(true);
    expect(ch2.header.datatypeCode).toBe(2);
    expect(ch2.header.sformCode).toBe(4); // MNI-152
    expect(ch2.header.affineSource).toBe('sform');
    expect(ch2.header.description).toBe('spm - algebra');
    let min = 255;
    let max = 0;
    for (const v of ch2.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBe(0);
    expect(max).toBeGreaterThan(200);
  });

  it('gives the sform with its columns reversed: array axis 0 = NIfTI k (S), axis 2 = NIfTI i (R)', () => {
    // NIfTI sform of ch2: x = i − 90, y = j − 125, z = k − 71
    expect(ch2.affine).toEqual([
      [0, 0, 1, -90],
      [0, 1, 0, -125],
      [1, 0, 0, -71],
      [0, 0, 0, 1],
    ]);
    // same matrix as nifti-reader-js, up to the column order
    const h = readHeader(decompress(arrayBufferOf(ch2Bytes)) as ArrayBuffer);
    for (let r = 0; r < 4; r++) expect([ch2.affine[r][2], ch2.affine[r][1], ch2.affine[r][0], ch2.affine[r][3]]).toEqual(h.affine[r]);
  });

  it('keeps NIfTI voxel order: element [k][j][i] is voxel (i, j, k) of the file', () => {
    const raw = new Uint8Array(decompress(arrayBufferOf(ch2Bytes)) as ArrayBuffer);
    const [i, j, k] = [100, 120, 80];
    expect(ch2.data[(k * 217 + j) * 181 + i]).toBe(raw[352 + i + 181 * (j + 217 * k)]);
  });

  it('accepts an ArrayBuffer, a Uint8Array view with an offset, and never keeps or changes the input', () => {
    const copy = new Uint8Array(ch2Bytes.length + 7);
    copy.set(ch2Bytes, 7);
    const view = copy.subarray(7);
    const before = view.slice(0, 64);
    const a = readNifti(view);
    const b = readNifti(arrayBufferOf(ch2Bytes));
    expect(firstDifference(a.data, ch2.data)).toBe(-1);
    expect(firstDifference(b.data, ch2.data)).toBe(-1);
    expect(view.slice(0, 64)).toEqual(before);
    expect(a.data.buffer).not.toBe(copy.buffer);
  });

  it('ch2bet > 0 is a plausible brain mask', () => {
    const bet = readNifti(mricron('ch2bet.nii.gz'));
    expect(bet.shape).toEqual([181, 217, 181]);
    let n = 0;
    let sk = 0;
    for (let v = 0; v < bet.data.length; v++) {
      if (bet.data[v] > 0) {
        n++;
        sk += Math.floor(v / (217 * 181));
      }
    }
    // an adult brain is 1.1–1.8 litres; at 1 mm³ per voxel that many voxels (Colin27: ≈1.74 M)
    expect(n).toBeGreaterThan(1.1e6);
    expect(n).toBeLessThan(2.0e6);
    // every brain voxel is non-zero in ch2 too, and the mask's mean height lies in the middle of the volume
    for (let v = 0; v < bet.data.length; v += 97) if (bet.data[v] > 0) expect(ch2.data[v]).toBeGreaterThan(0);
    expect(sk / n).toBeGreaterThan(60);
    expect(sk / n).toBeLessThan(120);
  });

  it('aal labels are integers 0..116 on the same grid', () => {
    const aal = readNifti(mricron('aal.nii.gz'));
    expect(aal.shape).toEqual([181, 217, 181]);
    expect(aal.affine).toEqual(ch2.affine);
    expect(aal.header.intentCode).toBe(1002); // NIFTI_INTENT_LABEL
    const labels = new Set<number>();
    for (const v of aal.data) labels.add(v);
    expect([...labels].every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
    expect(labels.has(0)).toBe(true);
    expect(labels.size).toBeGreaterThan(100);
    expect(Math.max(...labels)).toBeLessThan(256);
  });

  it('reports a truncated .nii.gz clearly (ch2.nii.gz cut in half, or missing its trailer)', () => {
    expect(() => readNifti(ch2Bytes.subarray(0, ch2Bytes.length >> 1))).toThrow('readNifti: the gzip stream is truncated or corrupt');
    for (const cut of [1, 4, 8, 100]) {
      expect(() => readNifti(ch2Bytes.subarray(0, ch2Bytes.length - cut))).toThrow('readNifti: the gzip stream is truncated or corrupt');
    }
    const flipped = ch2Bytes.slice();
    flipped[flipped.length - 8] ^= 0xff; // CRC
    expect(() => readNifti(flipped)).toThrow(/truncated or corrupt.*CRC/);
  });
});

describe('readNifti on hand-built files', () => {
  const base = { version: 1 as const, littleEndian: true, dim: [3, 3, 2, 2, 1, 1, 1, 1], datatype: 4, bitpix: 16 };
  const values = [-5, 0, 7, 300, -32768, 32767, 1, 2, 3, 4, 5, 6];

  it('reads every supported datatype in both byte orders, NIfTI-1 and NIfTI-2', () => {
    const cases: [number, number, number[], { from(a: number[]): ArrayLike<number> }][] = [
      [2, 8, [0, 1, 255, 7, 8, 9, 10, 11, 12, 13, 14, 200], Uint8Array],
      [256, 8, [-128, 127, 0, 1, 2, 3, 4, 5, 6, 7, 8, -9], Int8Array],
      [4, 16, values, Int16Array],
      [512, 16, [0, 65535, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], Uint16Array],
      [8, 32, [-(2 ** 31), 2 ** 31 - 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], Int32Array],
      [768, 32, [2 ** 32 - 1, 0, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], Uint32Array],
      [16, 32, [1.5, -2.25, 1e-3, 3.4e38, 5, 6, 7, 8, 9, 10, 11, 12], Float32Array],
      [64, 64, [Math.PI, -1e300, 1e-300, 4, 5, 6, 7, 8, 9, 10, 11, 12], Float64Array],
    ];
    for (const [datatype, bitpix, vals, ctor] of cases) {
      for (const version of [1, 2] as const) {
        for (const littleEndian of [true, false]) {
          const v = readNifti(handNifti({ ...base, version, littleEndian, datatype, bitpix, values: vals }));
          expect(v.data.constructor).toBe(ctor);
          expect(v.shape).toEqual([2, 2, 3]);
          expect(Array.from(v.data)).toEqual(Array.from(ctor.from(vals)));
          expect(v.header.version).toBe(version);
          expect(v.header.littleEndian).toBe(littleEndian);
        }
      }
    }
  });

  it('reads a gzipped NIfTI-2 with an sform, and a NIfTI-2 with only a qform', () => {
    const srow = [
      [-2, 0, 0, 10],
      [0, 0, 3, -20],
      [0, 1.5, 0, 30],
    ];
    const bytes = handNifti({
      ...base,
      version: 2,
      pixdim: [1, 2, 1.5, 3, 0, 0, 0, 0],
      sformCode: 2,
      srow,
      values,
      description: 'nifti2 by hand',
    });
    const v = readNifti(gzipSync(bytes));
    expect(v.header.gzipped).toBe(true);
    expect(v.header.affineSource).toBe('sform');
    expect(v.header.description).toBe('nifti2 by hand');
    expect(v.spacing).toEqual([3, 1.5, 2]);
    expect(v.affine).toEqual([
      [0, 0, -2, 10],
      [3, 0, 0, -20],
      [0, 1.5, 0, 30],
      [0, 0, 0, 1],
    ]);
    // qform: 90° about z (quaternion b=c=0, d=√½): i → +y, j → −x; qfac −1 flips k
    const q = readNifti(handNifti({ ...base, version: 2, pixdim: [-1, 2, 3, 4, 0, 0, 0, 0], qformCode: 1, quatern: [0, 0, Math.SQRT1_2, 5, 6, 7], values }));
    expect(q.header.affineSource).toBe('qform');
    const expected = [
      [0, -3, 0, 5],
      [2, 0, 0, 6],
      [0, 0, -4, 7],
    ];
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) expect(q.affine[r][c === 3 ? 3 : 2 - c]).toBeCloseTo(expected[r][c], 12);
  });

  it('reads a multi-member gzip stream (bgzip style) and reports extensions', () => {
    const bytes = handNifti({ ...base, values, voxOffset: 368 });
    const a = gzipSync(bytes.subarray(0, 100));
    const b = gzipSync(bytes.subarray(100));
    const joined = new Uint8Array(a.length + b.length);
    joined.set(a);
    joined.set(b, a.length);
    const v = readNifti(joined);
    expect(Array.from(v.data)).toEqual(values);
    expect(v.header.voxOffset).toBe(368);
    expect(v.header.extensionBytes).toBe(16);
    const broken = joined.slice();
    broken[a.length - 4] ^= 1; // first member's length field (ISIZE)
    expect(() => readNifti(broken)).toThrow("readNifti: the gzip stream is truncated or corrupt (a member's trailer gives another length than its data inflate to)");
  });

  it('falls back to diag(pixdim) when neither code is set', () => {
    const v = readNifti(handNifti({ ...base, pixdim: [1, 0.5, 2, 3, 0, 0, 0, 0], values }));
    expect(v.header.affineSource).toBe('pixdim');
    expect(v.affine).toEqual([
      [0, 0, 0.5, 0],
      [0, 2, 0, 0],
      [3, 0, 0, 0],
      [0, 0, 0, 1],
    ]);
  });

  it('applies scl_slope / scl_inter (then Float32Array) but not the identity pair or slope 0', () => {
    const s = readNifti(handNifti({ ...base, values, sclSlope: 0.5, sclInter: 10 }));
    expect(s.data).toBeInstanceOf(Float32Array);
    expect(s.header.scaled).toBe(true);
    expect(Array.from(s.data)).toEqual(values.map((x) => x * 0.5 + 10));
    for (const [sclSlope, sclInter] of [
      [1, 0],
      [0, 5],
    ]) {
      const u = readNifti(handNifti({ ...base, values, sclSlope, sclInter }));
      expect(u.data).toBeInstanceOf(Int16Array);
      expect(u.header.scaled).toBe(false);
    }
  });

  it('reads 4-D as [nt, nk, nj, ni] and drops trailing dimensions of 1', () => {
    const four = readNifti(handNifti({ ...base, dim: [4, 3, 2, 1, 2, 1, 1, 1], values }));
    expect(four.shape).toEqual([2, 1, 2, 3]);
    expect(four.spacing).toHaveLength(3);
    const trailing = readNifti(handNifti({ ...base, dim: [5, 3, 2, 2, 1, 1, 1, 1], values }));
    expect(trailing.shape).toEqual([2, 2, 3]);
    const twoD = readNifti(handNifti({ ...base, dim: [2, 3, 4, 1, 1, 1, 1, 1], values }));
    expect(twoD.shape).toEqual([1, 4, 3]);
  });

  it('names the problem: garbage, Analyze, .hdr/.img pairs, non-positive dims, datatypes, missing data', () => {
    expect(() => readNifti(new Uint8Array(1000).map((_, i) => (i * 37) & 0xff))).toThrow(/^readNifti: not a NIfTI file \(sizeof_hdr/);
    expect(() => readNifti(new Uint8Array(10))).toThrow('readNifti: not a NIfTI file');
    expect(() => readNifti(Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3))).toThrow('readNifti: the gzip stream is truncated or corrupt');
    expect(() => readNifti(handNifti({ ...base, values, magic: '\0\0\0\0' }))).toThrow(/not a NIfTI file \(magic .*Analyze/);
    expect(() => readNifti(handNifti({ ...base, values, magic: 'ni1\0' }))).toThrow(/\.hdr\/\.img pair/);
    expect(() => readNifti(handNifti({ ...base, dim: [3, 3, 0, 2, 1, 1, 1, 1], values }))).toThrow('readNifti: dim[2] must be positive, got 0');
    expect(() => readNifti(handNifti({ ...base, dim: [3, 3, -2, 2, 1, 1, 1, 1], values }))).toThrow('readNifti: dim[2] must be positive, got -2');
    expect(() => readNifti(handNifti({ ...base, dim: [9, 3, 2, 2, 1, 1, 1, 1], values }))).toThrow('readNifti: dim[0] must be in 1..7');
    expect(() => readNifti(handNifti({ ...base, dim: [5, 3, 2, 1, 1, 2, 1, 1], values }))).toThrow('readNifti: 5-D images are not supported');
    expect(() => readNifti(handNifti({ ...base, datatype: 128, bitpix: 24, values }))).toThrow('readNifti: unsupported datatype DT_RGB24');
    expect(() => readNifti(handNifti({ ...base, datatype: 1024, bitpix: 64, values }))).toThrow('readNifti: unsupported datatype DT_INT64');
    expect(() => readNifti(handNifti({ ...base, datatype: 99, bitpix: 8, values }))).toThrow('readNifti: unsupported datatype code 99');
    const full = handNifti({ ...base, values });
    expect(() => readNifti(full.subarray(0, full.length - 2))).toThrow(
      'readNifti: the image data are shorter than the header says: 3×2×2 int16 needs 24 bytes from offset 352, the file has 22',
    );
    expect(() => readNifti(full.subarray(0, 348))).toThrow('the file has 0');
    expect(() => readNifti('x' as unknown as Uint8Array)).toThrow('readNifti: bytes must be an ArrayBuffer or a Uint8Array');
  });
});
