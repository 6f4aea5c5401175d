// `.nii` and `.nii.gz` of the same image read identically, whatever the bytes are a view of.
// Regression for issue 11 item 1: readNifti wrapped `raw.buffer` of `Buffer.slice(...)` (a view,
// not a copy), so an uncompressed file read from a Node Buffer came out shifted by the header.
// On the old code these tests fail: the Buffer cases of the property give other voxels, and the
// gunzipped MRIcron files read through readImageFile (readFileSync: a Buffer) differ from the .nii.gz.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gzipSync } from 'fflate';
import { readNifti, type NiftiVolume } from '../../../shared/io/nifti';
import { readImageFile } from '../../../src-node/readInputFile';
import { sharedDir } from '../../helpers/sharedData';
import { handNifti, mricron } from './niftiFixtures';
import { firstDifference } from './arrays';

/** The supported datatypes: code, bits, typed array, and an arbitrary of their values. */
const DATATYPES: { name: string; code: number; bitpix: number; ctor: { from(a: number[]): ArrayLike<number> }; value: fc.Arbitrary<number> }[] = [
  { name: 'uint8', code: 2, bitpix: 8, ctor: Uint8Array, value: fc.integer({ min: 0, max: 255 }) },
  { name: 'int8', code: 256, bitpix: 8, ctor: Int8Array, value: fc.integer({ min: -128, max: 127 }) },
  { name: 'int16', code: 4, bitpix: 16, ctor: Int16Array, value: fc.integer({ min: -32768, max: 32767 }) },
  { name: 'uint16', code: 512, bitpix: 16, ctor: Uint16Array, value: fc.integer({ min: 0, max: 65535 }) },
  { name: 'int32', code: 8, bitpix: 32, ctor: Int32Array, value: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) },
  { name: 'uint32', code: 768, bitpix: 32, ctor: Uint32Array, value: fc.integer({ min: 0, max: 2 ** 32 - 1 }) },
  { name: 'float32', code: 16, bitpix: 32, ctor: Float32Array, value: fc.float({ noNaN: true }) },
  { name: 'float64', code: 64, bitpix: 64, ctor: Float64Array, value: fc.double({ noNaN: true }) },
];

/** A random small image: version, byte order, datatype, dims (3-D or 4-D), values, voxel offset, an sform. */
const imageArb = fc
  .record({
    version: fc.constantFrom(1 as const, 2 as const),
    littleEndian: fc.boolean(),
    dt: fc.constantFrom(...DATATYPES),
    dims: fc.tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 5 }), fc.constantFrom(1, 1, 2)),
    extension: fc.integer({ min: 0, max: 3 }), // 16-byte blocks between the header and the data
    srow: fc.array(fc.double({ min: -200, max: 200, noNaN: true }), { minLength: 12, maxLength: 12 }),
    seed: fc.integer(),
  })
  .chain((r) => {
    const [ni, nj, nk, nt] = r.dims;
    return fc.record({ image: fc.constant(r), values: fc.array(r.dt.value, { minLength: ni * nj * nk * nt, maxLength: ni * nj * nk * nt }) });
  });

/** Where the same bytes can come from: a Node Buffer, a view inside a larger garbage-filled buffer, an ArrayBuffer. */
const sourceArb = fc.record({ offset: fc.integer({ min: 0, max: 4099 }), tail: fc.integer({ min: 0, max: 64 }), garbage: fc.integer({ min: 1, max: 255 }) });

function views(bytes: Uint8Array, s: { offset: number; tail: number; garbage: number }): { name: string; input: Uint8Array | ArrayBuffer; spoil: () => void }[] {
  // A Buffer from Buffer.concat: small ones come from Node's shared pool (byteOffset > 0), larger
  // ones start at 0 of their own ArrayBuffer — with the old code both read the header as data.
  const buffer = Buffer.concat([Buffer.from(bytes)]);
  const big = new Uint8Array(s.offset + bytes.length + s.tail).fill(s.garbage);
  big.set(bytes, s.offset);
  const ab = new ArrayBuffer(bytes.length);
  new Uint8Array(ab).set(bytes);
  return [
    { name: 'Buffer', input: buffer, spoil: () => buffer.fill(s.garbage) },
    { name: `view at byte ${s.offset}`, input: big.subarray(s.offset, s.offset + bytes.length), spoil: () => big.fill(s.garbage ^ 0xff) },
    { name: 'ArrayBuffer', input: ab, spoil: () => new Uint8Array(ab).fill(s.garbage) },
  ];
}

/** What must agree between two reads. */
function summary(v: NiftiVolume) {
  return {
    ctor: v.data.constructor.name,
    shape: v.shape,
    affine: v.affine,
    spacing: v.spacing,
    datatypeCode: v.header.datatypeCode,
    version: v.header.version,
    littleEndian: v.header.littleEndian,
    voxOffset: v.header.voxOffset,
    affineSource: v.header.affineSource,
  };
}

describe('readNifti: .nii and .nii.gz of the same image, from any kind of bytes', () => {
  it('property: identical voxels, affine, datatype and shape for every datatype, NIfTI-1/-2, both byte orders, Buffer / offset view / ArrayBuffer', () => {
    fc.assert(
      fc.property(imageArb, sourceArb, ({ image, values }, source) => {
        const [ni, nj, nk, nt] = image.dims;
        const srow = [image.srow.slice(0, 4), image.srow.slice(4, 8), image.srow.slice(8, 12)];
        const nii = handNifti({
          version: image.version,
          littleEndian: image.littleEndian,
          dim: [nt > 1 ? 4 : 3, ni, nj, nk, nt, 1, 1, 1],
          pixdim: [1, 1.5, 2, 2.5, 1, 0, 0, 0],
          datatype: image.dt.code,
          bitpix: image.dt.bitpix,
          values,
          sformCode: 2,
          srow,
          voxOffset: (image.version === 1 ? 352 : 544) + 16 * image.extension,
        });
        const gz = gzipSync(nii, { level: (Math.abs(image.seed) % 10) as 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 });
        const expected = Array.from(image.dt.ctor.from(values));
        const reference = readNifti(new Uint8Array(nii));
        expect(Array.from(reference.data)).toEqual(expected);
        expect(reference.shape).toEqual(nt > 1 ? [nt, nk, nj, ni] : [nk, nj, ni]);
        for (const bytes of [nii, gz]) {
          for (const { name, input, spoil } of views(bytes, source)) {
            const v = readNifti(input);
            const what = `${bytes === gz ? '.nii.gz' : '.nii'} from a ${name}`;
            expect(firstDifference(v.data, reference.data), what).toBe(-1);
            expect(summary(v), what).toEqual(summary(reference));
            expect(v.header.gzipped, what).toBe(bytes === gz);
            // The result owns its data: spoiling the input (or what it is a view of) changes nothing.
            spoil();
            expect(Array.from(v.data), `${what}, after the input was overwritten`).toEqual(expected);
          }
        }
      }),
      { numRuns: 120, seed: 20250611 },
    );
  });
});

describe('readImageFile: the MRIcron templates written uncompressed read as their .nii.gz', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'patchlens-nii-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const name of ['ch2', 'ch2bet', 'aal']) {
    it(`${name}.nii (gunzipped by node:zlib) = ${name}.nii.gz: voxels, affine, datatype, shape`, () => {
      mricron(`${name}.nii.gz`); // a clear error when ../shared is missing
      const gzPath = join(sharedDir, 'data', 'mricron', `${name}.nii.gz`);
      const niiPath = join(dir, `${name}.nii`);
      writeFileSync(niiPath, gunzipSync(readFileSync(gzPath)));
      const fromGz = readImageFile('--image', gzPath).volume;
      const fromNii = readImageFile('--image', niiPath).volume;
      expect(fromNii.header.gzipped).toBe(false);
      expect(fromGz.header.gzipped).toBe(true);
      expect(summary(fromNii)).toEqual(summary(fromGz));
      expect(fromNii.shape).toEqual([181, 217, 181]);
      expect(fromNii.data).toBeInstanceOf(Uint8Array);
      expect(firstDifference(fromNii.data, fromGz.data)).toBe(-1);
      // and both equal the raw file's voxels at vox_offset (the bytes node:zlib gave)
      const raw = readFileSync(niiPath);
      expect(firstDifference(fromNii.data, raw.subarray(352, 352 + 181 * 217 * 181))).toBe(-1);
    });
  }
});
