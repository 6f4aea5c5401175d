import { describe, expect, it } from 'vitest';
import { applyAffine } from '../../../shared/io/affine';
import { axisCodes, axisTransform, directionsFromCodes, reorient } from '../../../shared/io/orientation';
import type { Volume } from '../../../shared/io/volume';
import { firstDifference } from './arrays';

/** ch2's array-order affine: NIfTI i, j, k = R, A, S, read as array axes k, j, i. */
const CH2_AFFINE = [
  [0, 0, 1, -90],
  [0, 1, 0, -125],
  [1, 0, 0, -71],
  [0, 0, 0, 1],
];

function ramp(shape: number[], affine = CH2_AFFINE, spacing = [1, 1, 1]): Volume<Int32Array> {
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Int32Array.from({ length: n }, (_, i) => i), shape, spacing, affine };
}

const ALL_CODES = (() => {
  const out: string[] = [];
  const pairs = [
    ['L', 'R'],
    ['A', 'P'],
    ['S', 'I'],
  ];
  for (const order of [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ]) {
    for (let signs = 0; signs < 8; signs++) out.push(order.map((p, k) => pairs[p][(signs >> k) & 1]).join(''));
  }
  return out;
})();

describe('axisCodes', () => {
  it('reads array-order codes: ch2 (NIfTI RAS) is SAR, conformed LIA is LIA', () => {
    expect(axisCodes(CH2_AFFINE)).toBe('SAR');
    const lia = [
      [-1, 0, 0, 128],
      [0, 0, 1, -128],
      [0, -1, 0, 128],
      [0, 0, 0, 1],
    ];
    expect(axisCodes(lia)).toBe('LIA');
    expect(directionsFromCodes('LIA')).toEqual([
      [-1, 0, 0],
      [0, 0, -1],
      [0, 1, 0],
    ]);
  });

  it('ignores voxel size and picks the closest axis of an oblique affine (like nibabel aff2axcodes)', () => {
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const oblique = [
      [0, 2 * s, 3 * c, 0],
      [0, 2 * c, -3 * s, 0],
      [-0.5, 0, 0, 0],
      [0, 0, 0, 1],
    ];
    expect(axisCodes(oblique)).toBe('IAR');
  });

  it('names the argument in its errors', () => {
    expect(() => axisCodes([[1]])).toThrow('axisCodes: affine must be a 4×4 array of finite numbers');
  });
});

describe('reorient', () => {
  it('is exact and invertible for every one of the 48 orientations; voxels keep their world position', () => {
    const v = ramp([3, 4, 5]);
    const probe = [
      [0, 0, 0],
      [2, 3, 4],
      [1, 2, 3],
    ];
    for (const codes of ALL_CODES) {
      const { volume: r, inverse } = reorient(v, codes);
      expect(axisCodes(r.affine)).toBe(codes);
      expect(r.data).toBeInstanceOf(Int32Array);
      const tr = axisTransform('SAR', codes);
      expect(r.shape).toEqual(tr.perm.map((s) => v.shape[s]));
      // world position of each reoriented voxel = world position of the source voxel with that value
      for (let a = 0; a < r.shape[0]; a++) {
        for (let b = 0; b < r.shape[1]; b++) {
          for (let c = 0; c < r.shape[2]; c++) {
            const value = r.data[(a * r.shape[1] + b) * r.shape[2] + c];
            const src = [Math.floor(value / 20), Math.floor(value / 5) % 4, value % 5];
            expect(applyAffine(r.affine, [a, b, c])).toEqual(applyAffine(v.affine, src));
          }
        }
      }
      const back = inverse(r);
      expect(back.shape).toEqual(v.shape);
      expect(back.affine).toEqual(v.affine);
      expect(firstDifference(back.data, v.data)).toBe(-1);
      for (const p of probe) expect(applyAffine(v.affine, p)).toEqual(applyAffine(back.affine, p));
    }
  });

  it('permutes the spacing with the axes and never touches the input', () => {
    const v = ramp([3, 4, 5], CH2_AFFINE.map((row) => [...row]), [1, 1, 1]);
    v.affine = [
      [0, 0, 0.5, -90],
      [0, 2, 0, -125],
      [3, 0, 0, -71],
      [0, 0, 0, 1],
    ];
    v.spacing = [3, 2, 0.5];
    const before = v.data.slice();
    const { volume: r } = reorient(v, 'LIA');
    expect(r.spacing).toEqual([0.5, 3, 2]);
    expect(r.shape).toEqual([5, 3, 4]);
    expect(firstDifference(v.data, before)).toBe(-1);
  });

  it('inverse maps a channels-last array on the reoriented grid back (labels, probabilities)', () => {
    const v = ramp([3, 4, 5]);
    const { volume: r, inverse } = reorient(v, 'PLI');
    const channels = 2;
    const probs = new Float32Array(r.data.length * channels);
    for (let i = 0; i < r.data.length; i++) {
      probs[i * channels] = r.data[i];
      probs[i * channels + 1] = -r.data[i];
    }
    const back = inverse({ data: probs, shape: [...r.shape, channels], spacing: r.spacing, affine: r.affine });
    expect(back.shape).toEqual([3, 4, 5, 2]);
    expect(back.data).toBeInstanceOf(Float32Array);
    for (let i = 0; i < v.data.length; i++) {
      expect(back.data[i * 2]).toBe(v.data[i]);
      expect(back.data[i * 2 + 1]).toBe(-v.data[i]);
    }
    expect(() => inverse({ ...r, shape: [1, 2, 3] })).toThrow('reorient.inverse: v.shape [1, 2, 3] is not on the grid');
  });

  it('keeps the leading axis of a 4-D volume', () => {
    const v = ramp([2, 3, 4, 5]);
    const { volume: r, inverse } = reorient(v, 'RPI');
    expect(r.shape[0]).toBe(2);
    expect(firstDifference(inverse(r).data, v.data)).toBe(-1);
    // frame 1 is frame 0 shifted by 60 everywhere
    const frame = r.data.length / 2;
    for (let i = 0; i < frame; i++) expect(r.data[frame + i] - r.data[i]).toBe(60);
  });

  it('rejects invalid codes', () => {
    const v = ramp([3, 4, 5]);
    expect(() => reorient(v, 'LRA')).toThrow("reorient: codes must name each of L/R, A/P, S/I exactly once, got \"LRA\"");
    expect(() => reorient(v, 'XYZ')).toThrow('reorient: unknown axis code "X"');
    expect(() => reorient(v, 'LI')).toThrow('reorient: codes must be three letters');
    expect(reorient(v, 'lia').volume.shape).toEqual([5, 3, 4]);
  });
});
