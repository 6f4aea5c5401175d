import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SweepSummary } from '../../../shared/sweep/types';
import { applyRule, DEFAULT_RULE } from '../../../shared/sweep/pareto';
import { centreIndex } from '../../../shared/view/centreIndex';
import { mapPlane } from '../../../shared/view/mapSlice';
import { sweepView } from '../../../shared/view/sweepView';
import { mapReport } from '../../../src-node/report/mapReport';
import { loadReportData } from '../../../src-node/report/reportData';
import { reportView } from '../../../src-node/report/reportView';

/** The explorer's fixture: a real 4-configuration sweep summary (24³ patches, one time model). */
const summary = JSON.parse(readFileSync(new URL('../../fixtures/summary.json', import.meta.url), 'utf8')) as SweepSummary;

/** An even-sized 3-D map (4 × 6 × 8) of integers, so the report's 6-digit rounding changes nothing. */
const SHAPE = [4, 6, 8];
const MAP = { shape: SHAPE, data: Float64Array.from({ length: 4 * 6 * 8 }, (_, i) => (i * 7) % 23), measure: 'absoluteError', axisNames: ['z', 'y', 'x'] };

/** Writes `files` (name → JSON) into a fresh folder and loads it as report data. */
async function loadReport(files: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'patchlens-view-'));
  try {
    mkdirSync(join(dir, 'results'));
    for (const [name, value] of Object.entries(files)) writeFileSync(join(dir, name), JSON.stringify(value));
    return await loadReportData(dir, { now: new Date('2026-01-01T00:00:00Z') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('sweepView: the explorer and the report see the same sweep', () => {
  it('gives both the same points, Pareto front and recommendation', async () => {
    const explorer = sweepView(summary);
    const report = reportView(await loadReport({ 'summary.json': summary }));
    const essentials = (v: typeof explorer) => v.points.map((p) => [p.id, p.timeS, p.dice, p.overlap, p.series, p.front, p.recommended]);
    expect(essentials(report)).toEqual(essentials(explorer));
    expect(explorer.front.map((p) => p.id)).toEqual(summary.pareto);
    expect(report.front.map((p) => p.id)).toEqual(summary.pareto);
    expect(explorer.recommendation?.id).toBe('p24-o0.5-stride-gaussian-tta0');
    expect(report.recommendation?.id).toBe(explorer.recommendation?.id);
    expect(report.predictions.map((p) => [p.id, p.kind, p.predictedS, p.measuredS])).toEqual(explorer.predictions.map((p) => [p.id, p.kind, p.predictedS, p.measuredS]));
    expect(explorer.predictions).toHaveLength(summary.timeModels[0].predictions.length);
  });

  it('slices an even-sized map at the same centre plane (n/2) in the explorer and the report', () => {
    expect(SHAPE.map(centreIndex)).toEqual([2, 3, 4]);
    const view = sweepView(summary, MAP).map!;
    const report = mapReport(MAP).performanceMap;
    expect(view.slices).toEqual(report.slices);
    expect(view.slices.map((s) => [s.label, s.position])).toEqual([
      ['z at the patch centre (plane 2)', 2],
      ['y at the patch centre (plane 3)', 3],
      ['x at the patch centre (plane 4)', 4],
    ]);
    // The explorer's slider starts at centreIndex: its first plane is the view's first slice.
    expect(Array.from(mapPlane(MAP, centreIndex(SHAPE[0])).values)).toEqual(view.slices[0].values);
    // Plane 4 of x (not the mean of planes 3 and 4): value at (z 1, y 2) = data[(1·6 + 2)·8 + 4].
    expect(view.slices[2].values[1 * 6 + 2]).toBe(MAP.data[(1 * 6 + 2) * 8 + 4]);
    expect(view.range).toEqual([report.min, report.max]);
  });

  it('gives both the same border profile', () => {
    const view = sweepView(summary, MAP).map!;
    const report = mapReport(MAP).borderProfile;
    expect(view.borderProfile).toEqual(report);
    expect(report.perAxis.map((c) => [c.name, c.distance])).toEqual([
      ['z', [0, 1]],
      ['y', [0, 1, 2]],
      ['x', [0, 1, 2, 3]],
    ]);
    expect(report.nearest.distance).toEqual([0, 1]);
  });

  it('picks with the sweep’s own default rule (0.5 % relative) when report data names no recommendation', async () => {
    // Best Dice 0.8: the relative floor is 0.796, an absolute 0.005 would be 0.795. "mid" (0.7955)
    // is the fastest under the absolute rule only.
    const cfg = (id: string, medianMs: number, dice: number) => ({ id, patchSize: [16, 16, 16], overlap: [0.5, 0.5, 0.5], placement: 'stride', blend: 'gaussian', mirror: false, windows: 8, time: { medianMs }, dice: { mean: dice } });
    const configs = [cfg('best', 300, 0.8), cfg('near', 200, 0.7962), cfg('mid', 100, 0.7955)];
    const data = await loadReport({ 'summary.json': { format: 'patchlens.report-data', version: 1, configs } });
    const rows = configs.map((c) => ({ id: c.id, timeMs: c.time.medianMs, dice: c.dice.mean, windows: c.windows }));
    expect(rows[applyRule(DEFAULT_RULE, rows)!.index].id).toBe('near');
    expect(data.recommendation).toMatchObject({ configId: 'near', rule: 'fastest-within:0.5%' });
    expect(data.warnings.some((w) => w.includes('the report applied its default rule (fastest-within:0.5%)'))).toBe(true);
  });
});
