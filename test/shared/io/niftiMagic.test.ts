/**
 * Fuzzer findings in the NIfTI reader (scripts/fuzz, target `nifti`, seed 1): the magic is checked
 * in full (nifti-reader-js looks at three bytes: "n+1 " and a NIfTI-2 magic with a damaged
 * end-of-line check were read as images), and a non-finite pixdim never reaches the affine of a
 * file without sform/qform (pixdim[3] = Infinity gave an affine holding Infinity).
 */
import { describe, expect, it } from 'vitest';
import { readNifti } from '../../../shared/io/nifti';
import { handNifti } from './niftiFixtures';

const base = { littleEndian: true, dim: [3, 2, 2, 2, 1, 1, 1, 1], datatype: 2, bitpix: 8, values: [1, 2, 3, 4, 5, 6, 7, 8] };

describe('readNifti: magic and pixdim', () => {
  it('reads the standard magics', () => {
    expect(readNifti(handNifti({ ...base, version: 1 })).shape).toEqual([2, 2, 2]);
    expect(readNifti(handNifti({ ...base, version: 2 })).shape).toEqual([2, 2, 2]);
  });

  it('refuses a NIfTI-1 magic whose fourth byte is not NUL', () => {
    expect(() => readNifti(handNifti({ ...base, version: 1, magic: 'n+1 ' }))).toThrow('readNifti: not a valid NIfTI-1 file: its magic is "n+1 ", expected "n+1\\u0000"');
  });

  it('refuses a NIfTI-2 magic whose end-of-line check is damaged (naming it)', () => {
    for (const magic of ['n+2\0\r\n\x1a\0', 'n+2\0\n\n\x1a\n', 'n+2\0\r \x1a\n']) {
      expect(() => readNifti(handNifti({ ...base, version: 2, magic })), JSON.stringify(magic)).toThrow(/readNifti: not a valid NIfTI-2 file: its magic is .*\(a damaged transfer, e\.g\. in text mode\?\)/);
    }
  });

  it('a non-finite or non-positive pixdim gives a 1 mm axis in a file without sform/qform, never Infinity', () => {
    for (const bad of [Infinity, -Infinity, NaN, 0, -2]) {
      const v = readNifti(handNifti({ ...base, version: 1, pixdim: [1, 2, 3, bad, 0, 0, 0, 0] }));
      expect(v.header.affineSource).toBe('pixdim');
      expect(v.affine.flat().every(Number.isFinite), String(bad)).toBe(true);
      expect(v.spacing.every((s) => Number.isFinite(s) && s > 0), String(bad)).toBe(true);
    }
  });
});
