import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSweep } from '../../../src-node/sweep/runSweep';
import { readResults } from '../../../src-node/sweep/sweepFolder';
import { summarizeSweep } from '../../../src-node/sweep/summarizeSweep';
import { rankByPredictedTime } from '../../../shared/sweep/rank';
import type { SweepGrid } from '../../../shared/sweep/types';
import { borderModel, fakeSweepModel, tempFolder, writeCase } from '../../helpers/fakeModel';

const tmp = tempFolder('patchlens-sweep-rank-');
afterAll(() => tmp.cleanup());

describe('ranking a grid before running it', () => {
  it('ranks every configuration from the calibration runs alone, in the order the full sweep measures', async () => {
    const grid: SweepGrid = { patchSizes: [[16]], overlaps: [[0], [0.25], [0.5]], placements: ['stride'], blends: ['constant', 'gaussian'], mirror: [false] };
    const cases = [writeCase(tmp.dir, 'one', [40, 40, 40], 1)];
    const dir = join(tmp.dir, 'sweep');
    // only the calibration (largest overlap, constant) runs first
    const calGrid: SweepGrid = { ...grid, overlaps: [[0.5]], blends: ['constant'] };
    await runSweep({ dir, grid: calGrid, cases, settings: { repeats: 1 }, machine: 'm', model: fakeSweepModel(borderModel()) });
    const cals = readResults(dir).results.map((r) => r.result);
    expect(cals).toHaveLength(1);
    const ranked = rankByPredictedTime(grid, cals);
    expect(ranked).toHaveLength(6);
    // more overlap, more windows, more predicted time
    const byOverlap = (o: number) => ranked.filter((r) => r.config.overlap[0] === o);
    expect(Math.max(...byOverlap(0).map((r) => r.predictedMs))).toBeLessThan(Math.min(...byOverlap(0.5).map((r) => r.predictedMs)));
    expect(byOverlap(0)[0].windows).toBeLessThan(byOverlap(0.5)[0].windows);
    // the full sweep resumes from the calibration and measures windows as predicted
    const report = await runSweep({ dir, grid, cases, settings: { repeats: 1 }, machine: 'm', model: fakeSweepModel(borderModel()) });
    expect(report.skipped).toBe(1);
    const summary = summarizeSweep(dir);
    for (const r of ranked) expect(summary.configs.find((c) => c.config.id === r.config.id)!.windows).toBe(r.windows);
  }, 60_000);
});
