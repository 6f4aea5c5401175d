import { beforeAll, describe, expect, it } from 'vitest';
import { applyAffine, invertAffine, reverseSpatialColumns } from '../../../shared/io/affine';
import { conformAffine, conformVolume, niivueUint8Scale, type Conformed } from '../../../shared/io/conform';
import { readNifti, writeNifti, type NiftiVolume } from '../../../shared/io/nifti';
import { axisCodes, reorient } from '../../../shared/io/orientation';
import type { Volume } from '../../../shared/io/volume';
import { binarize, correlation, dice, firstDifference } from './arrays';
import { mricron } from './niftiFixtures';

/**
 * niivue's `conformVox2Vox` output affine, written out in NIfTI terms (dims = [ni, nj, nk], the
 * NIfTI ijk→xyz matrix): the source voxel dims/2 maps to output voxel 128; direction cosines
 * L, I, A for the output's i, j, k; 1 mm. (The gl-matrix transposes of the original cancel out.)
 */
function niivueConformAffine(dims: number[], a: number[][]): number[][] {
  const half = [dims[0] / 2, dims[1] / 2, dims[2] / 2];
  const centre = [0, 1, 2].map((r) => a[r][0] * half[0] + a[r][1] * half[1] + a[r][2] * half[2] + a[r][3]);
  const mdc = [
    [-1, 0, 0],
    [0, 0, 1],
    [0, -1, 0],
  ];
  const volCentre = mdc.map((row) => (row[0] + row[1] + row[2]) * 128);
  return [...mdc.map((row, r) => [...row, centre[r] - volCentre[r]]), [0, 0, 0, 1]];
}

/** Trilinear interpolation at a fractional array index (independent of resample.ts). */
function trilinear(v: Volume, p: number[]): number {
  const [n0, n1, n2] = v.shape;
  const f = p.map(Math.floor);
  let s = 0;
  for (let d0 = 0; d0 < 2; d0++) {
    for (let d1 = 0; d1 < 2; d1++) {
      for (let d2 = 0; d2 < 2; d2++) {
        const w = (d0 ? p[0] - f[0] : 1 - p[0] + f[0]) * (d1 ? p[1] - f[1] : 1 - p[1] + f[1]) * (d2 ? p[2] - f[2] : 1 - p[2] + f[2]);
        if (w === 0) continue;
        const [i, j, k] = [f[0] + d0, f[1] + d1, f[2] + d2];
        s += w * v.data[(Math.min(i, n0 - 1) * n1 + Math.min(j, n1 - 1)) * n2 + Math.min(k, n2 - 1)];
      }
    }
  }
  return s;
}

describe('conformVolume on ch2 (brainchop / niivue conform)', () => {
  let ch2: NiftiVolume;
  let mask: NiftiVolume;
  let conformed: Conformed;
  beforeAll(() => {
    ch2 = readNifti(mricron('ch2.nii.gz'));
    const bet = readNifti(mricron('ch2bet.nii.gz'));
    mask = { ...bet, data: binarize(bet.data) };
    conformed = conformVolume(ch2);
  });

  it("gives 256³ uint8 at 1 mm in array-order 'LIA' with niivue's affine", () => {
    const c = conformed.volume;
    expect(conformed.method).toBe('resampled');
    expect(c.shape).toEqual([256, 256, 256]);
    expect(c.spacing).toEqual([1, 1, 1]);
    expect(c.data).toBeInstanceOf(Uint8Array);
    expect(axisCodes(c.affine)).toBe('LIA');
    // array order of the conformed volume = niivue's NIfTI i, j, k (brainchop's transposed tensor)
    const expected = niivueConformAffine([181, 217, 181], reverseSpatialColumns(ch2.affine));
    expect(c.affine).toEqual(expected);
    expect(c.affine).toEqual([
      [-1, 0, 0, 128.5],
      [0, 0, 1, -144.5],
      [0, -1, 0, 147.5],
      [0, 0, 0, 1],
    ]);
    // ch2 is uint8: niivue only subtracts the minimum (0), scale 1
    expect(conformed.intensity).toEqual({ srcMin: 0, scale: 1 });
  });

  it('samples the source trilinearly at each voxel\'s world position, truncating to uint8 like niivue', () => {
    const c = conformed.volume;
    const toSource = invertAffine(ch2.affine);
    for (const o of [
      [128, 128, 128],
      [100, 90, 140],
      [150, 170, 60],
      [40, 200, 128],
    ]) {
      const p = applyAffine(toSource, applyAffine(c.affine, o));
      // ch2's odd extents put every conformed voxel centre half-way between source voxels
      expect(p.map((x) => Math.abs(x - Math.floor(x) - 0.5) < 1e-9)).toEqual([true, true, true]);
      expect(c.data[(o[0] * 256 + o[1]) * 256 + o[2]]).toBe(Math.floor(trilinear(ch2, p)));
    }
    // outside the source's field of view: 0
    expect(c.data[0]).toBe(0);
  });

  it('puts the brain near the centre of the 256³ grid', () => {
    const m = conformVolume(mask, { toUint8: false, interpolation: 'nearest' }).volume;
    const sum = [0, 0, 0];
    let n = 0;
    let o = 0;
    let border = 0;
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 256; b++) {
        for (let c = 0; c < 256; c++, o++) {
          if (m.data[o] === 0) continue;
          n++;
          sum[0] += a;
          sum[1] += b;
          sum[2] += c;
          if (a < 20 || b < 20 || c < 20 || a > 235 || b > 235 || c > 235) border++;
        }
      }
    }
    expect(n).toBeGreaterThan(1.1e6);
    for (const s of sum) expect(Math.abs(s / n - 128)).toBeLessThan(20);
    expect(border).toBe(0);
  });

  it('toSource(conform(mask, nearest), nearest) is exactly the mask (Dice 1)', () => {
    // ch2 is 181×217×181 at 1 mm: the conformed grid is the source grid permuted, flipped and
    // shifted by half a voxel on every axis (dims/2 = 90.5, 108.5, 90.5 maps to voxel 128), so every
    // sample is a tie between two voxels. Nearest rounds ties up going forward; toSource samples a
    // hair below each source voxel (−1e-3 voxel) so that its ties go the other way: the two maps are
    // then exact inverses on the overlap, and the round trip is the identity (Dice 1, not just ≥ 0.99).
    const c = conformVolume(mask, { toUint8: false, interpolation: 'nearest' });
    expect(c.volume.data).toBeInstanceOf(Uint8Array);
    const back = c.toSource(c.volume, 'nearest');
    expect(back.shape).toEqual(mask.shape);
    expect(back.affine).toEqual(mask.affine);
    expect(back.data).toBeInstanceOf(Uint8Array);
    expect(firstDifference(back.data, mask.data)).toBe(-1);
    expect(dice(back.data, mask.data)).toBe(1);
    // written "like" ch2bet, the label map has its header's geometry and codes: it overlays exactly
    const written = readNifti(writeNifti(back, { like: mask.header }));
    expect(written.affine).toEqual(mask.affine);
    expect(written.shape).toEqual(mask.shape);
    expect(written.header.sformCode).toBe(mask.header.sformCode);
    expect(written.header.qformCode).toBe(mask.header.qformCode);
    expect(firstDifference(written.data, mask.data)).toBe(-1);
  });

  it('linear conform then threshold 0.5 and nearest back stays close to the mask (Dice ≥ 0.98)', () => {
    // half-voxel offsets make linear conform a 2×2×2 average: the boundary moves by up to a voxel
    const c = conformVolume(mask, { toUint8: false });
    const thresholded = { ...c.volume, data: binarize(c.volume.data, 0.5) };
    expect(dice(c.toSource(thresholded, 'nearest').data, mask.data)).toBeGreaterThan(0.98);
  });

  it('toSource(conform(ch2), linear) ≈ ch2', () => {
    const back = conformed.toSource(conformed.volume, 'linear');
    expect(back.data).toBeInstanceOf(Float32Array);
    expect(back.shape).toEqual(ch2.shape);
    expect(back.affine).toEqual(ch2.affine);
    expect(back.spacing).toEqual(ch2.spacing);
    // two 2×2×2 averages (half-voxel offsets both ways) blur edges a little
    expect(correlation(back.data, ch2.data)).toBeGreaterThan(0.99);
  });
});

describe('conformVolume on small grids', () => {
  /** A 20×24×18 oblique, anisotropic int16 volume. */
  function oblique(): Volume<Int16Array> {
    const c = Math.cos(0.2);
    const s = Math.sin(0.2);
    const affine = [
      [0, 1.2 * s, 2 * c, -20],
      [0, 1.2 * c, -2 * s, 10],
      [1.5, 0, 0, -5],
      [0, 0, 0, 1],
    ];
    const data = Int16Array.from({ length: 20 * 24 * 18 }, (_, i) => ((i * 7919) % 2000) - 300);
    return { data, shape: [20, 24, 18], spacing: [1.5, 1.2, 2], affine };
  }

  it("matches niivue's geometry for an oblique source and honours shape, voxel size and orientation options", () => {
    const v = oblique();
    const expected = niivueConformAffine([18, 24, 20], reverseSpatialColumns(v.affine));
    const defaults = conformAffine(v.shape, v.affine, [256, 256, 256], [1, 1, 1], 'LIA');
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) expect(defaults[r][c]).toBeCloseTo(expected[r][c], 12);
    const small = conformVolume(v, { shape: [40, 30, 20], voxelSize: [0.5, 1, 2], orientation: 'RAS' });
    expect(small.volume.shape).toEqual([40, 30, 20]);
    expect(small.volume.spacing).toEqual([0.5, 1, 2]);
    expect(axisCodes(small.volume.affine)).toBe('RAS');
    // the source centre (voxel shape/2) is at the output's voxel shape/2
    const centre = applyAffine(v.affine, v.shape.map((n) => n / 2));
    const out = applyAffine(small.volume.affine, [20, 15, 10]);
    for (let k = 0; k < 3; k++) expect(out[k]).toBeCloseTo(centre[k], 10);
  });

  it('maps channels-last probabilities back onto the source grid', () => {
    const v = oblique();
    const c = conformVolume(v, { shape: [32, 32, 32], voxelSize: [2, 2, 2] });
    const n = 32 ** 3;
    const probs = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) probs.set([0.2, 0.3, 0.5], 3 * i);
    const back = c.toSource({ data: probs, shape: [32, 32, 32, 3], spacing: [2, 2, 2], affine: c.volume.affine }, 'linear');
    expect(back.shape).toEqual([20, 24, 18, 3]);
    expect(back.affine).toEqual(v.affine);
    expect(back.spacing).toEqual(v.spacing);
    // the 64 mm conformed field of view covers the source: every voxel gets the constant probabilities
    for (let i = 0; i < 20 * 24 * 18; i++) {
      expect(back.data[3 * i]).toBeCloseTo(0.2, 6);
      expect(back.data[3 * i + 2]).toBeCloseTo(0.5, 6);
    }
    expect(() => c.toSource({ ...c.volume, shape: [32, 32, 31] }, 'nearest')).toThrow('conformVolume.toSource: v.shape [32, 32, 31] is not on the grid');
    expect(() => c.toSource({ ...c.volume, affine: v.affine }, 'nearest')).toThrow("conformVolume.toSource: v.affine is not the conformed grid's affine");
    expect(() => c.toSource(c.volume, 'cubic' as 'linear')).toThrow("conformVolume.toSource: mode must be 'linear' or 'nearest'");
  });

  it("uses niivue's robust uint8 scaling for non-uint8 images (99.9th percentile of non-zero voxels)", () => {
    // 9990 voxels ramping 1..100 and 10 outliers at 1000 (1000 bins of 0.999): the cumulative count
    // reaches nth = 10000 − ⌊0.001 · 10000⌋ = 9990 in bin 99 (value 100); niivue's loop stops one
    // bin earlier (FastSurfer's conform.py would take bin 99): srcMax = 98 · 0.999 + 1
    const data = new Float32Array(10000);
    for (let i = 0; i < 9990; i++) data[i] = 1 + Math.floor((i * 100) / 9990);
    data.fill(1000, 9990);
    const s = niivueUint8Scale(data);
    expect(s.srcMin).toBe(1);
    expect(s.scale).toBeCloseTo(255 / (98 * 0.999), 9);
    expect(niivueUint8Scale(Uint8Array.of(3, 9, 200))).toEqual({ srcMin: 3, scale: 1 });
    expect(niivueUint8Scale(Float32Array.of(5, 5, 5))).toEqual({ srcMin: 5, scale: 1 });
    const v = oblique();
    const c = conformVolume(v, { shape: [16, 16, 16], voxelSize: [2, 2, 2] });
    expect(c.volume.data).toBeInstanceOf(Uint8Array);
    expect(c.intensity!.srcMin).toBe(-300);
    expect(Math.max(...c.volume.data)).toBeLessThanOrEqual(255);
  });

  it("reuses an already conformed image by exact reorientation, intensities untouched (brainchop's shortcut)", () => {
    // a 1 mm image of 6×5×4 voxels in SAR becomes a 4×6×5 'LIA' image without interpolation
    const affine = [
      [0, 0, 1, -2],
      [0, 1, 0, -3],
      [1, 0, 0, 4],
      [0, 0, 0, 1],
    ];
    const v: Volume = { data: Int16Array.from({ length: 120 }, (_, i) => i * 11 - 500), shape: [6, 5, 4], spacing: [1, 1, 1], affine };
    const c = conformVolume(v, { shape: [4, 6, 5] });
    expect(c.method).toBe('reoriented');
    expect(c.intensity).toBeUndefined();
    const r = reorient(v, 'LIA').volume;
    expect(c.volume.affine).toEqual(r.affine);
    expect(firstDifference(c.volume.data, r.data)).toBe(-1);
    expect(c.volume.data).toBeInstanceOf(Int16Array);
    expect(firstDifference(c.toSource(c.volume, 'nearest').data, v.data)).toBe(-1);
    expect(conformVolume(v, { shape: [4, 6, 5], reuseConformed: false }).method).toBe('resampled');
  });

  it('validates its arguments', () => {
    const v = oblique();
    expect(() => conformVolume({ ...v, shape: [1, 20, 24, 18] })).toThrow('conformVolume: volume must be 3-D');
    expect(() => conformVolume(v, { shape: [256, 256] })).toThrow('conformVolume: options.shape must be three positive integers');
    expect(() => conformVolume(v, { voxelSize: [1, 0, 1] })).toThrow('conformVolume: options.voxelSize must be three positive numbers');
    expect(() => conformVolume(v, { orientation: 'LIS' })).toThrow('conformVolume: codes must name each of L/R, A/P, S/I exactly once');
    expect(() => conformVolume(v, { interpolation: 'cubic' as 'linear' })).toThrow("conformVolume: options.interpolation must be 'linear' or 'nearest'");
  });
});
