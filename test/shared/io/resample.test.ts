import { describe, expect, it } from 'vitest';
import { resampleArray, resampleToGrid } from '../../../shared/io/resample';
import type { Volume } from '../../../shared/io/volume';
import { firstDifference } from './arrays';

const AFFINE = [
  [0, 0, 2, -10],
  [0, 1.5, 0, 20],
  [1, 0, 0, 5],
  [0, 0, 0, 1],
];

/** A volume whose value is a linear function of world position (trilinear reproduces it exactly). */
function linearField(shape: number[], affine = AFFINE): Volume<Float64Array> {
  const data = new Float64Array(shape[0] * shape[1] * shape[2]);
  let o = 0;
  for (let a = 0; a < shape[0]; a++) {
    for (let b = 0; b < shape[1]; b++) {
      for (let c = 0; c < shape[2]; c++) {
        const x = affine[0][0] * a + affine[0][1] * b + affine[0][2] * c + affine[0][3];
        const y = affine[1][0] * a + affine[1][1] * b + affine[1][2] * c + affine[1][3];
        const z = affine[2][0] * a + affine[2][1] * b + affine[2][2] * c + affine[2][3];
        data[o++] = 3 * x - 2 * y + 0.5 * z + 7;
      }
    }
  }
  return { data, shape, spacing: [1, 1.5, 2], affine };
}

describe('resampleToGrid', () => {
  it('is the identity on its own grid (both modes)', () => {
    const v = { data: Int16Array.from({ length: 60 }, (_, i) => i * 3 - 50), shape: [3, 4, 5], spacing: [1, 1.5, 2], affine: AFFINE };
    const near = resampleToGrid(v, [3, 4, 5], AFFINE, 'nearest');
    expect(near.data).toBeInstanceOf(Int16Array);
    expect(firstDifference(near.data, v.data)).toBe(-1);
    const lin = resampleToGrid(v, [3, 4, 5], AFFINE, 'linear');
    expect(lin.data).toBeInstanceOf(Float32Array);
    expect(firstDifference(lin.data, v.data)).toBe(-1);
  });

  it('reproduces a linear field exactly at any position inside (rotated, finer target grid)', () => {
    const v = linearField([8, 9, 10]);
    // target: 0.7 mm voxels, axes permuted and flipped, inside the source's field of view
    const target = [
      [0.7, 0, 0, -8],
      [0, 0, -0.7, 30],
      [0, 0.7, 0, 7],
      [0, 0, 0, 1],
    ];
    const out = resampleToGrid(v, [10, 10, 10], target, 'linear', NaN);
    expect(out.spacing.map((s) => +s.toFixed(12))).toEqual([0.7, 0.7, 0.7]);
    let inside = 0;
    let o = 0;
    for (let a = 0; a < 10; a++) {
      for (let b = 0; b < 10; b++) {
        for (let c = 0; c < 10; c++, o++) {
          const x = 0.7 * a - 8;
          const y = -0.7 * c + 30;
          const z = 0.7 * b + 7;
          // inside the source's voxel centres?
          const i = (z - 5) / 1;
          const j = (y - 20) / 1.5;
          const k = (x + 10) / 2;
          const isInside = i >= 0 && i <= 7 && j >= 0 && j <= 8 && k >= 0 && k <= 9;
          if (isInside) {
            inside++;
            expect(out.data[o]).toBeCloseTo(3 * x - 2 * y + 0.5 * z + 7, 3);
          } else {
            expect(out.data[o]).toBeNaN();
          }
        }
      }
    }
    expect(inside).toBeGreaterThan(100);
  });

  it('nearest neighbour keeps labels and type; outside gets the fill value', () => {
    const labels = Uint8Array.from({ length: 60 }, (_, i) => i % 7);
    const v = { data: labels, shape: [3, 4, 5], spacing: [1, 1.5, 2], affine: AFFINE };
    // shift by one voxel along array axis 2 (2 mm in x): the first column falls outside
    const shifted = AFFINE.map((row) => [...row]);
    shifted[0][3] -= 2;
    const out = resampleToGrid(v, [3, 4, 5], shifted, 'nearest', 9);
    expect(out.data).toBeInstanceOf(Uint8Array);
    for (let a = 0; a < 3; a++) {
      for (let b = 0; b < 4; b++) {
        expect(out.data[(a * 4 + b) * 5]).toBe(9);
        for (let c = 1; c < 5; c++) expect(out.data[(a * 4 + b) * 5 + c]).toBe(labels[(a * 4 + b) * 5 + c - 1]);
      }
    }
    expect(() => resampleToGrid(v, [3, 4, 5], shifted, 'nearest', 300)).toThrow("fill 300 does not fit the source's array type");
  });

  it('resamples every frame of a 4-D volume, and channels-last arrays through resampleArray', () => {
    const f = linearField([4, 5, 6]);
    const two = new Float64Array(f.data.length * 2);
    two.set(f.data);
    two.set(f.data.map((x) => -x), f.data.length);
    const out = resampleToGrid({ ...f, data: two, shape: [2, 4, 5, 6] }, [4, 5, 6], AFFINE, 'linear');
    expect(out.shape).toEqual([2, 4, 5, 6]);
    for (let i = 0; i < f.data.length; i++) expect(out.data[f.data.length + i]).toBeCloseTo(-out.data[i], 3);
    const interleaved = new Float32Array(f.data.length * 2);
    f.data.forEach((x, i) => {
      interleaved[2 * i] = x;
      interleaved[2 * i + 1] = 2 * x;
    });
    const half = AFFINE.map((row) => [...row]);
    half[0][3] += 1; // 1 mm = half a voxel along array axis 2
    const ch = resampleArray({ data: interleaved, spatial: [4, 5, 6], trail: 2 }, AFFINE, [4, 5, 6], half, 'linear');
    for (let i = 0; i < f.data.length; i++) {
      if (i % 6 === 5) continue; // beyond the last voxel centre: fill
      expect(ch[2 * i]).toBeCloseTo(f.data[i] + 3, 3); // 1 mm further in x, the field rises 3 per mm
      expect(ch[2 * i + 1]).toBeCloseTo(2 * (f.data[i] + 3), 3);
    }
  });

  it('validates its arguments', () => {
    const v = linearField([2, 2, 2]);
    expect(() => resampleToGrid(v, [2, 2], AFFINE, 'linear')).toThrow('resampleToGrid: targetShape must be three positive integers');
    expect(() => resampleToGrid(v, [2, 2, 2], AFFINE, 'cubic' as 'linear')).toThrow("resampleToGrid: mode must be 'linear' or 'nearest'");
    expect(() => resampleToGrid(v, [2, 2, 2], [[1, 0, 0, 0]], 'linear')).toThrow('resampleToGrid: targetAffine must be a 4×4 array');
    expect(() => resampleToGrid({ ...v, shape: [2, 2, 3] }, [2, 2, 2], AFFINE, 'linear')).toThrow('resampleToGrid: volume.data has 8 elements');
  });
});
