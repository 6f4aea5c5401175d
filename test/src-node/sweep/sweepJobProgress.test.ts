import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSweep, type SweepProgress } from '../../../src-node/sweep/runSweep';
import { sweepJobProgress } from '../../../src-node/sweep/sweepJobProgress';
import type { SweepGrid } from '../../../shared/sweep/types';
import { borderModel, fakeSweepModel, tempFolder, writeCase } from '../../helpers/fakeModel';

const tmp = tempFolder('patchlens-sweep-progress-');
afterAll(() => tmp.cleanup());

/** Two patch sizes × two overlaps × constant + performance-weighted, two cases, 2 repeats. */
const grid: SweepGrid = { patchSizes: [[16], [12]], overlaps: [[0], [0.5]], placements: ['stride'], blends: ['constant', 'performance-weighted'], mirror: [false] };

/** The job fraction before issue 12 (src-node/app/computeWorker.ts): finished pairs plus the windows of the run in flight. */
function oldFraction(p: SweepProgress): number {
  let inner = 0;
  if (p.stage === 'run' && p.run && p.runs) {
    const w = p.inference && p.inference.phase === 'model' && p.inference.total > 0 ? p.inference.done / p.inference.total : 0;
    inner = (p.run - 1 + w) / p.runs;
  }
  return p.total > 0 ? Math.min(1, (p.done + (p.stage === 'saved' || p.stage === 'skip' ? 0 : inner)) / p.total) : 0;
}

async function recordSweep(dir: string, resume = true): Promise<SweepProgress[]> {
  const cases = [writeCase(tmp.dir, 'one', [28, 24, 20], 1), writeCase(tmp.dir, 'two', [20, 28, 24], 2)];
  const events: SweepProgress[] = [];
  await runSweep({ dir, grid, cases, model: fakeSweepModel(borderModel()), settings: { repeats: 2 }, machine: 'm', resume, onProgress: (p) => events.push(structuredClone({ ...p, result: undefined })) });
  return events;
}

function firstDecrease(values: number[]): number {
  return values.findIndex((v, i) => i > 0 && v < values[i - 1]);
}

describe('sweepJobProgress', () => {
  it('never goes backwards over the real event sequence of a sweep, and reaches 1 with the last result', async () => {
    const events = await recordSweep(join(tmp.dir, 'sweep'));
    // The sequence has what made the old fraction go backwards: runs that leave the model phase,
    // warm-ups and a performance-weighted pair that runs its calibration pair first.
    expect(events.some((e) => e.stage === 'run' && e.inference?.phase === 'postprocess')).toBe(true);
    expect(events.filter((e) => e.stage === 'warmup' && !e.inference)).toHaveLength(2);
    const old = events.map(oldFraction);
    expect(firstDecrease(old)).toBeGreaterThan(0);

    const track = sweepJobProgress({ patchSizes: 2, repeats: 2, warmup: 'patch' }, () => 0);
    const fractions = events.map((e) => track(e).fraction);
    expect(firstDecrease(fractions)).toBe(-1);
    expect(fractions.every((f) => f >= 0 && f <= 1)).toBe(true);
    // 2 cases × 8 configurations (the calibration configurations are in the grid) × 2 repeats + 2 warm-ups = 34 runs.
    const pairs = events[0].total;
    expect(pairs).toBe(16);
    const savedAt = events.map((e, i) => (e.stage === 'saved' ? i : -1)).filter((i) => i >= 0);
    expect(savedAt).toHaveLength(16);
    expect(fractions[savedAt[savedAt.length - 1]]).toBe(1);
    // The first pair saved: the first warm-up and its 2 runs of 34.
    expect(fractions[savedAt[0]]).toBeCloseTo(3 / 34, 12);
    // It moves within a run (not only between pairs).
    expect(new Set(fractions).size).toBeGreaterThan(2 * savedAt.length);
  });

  it('counts kept results at once when a sweep resumes, and never goes backwards', async () => {
    const dir = join(tmp.dir, 'resumed');
    await recordSweep(dir);
    const events = await recordSweep(dir, false);
    const again = await recordSweep(dir);
    expect(again.every((e) => e.stage === 'skip')).toBe(true);
    const track = sweepJobProgress({ patchSizes: 2, repeats: 2, warmup: 'patch' }, () => 0);
    const fractions = again.map((e) => track(e).fraction);
    expect(firstDecrease(fractions)).toBe(-1);
    expect(fractions[0]).toBeCloseTo(2 / 34, 12);
    // Rerun without resume: the same plan, monotone too.
    const rerun = sweepJobProgress({ patchSizes: 2, repeats: 2, warmup: 'patch' }, () => 0);
    expect(firstDecrease(events.map((e) => rerun(e).fraction))).toBe(-1);
  });

  it('says where the sweep is and estimates the time left from the fraction', () => {
    let t = 1000;
    const track = sweepJobProgress({ patchSizes: 1, repeats: 1, warmup: 'none' }, () => t);
    const base = { done: 0, total: 2, caseId: 'one', configId: 'p16-o0' } as const;
    expect(track({ ...base, stage: 'run', run: 1, runs: 1, inference: { phase: 'model', done: 5, total: 10, etaMs: null } })).toEqual({ fraction: 0.25, phase: 'sweep', etaMs: 0, message: '0/2 pairs · one p16-o0 · run 1/1' });
    t = 4000;
    expect(track({ ...base, stage: 'run', run: 1, runs: 1, inference: { phase: 'postprocess', done: 0, total: 1, etaMs: null } })).toMatchObject({ fraction: 0.475, etaMs: Math.round((3000 * 0.525) / 0.475) });
  });
});
