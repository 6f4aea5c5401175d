import { describe, expect, it } from 'vitest';
import { compareWeightedWithGaussian } from '../../../src-node/report/blendComparison';
import type { ReportConfig } from '../../../src-node/report/reportTypes';

const config = (id: string, blend: string, overlap: number, dice: number, ms: number): ReportConfig => ({
  id,
  patchSize: [24, 24, 24],
  overlap: [overlap, overlap, overlap],
  placement: 'stride',
  blend,
  mirror: false,
  windows: 10,
  time: { medianMs: ms, minMs: ms, maxMs: ms, fastestMs: ms },
  predictedMs: null,
  predictionErrorPct: null,
  dice: { mean: dice, perClass: [] },
  efficiency: dice / (ms / 1000),
  onParetoFront: false,
  calibration: false,
  cases: 1,
  complete: true,
});

describe('performance-weighted against gaussian', () => {
  it('pairs configurations that differ only in blending and gives the noise-aware Dice verdict', () => {
    const rows = compareWeightedWithGaussian([
      config('g0', 'gaussian', 0.25, 0.94, 1000),
      config('w0', 'performance-weighted', 0.25, 0.95, 1010),
      config('g1', 'gaussian', 0.5, 0.95, 2000),
      config('w1', 'performance-weighted', 0.5, 0.9502, 1990),
      config('w2', 'performance-weighted', 0, 0.9, 500), // no gaussian partner
      config('c1', 'constant', 0.5, 0.93, 1900),
    ]);
    expect(rows.map((r) => [r.gaussian.id, r.weighted.id, r.verdict])).toEqual([
      ['g0', 'w0', 'better'],
      ['g1', 'w1', 'no difference'],
    ]);
    expect(rows[0].diceChange).toBeCloseTo(0.01, 10);
    expect(rows[0].timeChangePct).toBeCloseTo(1, 10);
  });
});
