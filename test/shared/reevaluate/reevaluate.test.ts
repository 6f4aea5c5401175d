import { describe, expect, it } from 'vitest';
import { diceReport, type LabelMode } from '../../../shared/engine/postprocess/dice';
import type { InferenceMeasure } from '../../../shared/engine/inference/inferencePerformance';
import { windowsAtVoxel } from '../../../shared/engine/inference/windowsAtVoxel';
import type { VoxelDiff } from '../../../shared/annotation/voxelDiff';
import { mulberry32 } from '../../../shared/util/mulberry32';
import { errorMap, ERROR_CODES } from '../../../shared/reevaluate/errorMap';
import { reevaluate, type Reevaluation } from '../../../shared/reevaluate/reevaluate';
import { runWithCache, scene3d } from './fakeRun';

// Axis 2 (6 voxels) is shorter than the patch (8): the plan pads it, which the maps must handle alike.
const SHAPE = [14, 13, 6];
const RUN = { patchSize: 8, overlap: 0.5, blend: 'gaussian' as const, batchSize: 2 };
const MEASURES: InferenceMeasure[] = ['absoluteError', 'crossEntropy', 'diceError'];
const MODES: LabelMode[] = ['classes', 'foreground'];

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** A random edit of `n` voxels of `reference` to other labels in [0, 3] (3: a label the model does not have). */
function randomDiff(reference: Int32Array, n: number, rand: () => number): { diff: VoxelDiff; edited: Int32Array } {
  const picked = new Set<number>();
  while (picked.size < n) picked.add(Math.floor(rand() * reference.length));
  const indices = Uint32Array.from([...picked].sort((a, b) => a - b));
  const before = new Uint8Array(indices.length);
  const after = new Uint8Array(indices.length);
  const edited = Int32Array.from(reference);
  indices.forEach((v, k) => {
    before[k] = reference[v];
    after[k] = (reference[v] + 1 + Math.floor(rand() * 3)) % 4;
    edited[v] = after[k];
  });
  return { diff: { indices, before, after }, edited };
}

function expectSameAsFull(state: Reevaluation, full: Reevaluation): void {
  expect(state.performance.accumulator.count).toBe(full.performance.accumulator.count);
  expect(maxAbsDiff(state.performance.accumulator.sum, full.performance.accumulator.sum) / full.performance.accumulator.count).toBeLessThan(1e-6);
  expect(maxAbsDiff(state.map(), full.map())).toBeLessThan(1e-6);
  expect(state.dice()).toEqual(full.dice());
  expect(state.errorMap).toEqual(full.errorMap);
  expect(state.reference).toEqual(full.reference);
}

describe('reevaluate (the maps from cached windows, never the model)', async () => {
  const { image, labels } = await scene3d(SHAPE);

  it('from a float32 cache, the full recompute equals the map runOnGrid produced in the same run', async () => {
    for (const measure of MEASURES) {
      for (const labelMode of MODES) {
        const { run, cache } = await runWithCache(image, labels, 'float32', { ...RUN, measure, labelMode });
        expect(run.plan.padLow).toEqual([0, 0, 1]);
        const r = reevaluate(cache, run.plan, labels, { measure, labelMode });
        const ran = run.performance!.accumulator;
        expect(r.performance.accumulator.count).toBe(ran.count);
        expect(r.performance.accumulator.count).toBe(run.plan.windows.length);
        expect(Array.from(r.performance.accumulator.sum)).toEqual(Array.from(ran.sum));
        expect(Array.from(r.map())).toEqual(Array.from(run.performance!.map()));
        expect(r.dice()).toEqual(diceReport(cache.labels, labels, { mode: labelMode, numClasses: 3 }));
        expect(r.errorMap).toEqual(errorMap(cache.labels, labels, labelMode));
      }
    }
  });

  it('the error map codes false positives, false negatives and wrong classes', async () => {
    const { run, cache } = await runWithCache(image, labels, 'uint8', RUN);
    const ref = new Int32Array(labels.length);
    const pred = cache.labels;
    const fg = pred.findIndex((p) => p > 0);
    const bg = pred.findIndex((p) => p === 0);
    ref[bg] = 2;
    ref[fg] = pred[fg] === 1 ? 2 : 1;
    const r = reevaluate(cache, run.plan, ref, { labelMode: 'classes' });
    expect(r.errorMap[bg]).toBe(ERROR_CODES.falseNegative);
    expect(r.errorMap[fg]).toBe(ERROR_CODES.wrongClass);
    const other = pred.findIndex((p, i) => p > 0 && i !== fg);
    expect(r.errorMap[other]).toBe(ERROR_CODES.falsePositive);
    expect(reevaluate(cache, run.plan, ref, { labelMode: 'foreground' }).errorMap[fg]).toBe(ERROR_CODES.correct);
  });

  it('incremental updates from random edits equal the full recomputation (map to 1e-6, Dice and error map exactly), and undo returns', async () => {
    const rand = mulberry32(99);
    for (const measure of MEASURES) {
      for (const labelMode of MODES) {
        const { run, cache } = await runWithCache(image, labels, 'uint8', { ...RUN, measure, labelMode });
        const state = reevaluate(cache, run.plan, labels, { measure, labelMode });
        const initial = reevaluate(cache, run.plan, labels, { measure, labelMode });
        let current = labels;
        const diffs: VoxelDiff[] = [];
        for (const n of [1, 7, 40, 300]) {
          const { diff, edited } = randomDiff(current, n, rand);
          const info = state.update(diff);
          // only the windows covering the changed voxels were touched
          const expected = new Set<number>();
          for (const v of diff.indices) windowsAtVoxel(run.plan, [Math.floor(v / (13 * 6)), Math.floor(v / 6) % 13, v % 6]).forEach((w) => expected.add(w.index));
          expect(info.windows).toEqual([...expected].sort((a, b) => a - b));
          expect(info.voxels).toBe(n);
          current = edited;
          diffs.push(diff);
          expectSameAsFull(state, reevaluate(cache, run.plan, current, { measure, labelMode }));
        }
        for (const diff of diffs.reverse()) state.update(diff, true);
        expectSameAsFull(state, initial);
      }
    }
  });

  it('a brush stroke (one after-value for all voxels) and the edge voxels of the padded axis', async () => {
    const { run, cache } = await runWithCache(image, labels, 'float16', { ...RUN, measure: 'crossEntropy' });
    const state = reevaluate(cache, run.plan, labels, { measure: 'crossEntropy' });
    // voxels on the padded axis' first and last slice (z = 0 and 5 of 6)
    const indices = Uint32Array.from([0, 5, 6 * 13 * 7 + 5, 6 * 13 * 14 - 1]);
    const before = Uint8Array.from(indices, (v) => labels[v]);
    const diff: VoxelDiff = { indices: indices.filter((_, k) => before[k] !== 2), before: before.filter((b) => b !== 2), after: 2 };
    state.update(diff);
    const edited = Int32Array.from(labels);
    diff.indices.forEach((v) => (edited[v] = 2));
    expectSameAsFull(state, reevaluate(cache, run.plan, edited, { measure: 'crossEntropy' }));
  });

  it('a uint8 cache gives the absoluteError map within classes/1020 of the exact one; float16 cross-entropy within 1e-3', async () => {
    const exact = await runWithCache(image, labels, 'float32', RUN);
    const u8 = await runWithCache(image, labels, 'uint8', RUN);
    const a = reevaluate(exact.cache, exact.run.plan, labels).map();
    const b = reevaluate(u8.cache, u8.run.plan, labels).map();
    expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(3 / 1020 + 1e-7);
    expect(maxAbsDiff(a, b)).toBeGreaterThan(0);
    const ce32 = await runWithCache(image, labels, 'float32', { ...RUN, measure: 'crossEntropy' });
    const ce16 = await runWithCache(image, labels, 'float16', { ...RUN, measure: 'crossEntropy' });
    const c = reevaluate(ce32.cache, ce32.run.plan, labels, { measure: 'crossEntropy' }).map();
    const d = reevaluate(ce16.cache, ce16.run.plan, labels, { measure: 'crossEntropy' }).map();
    expect(maxAbsDiff(c, d)).toBeLessThan(1e-3);
  });

  it('names what is wrong', async () => {
    const { run, cache } = await runWithCache(image, labels, 'uint8', RUN);
    const other = { ...run.plan, starts: [run.plan.starts[0].slice(1), ...run.plan.starts.slice(1)] };
    expect(() => reevaluate(cache, other, labels)).toThrow(/^reevaluate: the cache holds windows of \[8,8,8\] over \[14,13,6\] \(3×3×1 starts\), not the plan given/);
    expect(() => reevaluate(cache, run.plan, labels.subarray(1))).toThrow('reevaluate: the reference has 1091 voxels but the plan\'s image [14,13,6] has 1092');
    expect(() => reevaluate(cache, run.plan, Int32Array.from(labels, (l, i) => (i === 3 ? -1 : l)))).toThrow('reevaluate: reference label -1 at voxel 3: labels must be integers ≥ 0');
    expect(() => reevaluate(cache, run.plan, labels, { measure: 'l2' as InferenceMeasure })).toThrow(/reevaluate: measure must be one of crossEntropy, absoluteError, diceError, got "l2"/);
    const state = reevaluate(cache, run.plan, labels);
    const wrong = (labels[10] + 1) % 3;
    expect(() => state.update({ indices: Uint32Array.of(10), before: wrong, after: labels[10] })).toThrow(`Reevaluation.update: the diff says voxel 10 was ${wrong} but the reference has ${labels[10]} there (a diff of another state?)`);
    expect(() => state.update({ indices: Uint32Array.of(5000), before: 0, after: 1 })).toThrow('Reevaluation.update: voxel index 5000 is outside the plan\'s image [14,13,6]');
  });
});
