import { describe, expect, it } from 'vitest';
import { calibrationConfig, configId, expandGrid, planSweep } from '../../../shared/sweep/grid';
import { parseShard, sweepPairs } from '../../../shared/sweep/pairs';
import type { SweepGrid } from '../../../shared/sweep/types';

const grid: SweepGrid = {
  patchSizes: [[64], [96, 96, 64]],
  overlaps: [[0], [0.25], [0.5, 0.5, 0]],
  placements: ['stride', 'spread'],
  blends: ['constant', 'gaussian', 'performance-weighted'],
  mirror: [false, true],
};

describe('expandGrid', () => {
  it('expands the cartesian product in a fixed order with stable ids', () => {
    const configs = expandGrid(grid);
    expect(configs).toHaveLength(2 * 3 * 2 * 3 * 2);
    expect(configs[0]).toEqual({ id: 'p64-o0-stride-constant-tta0', patchSize: [64, 64, 64], overlap: [0, 0, 0], placement: 'stride', blend: 'constant', mirror: false });
    expect(configs[1].id).toBe('p64-o0-stride-constant-tta1');
    expect(configs.at(-1)!.id).toBe('p96x96x64-o0.5x0.5x0-spread-performance-weighted-tta1');
    expect(new Set(configs.map((c) => c.id)).size).toBe(configs.length);
    // ids depend on the values only: the same configuration in another grid has the same id
    const other = expandGrid({ patchSizes: [[64, 64, 64]], overlaps: [[0.25, 0.25, 0.25]], placements: ['spread'], blends: ['gaussian'], mirror: [true] });
    expect(other[0].id).toBe('p64-o0.25-spread-gaussian-tta1');
    expect(configs.some((c) => c.id === other[0].id)).toBe(true);
    expect(configId({ patchSize: [32, 32], overlap: [0.5, 0.5], placement: 'stride', blend: 'hann', mirror: false })).toBe('p32-o0.5-stride-hann-tta0');
    expect(expandGrid({ ...grid, patchSizes: [[32]], overlaps: [[0.5], [0.5, 0]] }, { spatialAxes: 2 }).map((c) => c.overlap)[12]).toEqual([0.5, 0]);
    expect(expandGrid({ ...grid, patchSizes: [[32]], overlaps: [[0.5]] }, { spatialAxes: 2 })[0].patchSize).toEqual([32, 32]);
  });

  it('names the field in every error', () => {
    const bad = (patch: Partial<SweepGrid>) => () => expandGrid({ ...grid, ...patch } as SweepGrid);
    expect(bad({ overlaps: [[1]] })).toThrow(/expandGrid: overlaps\[0\] must be a number in \[0, 0.9\], got 1/);
    expect(bad({ overlaps: [[0.5], [-0.1]] })).toThrow(/overlaps\[1\] must be a number in \[0, 0.9\], got -0.1/);
    // The shared overlap limit (shared/settings OVERLAP_LIMITS): 0.9 is in, 0.91 out.
    expect(bad({ overlaps: [[0.91]] })).toThrow(/overlaps\[0\] must be a number in \[0, 0.9\], got 0.91/);
    expect(expandGrid({ ...grid, overlaps: [[0.9]] })[0].overlap).toEqual([0.9, 0.9, 0.9]);
    expect(bad({ overlaps: [[0.5, 0.5]] })).toThrow(/overlaps\[0\] has 2 entries; give one \(every axis\) or 3/);
    expect(bad({ patchSizes: [[0]] })).toThrow(/patchSizes\[0\] must be an integer in \[1, 1024\], got 0/);
    expect(bad({ patchSizes: [[64], [1025]] })).toThrow(/patchSizes\[1\] must be an integer in \[1, 1024\], got 1025/);
    expect(bad({ patchSizes: [[64, 32.5, 64]] })).toThrow(/patchSizes\[0\]\[1\] must be an integer in \[1, 1024\], got 32.5/);
    expect(bad({ patchSizes: [] })).toThrow(/patchSizes must be a non-empty array/);
    expect(bad({ placements: ['middle' as never] })).toThrow(/placements\[0\] must be one of stride, spread, got "middle"/);
    expect(bad({ blends: ['gaussian', 'median' as never] })).toThrow(/blends\[1\] must be one of constant, gaussian, gaussian-nnunet, hann, crop, performance-weighted, got "median"/);
    expect(bad({ mirror: ['yes' as never] })).toThrow(/mirror\[0\] must be true or false/);
    expect(bad({ overlaps: [[0.5], [0.5, 0.5, 0.5]] })).toThrow(/overlaps\[1\] repeats overlaps\[0\] \(0.5\)/);
    expect(bad({ blends: ['hann', 'hann'] })).toThrow(/blends\[1\] repeats blends\[0\]/);
  });

  it('adds one calibration run per patch size when the grid lacks it', () => {
    const g: SweepGrid = { patchSizes: [[32], [48]], overlaps: [[0], [0.5]], placements: ['spread'], blends: ['gaussian', 'performance-weighted'], mirror: [false] };
    expect(calibrationConfig(g, [32, 32, 32]).id).toBe('p32-o0.5-spread-constant-tta0');
    const plan = planSweep(g);
    expect(plan.calibration).toEqual({ 32: 'p32-o0.5-spread-constant-tta0', 48: 'p48-o0.5-spread-constant-tta0' });
    expect(plan.added).toEqual(['p32-o0.5-spread-constant-tta0', 'p48-o0.5-spread-constant-tta0']);
    expect(plan.configs).toHaveLength(8 + 2);
    const withConstant = planSweep({ ...g, blends: ['constant'] });
    expect(withConstant.added).toEqual([]);
  });

  it('shards split the pairs deterministically by index mod n', () => {
    expect(parseShard('1/3')).toEqual({ index: 1, count: 3 });
    expect(() => parseShard('3/3')).toThrow(/0 ≤ i < n/);
    expect(() => parseShard('a/2')).toThrow(/parseShard/);
    const cases = [{ id: 'a' }, { id: 'b' }];
    const configs = [{ id: 'x' }, { id: 'y' }, { id: 'z' }];
    const all = sweepPairs(cases, configs);
    expect(all.map((p) => `${p.caseId}${p.configId}`)).toEqual(['ax', 'ay', 'az', 'bx', 'by', 'bz']);
    const shards = [0, 1].map((i) => sweepPairs(cases, configs, { index: i, count: 2 }).map((p) => p.index));
    expect(shards).toEqual([
      [0, 2, 4],
      [1, 3, 5],
    ]);
  });
});
