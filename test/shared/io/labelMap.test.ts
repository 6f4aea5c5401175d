// assertLabelMap (issue 11 item 8): label maps holding NaN, 0.5 or −1, or lying on another grid,
// gave "Dice 0.0000" with no warning; they must be errors that say which check failed.
// On the old code there was no such check (the module did not exist).
import { beforeAll, describe, expect, it } from 'vitest';
import { assertLabelMap, LABEL_AFFINE_TOLERANCE } from '../../../shared/io/labelMap';
import { readNifti, type NiftiVolume } from '../../../shared/io/nifti';
import type { Volume } from '../../../shared/io/volume';
import { mricron } from './niftiFixtures';

const WHAT = '--label aal.nii.gz';

/** ch2's grid: 181×217×181 at 1 mm, array order [k, j, i]. */
const at = (k: number, j: number, i: number) => (k * 217 + j) * 181 + i;

describe('assertLabelMap on the MRIcron templates', () => {
  let ch2: NiftiVolume;
  let aal: NiftiVolume;
  beforeAll(() => {
    ch2 = readNifti(mricron('ch2.nii.gz'));
    aal = readNifti(mricron('aal.nii.gz'));
  });
  const asFloat = (data: ArrayLike<number>): Volume => ({ ...aal, data: Float32Array.from(data) });

  it('accepts the AAL atlas as labels for ch2 (uint8, and the same labels as float32 and int16)', () => {
    expect(() => assertLabelMap(aal, ch2, WHAT)).not.toThrow();
    expect(() => assertLabelMap(asFloat(aal.data), ch2, WHAT)).not.toThrow();
    expect(() => assertLabelMap({ ...aal, data: Int16Array.from(aal.data) }, ch2, WHAT)).not.toThrow();
  });

  it('NaN / ±Inf, negative and non-integer values: each kind with its count, first voxel [k, j, i] and value', () => {
    const data = Float32Array.from(aal.data);
    data[at(90, 100, 80)] = NaN;
    data[at(100, 0, 0)] = Infinity;
    data[at(10, 20, 30)] = -1;
    data[at(120, 110, 100)] = 0.5;
    data[at(120, 110, 101)] = 2.25;
    data[at(121, 0, 0)] = 3.5;
    expect(() => assertLabelMap({ ...aal, data }, ch2, WHAT)).toThrow(
      new RangeError(
        '--label aal.nii.gz: labels must be integers ≥ 0 (class ids), but 2 voxels are NaN or ±Inf (first at [k, j, i] = [90, 100, 80]: NaN); ' +
          '1 voxel is negative (first at [k, j, i] = [10, 20, 30]: -1); 3 voxels are not an integer (first at [k, j, i] = [120, 110, 100]: 0.5)',
      ),
    );
  });

  it('each kind alone is named alone', () => {
    const only = (index: number, value: number) => {
      const data = Float64Array.from(aal.data);
      data[index] = value;
      return () => assertLabelMap({ ...aal, data }, ch2, WHAT);
    };
    expect(only(at(0, 0, 5), -Infinity)).toThrow(/but 1 voxel is NaN or ±Inf \(first at \[k, j, i\] = \[0, 0, 5\]: -Inf\)$/);
    expect(only(at(180, 216, 180), -3)).toThrow(/but 1 voxel is negative \(first at \[k, j, i\] = \[180, 216, 180\]: -3\)$/);
    expect(only(at(1, 2, 3), 1e-7)).toThrow(/but 1 voxel is not an integer \(first at \[k, j, i\] = \[1, 2, 3\]: 1e-7\)$/);
    const signed = Int16Array.from(aal.data);
    signed[at(5, 6, 7)] = -2;
    expect(() => assertLabelMap({ ...aal, data: signed }, ch2, WHAT)).toThrow(/1 voxel is negative \(first at \[k, j, i\] = \[5, 6, 7\]: -2\)/);
  });

  it('a shape that differs from the image: both shapes', () => {
    const cropped: Volume = { ...aal, data: aal.data.subarray(0, 180 * 217 * 181), shape: [180, 217, 181] };
    expect(() => assertLabelMap(cropped, ch2, WHAT)).toThrow("--label aal.nii.gz: the label map's shape [180, 217, 181] differs from the image's [181, 217, 181]");
    const fourD: Volume = { ...aal, data: aal.data, shape: [1, 181, 217, 181] };
    expect(() => assertLabelMap(fourD, ch2, WHAT)).toThrow(/shape \[1, 181, 217, 181\] differs from the image's \[181, 217, 181\] \(a label map must be 3-D\)/);
  });

  it('an affine on another grid: the largest difference in mm and where; within tolerance is the same grid', () => {
    const moved = (row: number, col: number, delta: number): Volume => ({ ...aal, affine: aal.affine.map((r, i) => r.map((x, j) => (i === row && j === col ? x + delta : x))) });
    expect(() => assertLabelMap(moved(0, 3, 2.5), ch2, WHAT)).toThrow(
      "--label aal.nii.gz: the label map's affine differs from the image's (it lies on another grid): the largest difference is 2.5 mm in the translation, " +
        'affine[0][3] = -87.5 vs -90 (tolerance 0.001 × voxel size for the translation, 0.0001 × voxel size for the other columns)',
    );
    // a 2 mm grid instead of 1 mm: column 1 (the j axis)
    expect(() => assertLabelMap(moved(1, 1, 1), ch2, WHAT)).toThrow(/largest difference is 1 mm in the column 1 \(the j axis's direction and voxel size\), affine\[1\]\[1\] = 2 vs 1/);
    // the worst of several differences is named
    const both = { ...moved(2, 3, 0.01), affine: moved(2, 3, 0.01).affine.map((r, i) => (i === 1 ? [r[0], r[1], r[2], r[3] + 0.3] : r)) };
    expect(() => assertLabelMap(both, ch2, WHAT)).toThrow(/largest difference is 0.3 mm in the translation, affine\[1\]\[3\] = -124.7 vs -125/);
    // float32 rounding of a header written by another tool, and differences inside the tolerance, pass
    const rounded: Volume = { ...aal, affine: aal.affine.map((r) => r.map((x) => Math.fround(x + 1e-6))) };
    expect(() => assertLabelMap(rounded, ch2, WHAT)).not.toThrow();
    expect(() => assertLabelMap(moved(0, 3, 0.9 * LABEL_AFFINE_TOLERANCE.translation), ch2, WHAT)).not.toThrow();
    expect(() => assertLabelMap(moved(0, 3, 1.1 * LABEL_AFFINE_TOLERANCE.translation), ch2, WHAT)).toThrow(/affine differs/);
    expect(() => assertLabelMap(moved(2, 0, 0.9 * LABEL_AFFINE_TOLERANCE.columns), ch2, WHAT)).not.toThrow();
    expect(() => assertLabelMap(moved(2, 0, 1.1 * LABEL_AFFINE_TOLERANCE.columns), ch2, WHAT)).toThrow(/column 0 \(the k axis/);
    expect(() => assertLabelMap(moved(0, 0, NaN), ch2, WHAT)).toThrow(/affine differs from the image's/);
  });

  it('checks the grid before the values (a label map on another grid is named as such even when its values are bad too)', () => {
    const data = Float32Array.from(aal.data);
    data[0] = NaN;
    const v: Volume = { ...aal, data, affine: aal.affine.map((r, i) => (i === 0 ? [r[0], r[1], r[2], r[3] + 5] : r)) };
    expect(() => assertLabelMap(v, ch2, WHAT)).toThrow(/affine differs/);
  });
});

describe('assertLabelMap on small volumes', () => {
  const grid = { shape: [2, 3, 4], spacing: [2, 2, 2], affine: [[0, 0, 2, 0], [0, 2, 0, 0], [2, 0, 0, 0], [0, 0, 0, 1]] };
  const image: Volume = { ...grid, data: new Float32Array(24) };

  it('voxel [k, j, i] is counted from the end of the array (last axis fastest)', () => {
    const data = new Float32Array(24);
    data[23] = 0.5;
    expect(() => assertLabelMap({ ...grid, data }, image, 'labels')).toThrow('labels: labels must be integers ≥ 0 (class ids), but 1 voxel is not an integer (first at [k, j, i] = [1, 2, 3]: 0.5)');
    data[23] = 7;
    data[4] = -0;
    expect(() => assertLabelMap({ ...grid, data }, image, 'labels')).not.toThrow();
  });

  it('a label map for a 4-D image is checked against its spatial shape', () => {
    const image4: Volume = { ...grid, shape: [5, 2, 3, 4], data: new Float32Array(120) };
    expect(() => assertLabelMap({ ...grid, data: new Uint8Array(24) }, image4, 'labels')).not.toThrow();
  });

  it('scales to a 256³ float32 label map in one pass (no per-voxel allocation): every bad voxel counted', () => {
    const n = 256 ** 3;
    const data = new Float32Array(n);
    for (let v = 0; v < n; v += 4099) data[v] = 1.5;
    const big: Volume = { data, shape: [256, 256, 256], spacing: [1, 1, 1], affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] };
    expect(() => assertLabelMap(big, { ...big, data: new Uint8Array(0) }, 'x')).toThrow(`x: labels must be integers ≥ 0 (class ids), but ${Math.ceil(n / 4099)} voxels are not an integer (first at [k, j, i] = [0, 0, 0]: 1.5)`);
  });
});
