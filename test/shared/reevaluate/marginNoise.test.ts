import { describe, expect, it } from 'vitest';
import type { InferenceMeasure } from '../../../shared/engine/inference/inferencePerformance';
import type { VoxelDiff } from '../../../shared/annotation/voxelDiff';
import { recommendMargin } from '../../../shared/recommend/recommendMargin';
import { compareMaps } from '../../../shared/reevaluate/compareMaps';
import { GroupedSums, jackknifeMargin, marginChangedAxes, noiseGroupCount, type MarginNoise } from '../../../shared/reevaluate/marginNoise';
import { reevaluate, type Reevaluation } from '../../../shared/reevaluate/reevaluate';
import { mulberry32 } from '../../../shared/util/mulberry32';
import { runWithCache, scene3d } from './fakeRun';
import { borderRun, inRing, tiledRun } from './tiledCache';

const FG = { measure: 'absoluteError' as const, labelMode: 'foreground' as const };
const MEASURES: InferenceMeasure[] = ['absoluteError', 'crossEntropy', 'diceError'];

/** The map before and after as the service compares them, with the after map's noise. */
function compareRun(run: ReturnType<typeof borderRun>) {
  const shape = run.plan.patchSize;
  const before = reevaluate(run.cache, run.plan, run.before, FG);
  const after = reevaluate(run.cache, run.plan, run.after, FG);
  return compareMaps({ data: before.map(), shape }, { data: after.map(), shape }, {}, after.marginNoise());
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('the margin noise: K partial maps and the leave-one-group-out jackknife', () => {
  it('on four windows of a 5×5 patch, computed by hand', () => {
    // A 5×5 patch allows margins 0 or 1 per axis (maxMargin(5) = 1; a 4×4 patch allows only 0).
    // Reference 0 everywhere, so each position's absolute error is the window's foreground
    // probability there: window 0 has 1/2 on the outer ring and 1/4 inside, windows 1–3 have 1/4
    // everywhere.
    const patch = [5, 5];
    const run = tiledRun(patch, 4, (w, pos) => (w === 0 && inRing(pos, patch, [1, 1]) ? 0.5 : 0.25));
    const r = reevaluate(run.cache, run.plan, new Int32Array(run.plan.shape[0] * run.plan.shape[1]), FG);
    // Fewer windows than K = 10: one group per window.
    expect(r.groups!.groups).toBe(4);
    expect(Array.from(r.groups!.counts)).toEqual([1, 1, 1, 1]);
    const ring = 0; // position (0, 0)
    const inside = 2 * 5 + 2;
    expect([r.performance.accumulator.sum[ring], r.performance.accumulator.sum[inside]]).toEqual([1.25, 1]);
    // Leaving window 0 out: ring 1.25 − 0.5 = 0.75, inside 1 − 0.25 = 0.75, over 3 windows.
    const out = new Float64Array(25);
    expect(r.groups!.leaveOut(0, r.performance.accumulator.sum, 4, out)).toBe(3);
    expect([out[ring], out[inside]]).toEqual([0.75, 0.75]);
    expect(r.groups!.leaveOut(1, r.performance.accumulator.sum, 4, out)).toBe(3);
    expect([out[ring], out[inside]]).toEqual([1, 0.75]);
    // Full map: ring 5/16, inside 1/4, ratio 1.25 > 1.125 (where the 15-voxel crop leaves the 5 %
    // tolerance), so the 3×3 inside: [1, 1]. Without window 0 the map is flat: [0, 0]. Without one of
    // the others: ring 1/3, inside 1/4, ratio 4/3: [1, 1].
    const noise = r.marginNoise();
    expect(noise).toEqual({ windows: 4, groups: 4, tolerance: 0.05, margins: [[0, 0], [1, 1], [1, 1], [1, 1]], low: [0, 0], high: [1, 1] });
    expect(recommendMargin({ data: r.map(), shape: patch }).margin).toEqual([1, 1]);
    // A margin of [0, 0] before lies inside that range: no change on either axis.
    expect(marginChangedAxes([0, 0], [1, 1], noise)).toEqual([]);
  });

  it('cannot be measured from fewer than 3 windows; 3 windows give 3 groups', () => {
    const patch = [5, 5];
    const two = tiledRun(patch, 2, () => 0.25);
    const r2 = reevaluate(two.cache, two.plan, new Int32Array(50), FG);
    expect(r2.groups).toBeNull();
    expect(r2.marginNoise()).toEqual({ windows: 2, groups: 0, tolerance: 0.05, margins: [], low: null, high: null });
    expect(marginChangedAxes([0, 0], [1, 1], r2.marginNoise())).toBeNull();
    const three = tiledRun(patch, 3, () => 0.25);
    expect(reevaluate(three.cache, three.plan, new Int32Array(75), FG).marginNoise()).toMatchObject({ windows: 3, groups: 3, low: [0, 0], high: [0, 0] });
    expect([noiseGroupCount(2), noiseGroupCount(3), noiseGroupCount(9), noiseGroupCount(10), noiseGroupCount(1000)]).toEqual([0, 3, 9, 10, 10]);
  });

  it('merged, the K partial sums equal the full map exactly (binary fractions: every addition is exact)', () => {
    const patch = [4, 4, 4];
    const rand = mulberry32(3);
    const p = Array.from({ length: 23 * 64 }, () => Math.floor(rand() * 64) / 64);
    const run = tiledRun(patch, 23, (w, pos) => p[w * 64 + pos[0] * 16 + pos[1] * 4 + pos[2]]);
    const reference = run.reference(() => (rand() < 0.5 ? 1 : 0));
    for (const measure of ['absoluteError', 'diceError'] as const) {
      for (const labelMode of ['classes', 'foreground'] as const) {
        const r = reevaluate(run.cache, run.plan, reference, { measure, labelMode });
        const merged = r.groups!.merged();
        // 23 windows in 10 groups (window mod 10): 3, 3, 3, 2, …
        expect(Array.from(r.groups!.counts)).toEqual([3, 3, 3, 2, 2, 2, 2, 2, 2, 2]);
        expect(merged.count).toBe(r.performance.accumulator.count);
        expect(Array.from(merged.sum)).toEqual(Array.from(r.performance.accumulator.sum));
      }
    }
  });

  it('on a real model cache the merged sums equal the full ones within float64 rounding, and follow incremental edits', async () => {
    const { image, labels } = await scene3d([14, 13, 6]);
    const rand = mulberry32(11);
    for (const measure of MEASURES) {
      const { run, cache } = await runWithCache(image, labels, 'float32', { patchSize: 8, overlap: 0.5, blend: 'gaussian', batchSize: 2, measure });
      const state: Reevaluation = reevaluate(cache, run.plan, labels, { measure });
      const windows = run.plan.windows.length;
      expect(state.groups!.groups).toBe(Math.min(10, windows));
      const scale = Math.max(...state.performance.accumulator.sum.map(Math.abs));
      expect(maxAbsDiff(state.groups!.merged().sum, state.performance.accumulator.sum)).toBeLessThan(scale * 1e-13);
      // 300 voxels edited: every group's sums equal a fresh re-evaluation's against the edited reference.
      const picked = [...new Set(Array.from({ length: 300 }, () => Math.floor(rand() * labels.length)))].sort((a, b) => a - b);
      const indices = Uint32Array.from(picked);
      const before = Uint8Array.from(picked, (v) => labels[v]);
      const after = Uint8Array.from(picked, (v) => (labels[v] + 1) % 3);
      const diff: VoxelDiff = { indices, before, after };
      state.update(diff);
      const edited = Int32Array.from(labels);
      picked.forEach((v, k) => (edited[v] = after[k]));
      const fresh = reevaluate(cache, run.plan, edited, { measure });
      expect(Array.from(state.groups!.counts)).toEqual(Array.from(fresh.groups!.counts));
      expect(maxAbsDiff(state.groups!.sums, fresh.groups!.sums)).toBeLessThan(scale * 1e-9);
      expect(state.marginNoise()).toEqual(fresh.marginNoise());
      state.update(diff, true);
      expect(maxAbsDiff(state.groups!.sums, reevaluate(cache, run.plan, labels, { measure }).groups!.sums)).toBeLessThan(scale * 1e-9);
    }
  });

  it('a border error changed in every window is a change beyond the noise on every axis', () => {
    const c = compareRun(borderRun(20, () => [1, 1, 1], () => [4, 3, 2]));
    expect([c.before.margin, c.after.margin]).toEqual([[1, 1, 1], [4, 3, 2]]);
    expect(c.afterNoise).toMatchObject({ windows: 20, groups: 10, low: [4, 3, 2], high: [4, 3, 2] });
    expect(c.changedAxes).toEqual([0, 1, 2]);
  });

  it('a border changed in one window of ten moves the margin by 1 within noise', () => {
    // Window 0's ring grows to 3 voxels on axis 0; the other nine keep 1.
    const c = compareRun(borderRun(10, () => [1, 1, 1], (w) => (w === 0 ? [3, 1, 1] : [1, 1, 1])));
    expect([c.before.margin, c.after.margin, c.marginChanged]).toEqual([[1, 1, 1], [2, 1, 1], true]);
    // Without window 0 the margin is back to [1, 1, 1]: the range on axis 0 is 1–2.
    expect(c.afterNoise!.margins).toEqual([[1, 1, 1], ...new Array(9).fill([2, 1, 1])]);
    expect([c.afterNoise!.low, c.afterNoise!.high]).toEqual([[1, 1, 1], [2, 1, 1]]);
    expect(c.changedAxes).toEqual([]);
  });

  it('a change on one axis beyond the noise and one within it', () => {
    const c = compareRun(borderRun(10, () => [1, 1, 1], (w) => (w === 0 ? [4, 1, 3] : [4, 1, 1])));
    expect([c.before.margin, c.after.margin]).toEqual([[1, 1, 1], [4, 1, 2]]);
    expect([c.afterNoise!.low, c.afterNoise!.high]).toEqual([[4, 1, 1], [4, 1, 2]]);
    expect(c.changedAxes).toEqual([0]);
  });

  it('compareMaps widens the range to the after margin it computes, and names a mismatched noise', () => {
    const noise: MarginNoise = { windows: 30, groups: 10, tolerance: 0.05, margins: [], low: [3, 3], high: [3, 4] };
    const flat = { data: new Float64Array(144), shape: [12, 12] };
    const c = compareMaps(flat, flat, {}, noise);
    expect([c.afterNoise!.low, c.afterNoise!.high, c.changedAxes]).toEqual([[0, 0], [3, 4], []]);
    expect(compareMaps(flat, flat).changedAxes).toBeNull();
    expect(() => compareMaps(flat, flat, { tolerance: 0.1 }, noise)).toThrow('compareMaps: the noise was measured with tolerance 0.05 but the maps are compared with 0.1');
    expect(() => compareMaps(flat, flat, {}, { ...noise, low: [0, 0, 0], high: [0, 0, 0] })).toThrow('compareMaps: the noise has 3 axes but the maps have 2');
  });

  it('names bad input', () => {
    const run = tiledRun([5, 5], 4, () => 0.25);
    expect(() => reevaluate(run.cache, run.plan, new Int32Array(100), { ...FG, noiseGroups: 2 })).toThrow('reevaluate: noiseGroups must be an integer ≥ 3, got 2');
    expect(() => new GroupedSums(0, 4)).toThrow('GroupedSums: groups must be an integer ≥ 1, got 0');
    expect(() => new GroupedSums(3, 4).addWindow(0, [1, 2])).toThrow('GroupedSums.addWindow: expected 4 values, got 2');
    expect(() => marginChangedAxes([1], [1, 1], { windows: 9, groups: 9, tolerance: 0.05, margins: [], low: [1, 1], high: [1, 1] })).toThrow(
      'marginChangedAxes: the margins ([1] and [1, 1]) and the noise range ([1, 1]–[1, 1]) need one entry per axis',
    );
    expect(jackknifeMargin({ sum: [0], count: 1 }, null, () => [0], [1], [0])).toMatchObject({ groups: 0, low: null });
  });
});
