import { describe, expect, it } from 'vitest';
import { blendingWeights } from '../../../shared/index';
import { separableProfiles } from '../../../shared/blending/blendingWeights';

const close = (got: Float32Array, want: number[], tol = 1e-6) => {
  expect(got).toHaveLength(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThanOrEqual(tol));
};

describe('blendingWeights', () => {
  it('constant: ones', () => {
    expect(Array.from(blendingWeights([2, 3], 'constant'))).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('gaussian matches MONAI compute_importance_map (σ = 0.125·P, floor 1e-3)', () => {
    close(blendingWeights(4, 'gaussian'), [0.011109, 0.606531, 0.606531, 0.011109]);
    close(blendingWeights(5, 'gaussian'), [0.005976, 0.278037, 1, 0.278037, 0.005976]);
  });

  it('gaussian is the product over axes, floored at 1e-3 after the product', () => {
    const w = blendingWeights([4, 5], 'gaussian');
    // corner: 0.011109 · 0.005976 = 6.6e-5 < 1e-3 → raised to 1e-3
    expect(w[0]).toBeCloseTo(1e-3, 7);
    // centre row of the 5-axis, inner entry of the 4-axis: 0.606531 · 1
    expect(w[1 * 5 + 2]).toBeCloseTo(0.606531, 6);
    expect(w[1 * 5 + 1]).toBeCloseTo(0.606531 * 0.278037, 6);
  });

  it('gaussian accepts a per-axis sigmaScale', () => {
    const w = blendingWeights([5, 5], 'gaussian', { sigmaScale: [0.125, 1] });
    expect(w[0 * 5 + 2]).toBeCloseTo(0.005976, 6); // axis 0 narrow
    expect(w[2 * 5 + 0]).toBeCloseTo(Math.exp(-4 / (2 * 25)), 6); // axis 1 wide: σ = 5
  });

  it('gaussian-nnunet matches nnU-Net v2 compute_gaussian (centre P//2, σ = P/8, peak 10)', () => {
    close(blendingWeights(8, 'gaussian-nnunet'), [0.003355, 0.11109, 1.353353, 6.065307, 10, 6.065307, 1.353353, 0.11109], 2e-6);
    const w3 = blendingWeights([8, 8, 8], 'gaussian-nnunet');
    expect(Math.max(...w3)).toBeCloseTo(10, 5);
    expect(w3[4 * 64 + 4 * 8 + 4]).toBeCloseTo(10, 5);
  });

  it('hann matches TorchIO (sin²(π(k+1)/(P+1)))', () => {
    close(blendingWeights(5, 'hann'), [0.25, 0.75, 1, 0.75, 0.25]);
    const w = blendingWeights([3, 5], 'hann');
    close(w.subarray(0, 5), [0.25, 0.75, 1, 0.75, 0.25].map((v) => v * 0.5));
  });

  it('all modes are positive everywhere, also for large 3D patches', () => {
    for (const mode of ['constant', 'gaussian', 'gaussian-nnunet', 'hann'] as const) {
      const w = blendingWeights([64, 48, 32], mode);
      expect(w).toHaveLength(64 * 48 * 32);
      expect(Math.min(...w)).toBeGreaterThan(0);
    }
  });

  it('rejects unknown modes and bad sizes, naming them', () => {
    // @ts-expect-error invalid mode on purpose
    expect(() => blendingWeights(4, 'cosine')).toThrow(/blendingWeights: mode must be one of constant, gaussian, gaussian-nnunet, hann, got "cosine"/);
    expect(() => blendingWeights([4, 0], 'constant')).toThrow(/blendingWeights: patchSize\[1\] must be a positive integer/);
    expect(() => blendingWeights(4, 'gaussian', { sigmaScale: 0 })).toThrow(/sigmaScale\[0\] must be a positive number/);
  });

  it('separableProfiles: the outer product of the profiles is the map, or null where the map is not separable', () => {
    const outer = (ps: Float64Array[]) => ps.reduce<number[]>((acc, p) => acc.flatMap((a) => Array.from(p, (v) => a * v)), [1]);
    for (const [mode, opts] of [['constant', {}], ['hann', {}], ['gaussian-nnunet', {}], ['gaussian', { sigmaScale: 1 }]] as const) {
      const profiles = separableProfiles([5, 6, 7], mode, opts);
      expect(profiles).not.toBeNull();
      const w = blendingWeights([5, 6, 7], mode, opts);
      outer(profiles!).forEach((v, i) => expect(Math.abs(v - w[i])).toBeLessThanOrEqual(1e-6 * Math.abs(v)));
    }
    // MONAI's 1e-3 floor changes the corners of a 3-D 64³ gaussian: not separable
    expect(separableProfiles([64, 64, 64], 'gaussian')).toBeNull();
  });
});
