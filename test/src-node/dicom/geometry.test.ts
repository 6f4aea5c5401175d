import { describe, expect, it } from 'vitest';
import { stackGeometry, type StackImage } from '../../../src-node/dicom/geometry';

const AXIAL = [1, 0, 0, 0, 1, 0];

/** An axial stack at z positions `zs` (LPS), 0.5 × 0.75 mm pixels, origin (10, 20, z). */
function stack(zs: number[], patch: (img: StackImage, n: number) => Partial<StackImage> = () => ({})): StackImage[] {
  return zs.map((z, n) => {
    const img: StackImage = { where: `f${n}`, position: [10, 20, z], orientation: AXIAL, pixelSpacing: [0.75, 0.5], instanceNumber: n + 1 };
    return { ...img, ...patch(img, n) };
  });
}

describe('stackGeometry', () => {
  it('sorts by position along the normal (not by instance number or input order) and builds the RAS affine in [k, j, i] order', () => {
    const g = stackGeometry(stack([6, 0, 4, 2]), null);
    expect(g.order).toEqual([1, 3, 2, 0]);
    expect(g.spacing).toEqual([2, 0.75, 0.5]);
    expect(g.normal).toEqual([0, 0, 1]);
    // LPS (10, 20, 0) → RAS (−10, −20, 0); i along +x LPS = −x RAS; j along +y LPS = −y RAS; k along +z.
    expect(g.affine).toEqual([
      [0, 0, -0.5, -10],
      [0, -0.75, 0, -20],
      [2, 0, 0, 0],
      [0, 0, 0, 1],
    ]);
  });

  it('takes a single slice\'s thickness from the caller and assumes identity geometry when a lone image has none', () => {
    const g = stackGeometry([{ where: 'x.dcm', position: null, orientation: null, pixelSpacing: null, instanceNumber: null }], 3);
    expect(g.spacing).toEqual([3, 1, 1]);
    expect(g.affine[2]).toEqual([3, 0, 0, 0]);
    expect(g.warnings).toHaveLength(3);
    expect(g.warnings[0]).toMatch(/x\.dcm: no ImageOrientationPatient/);
  });

  it('refuses a missing slice, naming the images on either side and the numbers', () => {
    expect(() => stackGeometry(stack([0, 2, 4, 8, 10]), null)).toThrow(
      'missing slice(s): the step between f2 (at 4.0000 mm) and f3 (at 8.0000 mm) is 4.0000 mm, more than 1.5× the median step 2.0000 mm (about 1 slice(s) missing)',
    );
  });

  it('refuses duplicate positions', () => {
    expect(() => stackGeometry(stack([0, 2, 2, 4]), null)).toThrow(/duplicate slice position: f1 \(at 2\.0000 mm\) and f2 \(at 2\.0000 mm\) are 0\.00e\+0 mm apart/);
  });

  it('refuses non-uniform steps beyond 1e-3 relative, and accepts them within', () => {
    expect(() => stackGeometry(stack([0, 2, 4.01, 6]), null)).toThrow(/non-uniform slice spacing: the step between f1 \(at 2\.0000 mm\) and f2 \(at 4\.0100 mm\) is 2\.0100 mm, the median step 2\.0000 mm/);
    expect(stackGeometry(stack([0, 2, 4.001, 6]), null).spacing[0]).toBeCloseTo(2, 12);
  });

  it('refuses gantry tilt: positions that drift across the slice plane', () => {
    const tilted = stack([0, 2, 4, 6], (img, n) => ({ position: [10, 20 + n * 0.35, n * 2] }));
    expect(() => stackGeometry(tilted, null)).toThrow(/gantry tilt or sheared stack: f1 is 0\.3500 mm off the slice normal \[0, 0, 1\] of f0 over 2\.0000 mm \(tilt ≈ 9\.93°\)/);
  });

  it('refuses inconsistent and non-orthogonal orientations and mixed pixel spacing', () => {
    expect(() => stackGeometry(stack([0, 2], (img, n) => ({ orientation: n ? [1, 0, 0, 0, 0, -1] : AXIAL })), null)).toThrow(
      'inconsistent ImageOrientationPatient: f0 has [1, 0, 0, 0, 1, 0], f1 has [1, 0, 0, 0, 0, -1] (differ by up to 1.0000); a series must be one stack of parallel slices',
    );
    expect(() => stackGeometry(stack([0, 2], () => ({ orientation: [1, 0, 0, 0.1, 1, 0] })), null)).toThrow(/f0: ImageOrientationPatient \[1, 0, 0, 0\.1, 1, 0\] is not two orthogonal unit vectors/);
    expect(() => stackGeometry(stack([0, 2], (img, n) => ({ pixelSpacing: n ? [0.8, 0.5] : [0.75, 0.5] })), null)).toThrow('mixed PixelSpacing: f0 has [0.75, 0.5], f1 has [0.8, 0.5]');
  });

  it('follows an oblique normal: sagittal slices step along −x (LPS), +x RAS', () => {
    // rows along +y (posterior), columns along −z (down): normal = y × −z = −x (LPS).
    const g = stackGeometry(stack([0, 1, 2], (img, n) => ({ orientation: [0, 1, 0, 0, 0, -1], position: [-3 * n, 0, 0] })), null);
    expect(g.order).toEqual([0, 1, 2]);
    expect(g.affine.map((r) => r[0])).toEqual([3, 0, 0, 0]);
  });
});
